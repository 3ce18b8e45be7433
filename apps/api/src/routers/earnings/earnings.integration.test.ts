import { seedDemoData } from "@an/db";
import { advisors, payoutAccounts } from "@an/db/schema";
import {
  insertAdvisor,
  useTestDatabase,
  AMIRA,
  bookConsultation,
  DIEGO,
  hours,
  LUCAS,
  SAM,
  insertBatch,
  postAt,
  releasedConsultation,
} from "@an/db/testing";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { callerFor } from "../consultations/test-fixtures";

const t = useTestDatabase(async (db) => {
  await seedDemoData(db.db);
  await insertAdvisor(db.db, {
    userId: AMIRA,
    displayName: "Amira Haddad",
    hourlyRate: 15_000,
    calcomEventType: "amira/consultation",
  });
});

const T0 = new Date("2026-11-02T09:00:00.000Z");
const at = (h: number) => new Date(T0.getTime() + hours(h));

/**
 * Amira's money (USD; 150.00 per hour, 120.00 her share): c1 released and paid out, c2
 * released and in a payout that keeps failing, c3 paid and upcoming, c4 cancelled by the
 * client with half refunded (60.00 released to her), c5 never paid. After c1's payout a
 * refund took back 20.00 of her share (a receivable), 10.00 of which a reversal recovered.
 */
let c: { c1: string; c2: string; c3: string; c4: string; c5: string };
let batches: { paid: string; failing: string };

beforeAll(async () => {
  const db = t.db;
  const c1 = await releasedConsultation(db, { clientId: SAM, advisorId: AMIRA, bookedAt: T0 });
  const c2 = await releasedConsultation(db, { clientId: SAM, advisorId: AMIRA, bookedAt: at(1) });
  const c3 = await bookConsultation(db, {
    clientId: SAM,
    advisorId: AMIRA,
    bookedAt: T0,
    startsAt: at(72),
  });
  const c4 = await bookConsultation(db, {
    clientId: DIEGO,
    advisorId: AMIRA,
    bookedAt: T0,
    startsAt: at(10),
  });
  await (
    await callerFor(db, DIEGO, { now: at(1) })
  ).consultations.cancel({ consultationId: c4.id });
  const c5 = await bookConsultation(db, {
    clientId: SAM,
    advisorId: AMIRA,
    bookedAt: T0,
    startsAt: at(96),
    paid: false,
  });
  const paid = await insertBatch(db, {
    advisorId: AMIRA,
    createdAt: at(100),
    items: [{ consultationId: c1.id, amount: 12_000, status: "sent" }],
  });
  const failing = await insertBatch(db, {
    advisorId: AMIRA,
    createdAt: at(200),
    items: [
      {
        consultationId: c2.id,
        amount: 12_000,
        status: "retrying",
        attempts: 3,
        lastErrorCode: "balance_insufficient",
        lastError: "Stripe: insufficient available balance on the platform account",
      },
    ],
  });
  await postAt(db, { kind: "refund", postedAt: at(300), consultationId: c1.id }, [
    [`advisor_receivable:${AMIRA}`, 2_000],
    ["platform_fee_revenue", 500],
    ["stripe_balance", -2_500],
  ]);
  await postAt(db, { kind: "transfer_reversal", postedAt: at(301), consultationId: c1.id }, [
    ["stripe_balance", 1_000],
    [`advisor_receivable:${AMIRA}`, -1_000],
  ]);
  c = { c1: c1.id, c2: c2.id, c3: c3.id, c4: c4.id, c5: c5.id };
  batches = { paid: paid.batchId, failing: failing.batchId };
});

const usd = (amount: number, formatted: string) => ({ amount, currency: "USD", formatted });

describe("earnings.getSummary", () => {
  it("shows pending, released, in transit, paid out and owed, formatted in the caller's locale", async () => {
    // Before the planner first stores a run, the next one is computed from the schedule
    // (monthly on the 1st, 09:00 in the advisor's zone).
    const amira = await callerFor(t.db, AMIRA, { now: new Date("2026-11-24T12:00:00Z") });
    const summary = await amira.earnings.getSummary();
    expect(summary).toEqual({
      balances: [
        {
          currency: "USD",
          pending: usd(12_000, "$120.00"),
          released: usd(6_000, "$60.00"),
          inTransit: usd(12_000, "$120.00"),
          paidOut: usd(11_000, "$110.00"),
          owed: usd(1_000, "$10.00"),
        },
      ],
      nextPayoutAt: new Date("2026-12-01T09:00:00Z"),
      timeZone: "UTC",
      payoutsHeld: false,
      accountOnboarded: false,
      accountReady: false,
    });
    const inGerman = await (await callerFor(t.db, AMIRA, { locale: "de" })).earnings.getSummary();
    expect(inGerman.balances[0]!.paidOut).toEqual(usd(11_000, "110,00\u00a0$"));
  });

  it("reflects the next payout date, a hold and a ready account", async () => {
    const next = new Date("2026-12-01T09:00:00.000Z");
    await t.db
      .update(advisors)
      .set({ nextPayoutAt: next, payoutsHeldAt: at(5), payoutsHeldReason: "KYC check" })
      .where(eq(advisors.userId, AMIRA));
    await t.db
      .insert(payoutAccounts)
      .values({ advisorId: AMIRA, providerAccountId: "acct_amira", transfersCapability: "active" });
    try {
      const summary = await (await callerFor(t.db, AMIRA)).earnings.getSummary();
      expect(summary).toMatchObject({
        nextPayoutAt: next,
        payoutsHeld: true,
        accountOnboarded: true,
        accountReady: true,
      });
    } finally {
      await t.db.delete(payoutAccounts).where(eq(payoutAccounts.advisorId, AMIRA));
      await t.db
        .update(advisors)
        .set({ nextPayoutAt: null, payoutsHeldAt: null, payoutsHeldReason: null })
        .where(eq(advisors.userId, AMIRA));
    }
  });

  it("is the caller's own: another advisor sees only theirs; non-advisors are refused", async () => {
    // Lucas has the advisor role but no advisor profile yet.
    await expect((await callerFor(t.db, LUCAS)).earnings.getSummary()).rejects.toMatchObject({
      code: "FORBIDDEN",
      appCode: "NOT_AN_ADVISOR",
    });
    await insertAdvisor(t.db, { userId: LUCAS, displayName: "Lucas" });
    const lucas = await callerFor(t.db, LUCAS);
    expect((await lucas.earnings.getSummary()).balances).toEqual([]);
    expect((await lucas.earnings.listPayouts()).items).toEqual([]);
    expect((await lucas.earnings.listConsultations()).items).toEqual([]);

    for (const userId of [SAM, DIEGO]) {
      const caller = await callerFor(t.db, userId);
      await expect(caller.earnings.getSummary()).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(caller.earnings.listPayouts()).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(caller.earnings.listConsultations()).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
    }
    await expect((await callerFor(t.db, null)).earnings.getSummary()).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
  });
});

describe("earnings.listPayouts", () => {
  it("lists the advisor's batches newest first with their items, without provider errors", async () => {
    const amira = await callerFor(t.db, AMIRA);
    const first = await amira.earnings.listPayouts({ limit: 1 });
    expect(first.items.map((b) => b.id)).toEqual([batches.failing]);
    expect(first.items[0]).toMatchObject({
      kind: "scheduled",
      total: usd(12_000, "$120.00"),
      netted: usd(0, "$0.00"),
      items: [
        {
          consultationId: c.c2,
          gross: usd(12_000, "$120.00"),
          amount: usd(12_000, "$120.00"),
          status: "retrying",
          sentAt: null,
        },
      ],
    });
    // What went wrong at the provider is for admins.
    expect(Object.keys(first.items[0]!.items[0]!).sort()).toEqual([
      "amount",
      "consultationId",
      "gross",
      "id",
      "netted",
      "sentAt",
      "status",
    ]);
    const second = await amira.earnings.listPayouts({ limit: 1, cursor: first.nextCursor });
    expect(second.nextCursor).toBeNull();
    expect(second.items.map((b) => b.id)).toEqual([batches.paid]);
    expect(second.items[0]!.items[0]).toMatchObject({ consultationId: c.c1, status: "sent" });
    expect(second.items[0]!.items[0]!.sentAt).toBeInstanceOf(Date);
  });

  it("refuses a malformed cursor", async () => {
    const amira = await callerFor(t.db, AMIRA);
    await expect(amira.earnings.listPayouts({ cursor: "not-a-cursor" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });
});

describe("earnings.listConsultations", () => {
  it("breaks down each paid consultation, newest first: price, fee, share, refunds and payout", async () => {
    const amira = await callerFor(t.db, AMIRA);
    const first = await amira.earnings.listConsultations({ limit: 2 });
    const second = await amira.earnings.listConsultations({ limit: 2, cursor: first.nextCursor });
    expect(second.nextCursor).toBeNull();
    const rows = [...first.items, ...second.items];
    // c5 was never paid, so it earned nothing and isn't listed.
    expect(rows.map((r) => r.consultationId)).toEqual([c.c3, c.c2, c.c1, c.c4]);
    const byId = new Map(rows.map((r) => [r.consultationId, r]));
    expect(byId.get(c.c3)).toMatchObject({
      status: "confirmed",
      price: usd(15_000, "$150.00"),
      platformFee: usd(3_000, "$30.00"),
      advisorShare: usd(12_000, "$120.00"),
      refunded: usd(0, "$0.00"),
      shareAfterRefunds: usd(12_000, "$120.00"),
      payout: null,
    });
    expect(byId.get(c.c4)).toMatchObject({
      refunded: usd(7_500, "$75.00"),
      shareAfterRefunds: usd(6_000, "$60.00"),
      payout: null,
    });
    expect(byId.get(c.c2)).toMatchObject({
      status: "released",
      payout: { status: "retrying", amount: usd(12_000, "$120.00"), paidOutAt: null },
    });
    expect(byId.get(c.c1)).toMatchObject({
      status: "paid_out",
      payout: { status: "sent", amount: usd(12_000, "$120.00") },
    });
    expect(byId.get(c.c1)!.payout!.paidOutAt).toEqual(new Date(at(100).getTime() + 60_000));
  });
});
