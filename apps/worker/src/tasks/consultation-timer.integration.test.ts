import { listEntriesForConsultation } from "@an/db";
import { useTestDatabase, consultationRow, heldFor, queuedJobs, seedParties } from "@an/db/testing";
import { sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import {
  addMinutes,
  book,
  bookAndPay,
  jobHelpers,
  MEETING_END,
  T0,
  world,
  type World,
} from "../processing/testing/fixtures";

const t = useTestDatabase((db) => seedParties(db.db));
let w: World;
beforeEach(() => {
  w = world(t.db);
});
const helpers = jobHelpers();
const HOUR = 60;

describe("consultation_timer", () => {
  it("payment expiry expires an unpaid consultation and closes its checkout; early, it retries", async () => {
    const b = await book(w);
    await w.handlers.create_checkout({ consultationId: b.consultationId }, helpers);
    const at = addMinutes(T0, 60).toISOString();
    w.clock.now = addMinutes(T0, 59);
    await expect(
      w.handlers.consultation_timer(
        { consultationId: b.consultationId, timer: "payment_expiry", at },
        helpers,
      ),
    ).rejects.toThrow(/ran before/);
    expect((await consultationRow(t.db, b.consultationId)).status).toBe("awaiting_payment");
    w.clock.now = addMinutes(T0, 60);
    await w.handlers.consultation_timer(
      { consultationId: b.consultationId, timer: "payment_expiry", at },
      helpers,
    );
    expect((await consultationRow(t.db, b.consultationId)).status).toBe("payment_expired");
    expect((await queuedJobs(t.db, "expire_checkout")).length).toBeGreaterThanOrEqual(1);
    // Firing again (a retried job) changes nothing and isn't an error.
    await w.handlers.consultation_timer(
      { consultationId: b.consultationId, timer: "payment_expiry", at },
      helpers,
    );
    const events = await t.db.execute<{ n: number }>(
      sql`select count(*)::int as n from consultation_events where consultation_id = ${b.consultationId} and type = 'payment_expired'`,
    );
    expect(events[0]!.n).toBe(1);
  });

  it("a payment-expiry timer for a paid consultation is a quiet no-op", async () => {
    const b = await bookAndPay(w);
    w.clock.now = addMinutes(T0, 61);
    await w.handlers.consultation_timer(
      {
        consultationId: b.consultationId,
        timer: "payment_expiry",
        at: addMinutes(T0, 60).toISOString(),
      },
      helpers,
    );
    expect((await consultationRow(t.db, b.consultationId)).status).toBe("confirmed");
    const refused = await t.db.execute<{ n: number }>(
      sql`select count(*)::int as n from consultation_events where consultation_id = ${b.consultationId} and not applied`,
    );
    expect(refused[0]!.n).toBe(0);
  });

  it("scheduled end completes the meeting; the hold window then releases the money", async () => {
    const b = await bookAndPay(w);
    w.clock.now = addMinutes(MEETING_END, 1);
    await w.handlers.consultation_timer(
      { consultationId: b.consultationId, timer: "scheduled_end", at: MEETING_END.toISOString() },
      helpers,
    );
    expect((await consultationRow(t.db, b.consultationId)).status).toBe("completed");
    const hold = (await queuedJobs(t.db, "consultation_timer")).find(
      (j) => j.key === `consultation:${b.consultationId}:hold_window_elapsed`,
    );
    expect(hold).toBeDefined();
    const holdAt = hold!.payload.at as string;
    expect(new Date(holdAt).getTime()).toBe(addMinutes(MEETING_END, 1 + 48 * HOUR).getTime());
    w.clock.now = new Date(holdAt);
    await w.handlers.consultation_timer(
      { consultationId: b.consultationId, timer: "hold_window_elapsed", at: holdAt },
      helpers,
    );
    expect((await consultationRow(t.db, b.consultationId)).status).toBe("released");
    expect(await heldFor(t.db, b.consultationId)).toBe(0);
    const release = (
      await listEntriesForConsultation(t.db, { consultationId: b.consultationId })
    ).find((e) => e.kind === "release");
    expect(release?.postings).toEqual(
      expect.arrayContaining([
        { account: "advisor_payable:demo|advisor-amira", amount: -9_600, currency: "USD" },
        { account: "platform_fee_revenue", amount: -2_400, currency: "USD" },
      ]),
    );
  });
});
