import { randomUUID } from "node:crypto";
import {
  appendMessage,
  applyAdminDecision,
  cancelPassAsClient,
  type Db,
  findUnbalancedEntries,
  listEntriesForConsultation,
  listRefunds,
  openDisputeAsParty,
  preparePayoutBatch,
  purchasePass,
} from "@an/db";
import { advisorInvitations, advisors, conversationMembers, payoutAccounts } from "@an/db/schema";
import {
  ADMIN,
  ADVISOR,
  CLIENT,
  consultationRow,
  heldFor,
  jobPayloads,
  PRICE,
  seedParties,
  seedProjectChat,
  useTestDatabase,
  DIEGO,
} from "@an/db/testing";
import type { TimerName } from "@an/domain";
import { eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import {
  bookAndPay,
  checkoutSessionObject,
  deliver,
  jobHelpers,
  MEETING_END,
  openCheckout,
  stripeEvent,
  T0,
  world,
  type World,
} from "./testing/fixtures";

/*
 * An async advice pass end to end on the real machinery: bought on a project, paid through
 * the simulated Stripe Checkout like a booking, answered (or not) in the project's chat,
 * then completed, held, released and paid out with the advisor's other earnings — or
 * refunded by the pass policy. Every ledger entry balances.
 */

const t = useTestDatabase((db) => seedParties(db.db));
let w: World;
const HOUR = 3_600_000;
const DAY_RATE = 5_000;

/** The advisor accepted an invitation to the project (and is a member), and sells passes. */
async function inviteAndOffer(db: Db, chat: { projectId: string; conversationId: string }) {
  await db.insert(advisorInvitations).values({
    projectId: chat.projectId,
    advisorId: ADVISOR.id,
    invitedBy: CLIENT.id,
    status: "accepted",
    expiresAt: new Date(T0.getTime() + 90 * 24 * HOUR),
    respondedAt: T0,
  });
  await db
    .insert(conversationMembers)
    .values({ conversationId: chat.conversationId, userId: ADVISOR.id, role: "advisor" });
  await db.update(advisors).set({ asyncDayRate: DAY_RATE }).where(eq(advisors.userId, ADVISOR.id));
}

let chat: { projectId: string; conversationId: string };

beforeEach(async () => {
  w = world(t.db);
  chat = await seedProjectChat(t.db, {
    ownerId: CLIENT.id,
    name: `Pass project ${randomUUID().slice(0, 6)}`,
  });
  await inviteAndOffer(t.db, chat);
});

async function buy(days: number) {
  const bought = await t.db.transaction((tx) =>
    purchasePass(tx, {
      clientId: CLIENT.id,
      advisorId: ADVISOR.id,
      projectId: chat.projectId,
      days,
      now: w.clock.now,
      requestId: `req-${randomUUID()}`,
      paymentWindowMinutes: 60,
    }),
  );
  if (!bought.ok) throw new Error(`purchase refused: ${bought.error.code}`);
  return bought.value.consultation;
}

/** The client pays the open Checkout session (Stripe says: paid at T0). */
async function pay(consultationId: string, amount: number) {
  const { paymentId, sessionId } = await openCheckout(w, consultationId);
  const paid = await deliver(
    w,
    "stripe",
    stripeEvent(
      "checkout.session.completed",
      checkoutSessionObject({ sessionId, consultationId, paymentId, amount }),
    ),
  );
  expect(paid.status).toBe("processed");
}

/** Runs the consultation's timer as the worker would at `at` (the clock moves there). */
async function fire(consultationId: string, timer: TimerName, at: Date) {
  w.clock.now = at;
  await w.handlers.consultation_timer(
    { consultationId, timer, at: at.toISOString() },
    jobHelpers(),
  );
}

async function advisorSays(consultationId: string, at: Date) {
  const sent = await t.db.transaction((tx) =>
    appendMessage(tx, {
      conversationId: chat.conversationId,
      actorType: "advisor",
      senderId: ADVISOR.id,
      authorKey: `user:${ADVISOR.id}`,
      clientMsgId: randomUUID(),
      body: "Here is my first take on your schema.",
      engagementId: consultationId,
      now: at,
    }),
  );
  expect(sent.kind).toBe("created");
}

async function expectBalanced(consultationId: string) {
  expect(await findUnbalancedEntries(t.db)).toEqual([]);
  expect(await heldFor(t.db, consultationId)).toBe(0);
}

const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);

describe("an async advice pass", () => {
  it("is bought at the frozen quote, awaits payment with its Checkout job, and starts when paid", async () => {
    const pass = await buy(3);
    expect(pass).toMatchObject({
      kind: "async_pass",
      passDays: 3,
      projectId: chat.projectId,
      status: "awaiting_payment",
      price: 15_000,
      platformFee: 3_000,
      advisorShare: 12_000,
      bookingUid: null,
    });
    const checkouts = await jobPayloads<{ consultationId: string }>(t.db, "create_checkout");
    expect(checkouts).toContainEqual({ consultationId: pass.id });

    w.clock.now = at(0.2);
    await pay(pass.id, 15_000);
    const row = await consultationRow(t.db, pass.id);
    expect(row.status).toBe("confirmed");
    expect(new Date(row.starts_at)).toEqual(T0);
    expect(new Date(row.ends_at)).toEqual(at(72));
    const timers = await jobPayloads<{ consultationId: string; timer: string; at: string }>(
      t.db,
      "consultation_timer",
    );
    expect(
      timers
        .filter((j) => j.consultationId === pass.id)
        .map((j) => j.timer)
        .sort(),
    ).toEqual(["pass_reply_due", "scheduled_end"]);
  });

  it("answered in time: completed at the window's end, released after the hold, paid out with the advisor's other earnings", async () => {
    // A booked, paid consultation of the same advisor, carried to release by its own timers.
    const other = await bookAndPay(w);
    await fire(other.consultationId, "scheduled_end", MEETING_END);
    const [held] = await t.db.execute<{ hold_ends_at: string }>(
      sql`select hold_ends_at from consultations where id = ${other.consultationId}`,
    );
    await fire(other.consultationId, "hold_window_elapsed", new Date(held!.hold_ends_at));
    expect((await consultationRow(t.db, other.consultationId)).status).toBe("released");
    w.clock.now = T0;

    const pass = await buy(2);
    await pay(pass.id, 10_000);
    await advisorSays(pass.id, at(5));

    await fire(pass.id, "pass_reply_due", at(48));
    expect((await consultationRow(t.db, pass.id)).status).toBe("confirmed");
    await fire(pass.id, "scheduled_end", at(48));
    expect((await consultationRow(t.db, pass.id)).status).toBe("completed");
    await fire(pass.id, "hold_window_elapsed", at(96));
    expect((await consultationRow(t.db, pass.id)).status).toBe("released");
    await expectBalanced(pass.id);

    await t.db.insert(payoutAccounts).values({
      advisorId: ADVISOR.id,
      providerAccountId: `acct_${randomUUID().slice(0, 8)}`,
      transfersCapability: "active",
      payoutsEnabled: true,
      detailsSubmitted: true,
    });
    const prepared = await t.db.transaction((tx) =>
      preparePayoutBatch(tx, {
        request: {
          kind: "off_cycle",
          advisorId: ADVISOR.id,
          requestedBy: ADMIN,
          requestedAt: at(200),
        },
        now: at(200),
      }),
    );
    if (prepared.kind !== "created") throw new Error(`payout: ${prepared.kind}`);
    const byConsultation = new Map(prepared.items.map((i) => [i.consultationId, i.amount]));
    expect(byConsultation.get(pass.id)).toBe(8_000);
    expect(byConsultation.get(other.consultationId)).toBe(PRICE.advisorShare);
    expect(prepared.batches).toHaveLength(1);
    expect(await findUnbalancedEntries(t.db)).toEqual([]);
  });

  it("no reply in 48 h: the timer refunds everything and the ledger balances", async () => {
    const pass = await buy(5);
    await pay(pass.id, 25_000);
    await fire(pass.id, "pass_reply_due", at(48));
    const row = await consultationRow(t.db, pass.id);
    expect(row.status).toBe("refunded");
    expect(row.refundable_price).toBe(0);
    expect((await listRefunds(t.db, { consultationId: pass.id })).map((r) => r.amount)).toEqual([
      25_000,
    ]);
    await expectBalanced(pass.id);
    // The window's end, arriving later, changes nothing.
    await fire(pass.id, "scheduled_end", at(120));
    expect((await consultationRow(t.db, pass.id)).status).toBe("refunded");
    expect(await listRefunds(t.db, { consultationId: pass.id })).toHaveLength(1);
  });

  it("the two clocks of an unanswered pass give the same outcome in either order", async () => {
    const observe = async (id: string) => ({
      status: (await consultationRow(t.db, id)).status,
      refunds: (await listRefunds(t.db, { consultationId: id })).map((r) => r.amount),
      ledger: (await listEntriesForConsultation(t.db, { consultationId: id }))
        .map(
          (e) =>
            `${e.kind}:${e.postings
              .map((p) => p.amount)
              .sort()
              .join(",")}`,
        )
        .sort(),
    });
    // A 2-day pass: the reply deadline and the window's end are the same instant.
    const a = await buy(2);
    await pay(a.id, 10_000);
    await fire(a.id, "pass_reply_due", at(48));
    await fire(a.id, "scheduled_end", at(48));

    w.clock.now = T0;
    const b = await buy(2);
    await pay(b.id, 10_000);
    await fire(b.id, "scheduled_end", at(48));
    await fire(b.id, "pass_reply_due", at(48));

    expect(await observe(a.id)).toEqual(await observe(b.id));
    expect((await observe(a.id)).status).toBe("refunded");
    await expectBalanced(a.id);
    await expectBalanced(b.id);
  });

  it("a reply after the deadline doesn't keep the pass, even when the timer runs late", async () => {
    const pass = await buy(3);
    await pay(pass.id, 15_000);
    await advisorSays(pass.id, at(50));
    await fire(pass.id, "pass_reply_due", at(52));
    expect((await consultationRow(t.db, pass.id)).status).toBe("refunded");
  });

  it("the client cancelling before the first reply gets everything back", async () => {
    const pass = await buy(3);
    await pay(pass.id, 15_000);
    const out = await t.db.transaction((tx) =>
      cancelPassAsClient(tx, {
        consultationId: pass.id,
        clientId: CLIENT.id,
        requestId: "req-cancel-1",
        now: at(10),
      }),
    );
    expect(out.kind).toBe("applied");
    expect((await listRefunds(t.db, { consultationId: pass.id })).map((r) => r.amount)).toEqual([
      15_000,
    ]);
    await expectBalanced(pass.id);
    // No calendar booking to cancel.
    expect(await jobPayloads(t.db, "cancel_booking")).toEqual([]);
  });

  it("the client cancelling after a reply gets the days not begun back; the rest is released", async () => {
    const pass = await buy(3);
    await pay(pass.id, 15_000);
    await advisorSays(pass.id, at(2));
    await t.db.transaction((tx) =>
      cancelPassAsClient(tx, {
        consultationId: pass.id,
        clientId: CLIENT.id,
        requestId: "req-cancel-2",
        now: at(30),
      }),
    );
    // Day 2 of 3 had begun: one day (a third) is refunded.
    expect((await listRefunds(t.db, { consultationId: pass.id })).map((r) => r.amount)).toEqual([
      5_000,
    ]);
    const [payable] = await t.db.execute<{ n: string }>(
      sql`select coalesce(-sum(amount), 0) as n from journal_postings p join journal_entries e on e.id = p.entry_id
          where p.account = ${`advisor_payable:${ADVISOR.id}`} and e.consultation_id = ${pass.id}`,
    );
    expect(Number(payable!.n)).toBe(8_000);
    await expectBalanced(pass.id);
  });

  it("only the pass's own client can cancel it", async () => {
    const pass = await buy(3);
    await pay(pass.id, 15_000);
    const out = await t.db.transaction((tx) =>
      cancelPassAsClient(tx, {
        consultationId: pass.id,
        clientId: DIEGO,
        requestId: "req-cancel-3",
        now: at(10),
      }),
    );
    expect(out.kind).toBe("not_found");
    expect((await consultationRow(t.db, pass.id)).status).toBe("confirmed");
  });

  it("a client dispute in the hold window is decided by an admin as for a booking", async () => {
    const pass = await buy(2);
    await pay(pass.id, 10_000);
    await advisorSays(pass.id, at(1));
    await fire(pass.id, "scheduled_end", at(48));
    const opened = await t.db.transaction((tx) =>
      openDisputeAsParty(tx, {
        consultationId: pass.id,
        userId: CLIENT.id,
        requestId: "req-dispute",
        now: at(50),
        reason: "The advice ignored my stack.",
      }),
    );
    expect(opened.kind).toBe("applied");
    expect((await consultationRow(t.db, pass.id)).status).toBe("disputed");
    const decided = await t.db.transaction((tx) =>
      applyAdminDecision(tx, {
        consultationId: pass.id,
        adminId: ADMIN,
        requestId: "req-resolve",
        now: at(60),
        reason: "Half refunded",
        action: "consultation.resolve_dispute",
        procedure: "consultations.resolveDispute",
        event: (row) => ({
          type: "dispute_resolved",
          refund: { amount: 4_000, currency: row.currency as "USD" },
        }),
      }),
    );
    expect(decided.kind).toBe("applied");
    expect((await consultationRow(t.db, pass.id)).status).toBe("released");
    expect((await listRefunds(t.db, { consultationId: pass.id })).map((r) => r.amount)).toEqual([
      4_000,
    ]);
    await expectBalanced(pass.id);
  });
});
