import { createSimulatedPayments, type SimulatedPayments } from "@an/billing";
import { createPgSimStore, listEntriesForConsultation, listPayments, listRefunds } from "@an/db";
import { useTestDatabase, consultationRow, PRICE, queuedJobs, seedParties } from "@an/db/testing";
import { sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeScheduling } from "@an/billing/testing";
import {
  addMinutes,
  book,
  checkoutSessionObject,
  deliver,
  jobHelpers,
  openCheckout,
  processDelivery,
  type Stage,
  storeDelivery,
  stripeEvent,
  T0,
  world,
} from "../processing/testing/fixtures";
import { testBillingConfig, testWorkerDeps } from "../testing";
import { createHandlers } from ".";

/*
 * The payment deadline is ours, the payment is Stripe's: whether the client paid in time
 * is what happened at Stripe, whichever of our deadline timer and Stripe's webhook the
 * worker runs first. These run the worker's tasks against the simulated Stripe, which
 * keeps its sessions in the test database and hands us the events it would send.
 */

const t = useTestDatabase((db) => seedParties(db.db));
const helpers = jobHelpers();

type SimStage = Stage & { payments: SimulatedPayments; sent: string[] };

let s: SimStage;
beforeEach(() => {
  const clock = { now: T0 };
  const sent: string[] = [];
  const payments = createSimulatedPayments(testBillingConfig(), {
    store: createPgSimStore(t.db),
    now: () => clock.now,
    deliver: (_provider, body) => {
      sent.push(body);
      return Promise.resolve();
    },
  });
  const deps = testWorkerDeps(t.db, {
    payments,
    scheduling: new FakeScheduling(),
    now: () => clock.now,
  });
  s = { clock, deps, handlers: createHandlers(deps), payments, sent };
});

/**
 * A booked consultation with its checkout open at the simulated Stripe, and its deadline.
 * A checkout opened `minutesBefore` a near deadline outlives it at Stripe (a session lasts
 * at least 30 minutes there).
 */
async function awaitingPayment(stage: Stage, options: { minutesBefore?: number } = {}) {
  const b = await book(stage);
  const [row] = await t.db.execute<{ payment_expires_at: Date }>(
    sql`select payment_expires_at from consultations where id = ${b.consultationId}`,
  );
  const deadline = new Date(row!.payment_expires_at);
  if (options.minutesBefore) stage.clock.now = addMinutes(deadline, -options.minutesBefore);
  const checkout = await openCheckout(stage, b.consultationId);
  return { ...b, ...checkout, deadline };
}

/** The deadline timer, run by the worker at `now`. */
function deadlineTimer(stage: Stage, consultationId: string, deadline: Date) {
  return stage.handlers.consultation_timer(
    { consultationId, timer: "payment_expiry", at: deadline.toISOString() },
    helpers,
  );
}

/** Stores and processes, in order, the events the simulated Stripe sent since `from`. */
async function processSent(from = 0) {
  const results = [];
  for (const body of s.sent.slice(from)) {
    const id = await storeDelivery(t.db, "stripe", body, s.clock.now);
    results.push({
      type: (JSON.parse(body) as { type: string }).type,
      ...(await processDelivery(s, id)),
    });
  }
  return results;
}

/** What the worker has to show for one consultation. */
async function observe(consultationId: string) {
  const row = await consultationRow(t.db, consultationId);
  const found = await t.db.execute<{ kind: string }>(
    sql`select kind::text as kind from security_incidents where consultation_id = ${consultationId}`,
  );
  const events = await t.db.execute<{ type: string }>(
    sql`select type::text as type from consultation_events where consultation_id = ${consultationId} and applied order by type`,
  );
  return {
    status: row.status,
    refunds: (await listRefunds(t.db, { consultationId })).map((r) => r.amount),
    incidents: found.map((i) => i.kind).sort(),
    ledger: (await listEntriesForConsultation(t.db, { consultationId })).map((e) => e.kind).sort(),
    payments: (await listPayments(t.db, { consultationId })).map((p) => ({
      status: p.status,
      paidAt: p.paidAt?.toISOString() ?? null,
    })),
    events: events.map((e) => e.type),
  };
}

describe("paid at Stripe before the payment deadline", () => {
  it("the webhook reaching us after the timer fired: confirmed, nothing refunded, no incident", async () => {
    const b = await awaitingPayment(s);
    const paidAt = addMinutes(b.deadline, -5);
    s.clock.now = paidAt;
    await s.payments.paySession(b.sessionId);
    expect(s.sent.map((e) => (JSON.parse(e) as { type: string }).type)).toEqual([
      "checkout.session.completed",
    ]);

    // The worker was busy: the deadline timer runs before the payment webhook.
    s.clock.now = addMinutes(b.deadline, 1);
    await deadlineTimer(s, b.consultationId, b.deadline);
    expect((await consultationRow(t.db, b.consultationId)).status).toBe("confirmed");
    s.clock.now = addMinutes(b.deadline, 3);
    const [webhook] = await processSent();
    expect(webhook).toMatchObject({ status: "ignored", outcome: "payment already recorded" });

    const late = await observe(b.consultationId);
    expect(late).toEqual({
      status: "confirmed",
      refunds: [],
      incidents: [],
      ledger: ["payment_captured", "processing_fee"],
      // Stripe's time for the charge, not when we learnt of it.
      payments: [{ status: "paid", paidAt: paidAt.toISOString() }],
      events: ["booked", "payment_succeeded"],
    });
    // Stripe kept the session complete: expiring it didn't undo the payment.
    expect((await s.payments.retrieveCheckoutSession(b.sessionId)).status).toBe("complete");

    // The same things delivered in the order they happened give the same outcome.
    s.clock.now = T0;
    s.sent.length = 0;
    const inOrder = await awaitingPayment(s);
    s.clock.now = paidAt;
    await s.payments.paySession(inOrder.sessionId);
    await processSent();
    s.clock.now = addMinutes(inOrder.deadline, 1);
    await deadlineTimer(s, inOrder.consultationId, inOrder.deadline);
    expect(await observe(inOrder.consultationId)).toEqual(late);
  });

  it("a delayed payment method completed in time keeps the consultation waiting for Stripe's verdict", async () => {
    // Failed: the deadline then applies.
    const failed = await awaitingPayment(s);
    s.clock.now = addMinutes(failed.deadline, -5);
    await s.payments.failSession(failed.sessionId);
    s.clock.now = addMinutes(failed.deadline, 1);
    await expect(deadlineTimer(s, failed.consultationId, failed.deadline)).rejects.toThrow(
      /delayed payment still settling/,
    );
    expect((await consultationRow(t.db, failed.consultationId)).status).toBe("awaiting_payment");
    // graphile-worker would retry the timer after a backoff that reaches hours.
    const key = `consultation:${failed.consultationId}:payment_expiry`;
    await t.db.execute(
      sql`update graphile_worker._private_jobs set run_at = now() + interval '6 hours' where key = ${key}`,
    );
    const webhooks = await processSent();
    expect(webhooks.map((x) => x.type)).toEqual([
      "checkout.session.completed",
      "checkout.session.async_payment_failed",
    ]);
    // Stripe's verdict puts the deadline back in the queue, due now.
    const queued = (await queuedJobs(t.db, "consultation_timer")).filter((j) => j.key === key);
    expect(queued.map((j) => j.payload)).toEqual([
      {
        consultationId: failed.consultationId,
        timer: "payment_expiry",
        at: failed.deadline.toISOString(),
      },
    ]);
    expect(queued[0]!.runAt.getTime()).toBeLessThanOrEqual(Date.now());
    await deadlineTimer(s, failed.consultationId, failed.deadline);
    expect(await observe(failed.consultationId)).toMatchObject({
      status: "payment_expired",
      refunds: [],
      incidents: [],
      ledger: [],
    });

    // Succeeded (after the deadline, for a checkout completed before it): confirmed.
    const w = world(t.db);
    const ok = await awaitingPayment(w);
    w.clock.now = addMinutes(ok.deadline, -5);
    w.payments.completeSession(ok.sessionId, "unpaid");
    w.clock.now = addMinutes(ok.deadline, 1);
    await expect(deadlineTimer(w, ok.consultationId, ok.deadline)).rejects.toThrow(/settling/);
    w.clock.now = addMinutes(ok.deadline, 60);
    const succeeded = stripeEvent(
      "checkout.session.async_payment_succeeded",
      checkoutSessionObject({
        sessionId: ok.sessionId,
        consultationId: ok.consultationId,
        paymentId: ok.paymentId,
      }),
    );
    await deliver(w, "stripe", { ...succeeded, created: Math.floor(w.clock.now.getTime() / 1000) });
    await deadlineTimer(w, ok.consultationId, ok.deadline);
    expect(await observe(ok.consultationId)).toMatchObject({
      status: "confirmed",
      refunds: [],
      incidents: [],
    });
  });
  it("a wrong amount paid in time: not confirmed and expired at the deadline, whichever runs first", async () => {
    const outcomes = [];
    for (const timerFirst of [true, false]) {
      const w = world(t.db);
      const b = await awaitingPayment(w);
      const payAt = addMinutes(b.deadline, -5);
      w.clock.now = payAt;
      const session = w.payments.completeSession(b.sessionId);
      w.payments.sessions.set(b.sessionId, { ...session, amount: 9_000 });
      w.payments.chargeCreated = payAt;
      const webhook = {
        ...stripeEvent(
          "checkout.session.completed",
          checkoutSessionObject({
            sessionId: b.sessionId,
            consultationId: b.consultationId,
            paymentId: b.paymentId,
            amount: 9_000,
          }),
        ),
        created: Math.floor(payAt.getTime() / 1000),
      };
      w.clock.now = addMinutes(b.deadline, 1);
      if (timerFirst) await deadlineTimer(w, b.consultationId, b.deadline);
      await deliver(w, "stripe", webhook);
      if (!timerFirst) await deadlineTimer(w, b.consultationId, b.deadline);
      outcomes.push(await observe(b.consultationId));
    }
    expect(outcomes[0]).toMatchObject({
      status: "payment_expired",
      refunds: [],
      incidents: ["amount_mismatch"],
    });
    expect(outcomes[0]).toEqual(outcomes[1]);
  });
});

describe("not paid before the payment deadline", () => {
  it("the timer expires the session at Stripe first, so it can no longer be paid", async () => {
    const b = await awaitingPayment(s, { minutesBefore: 20 });
    expect((await s.payments.retrieveCheckoutSession(b.sessionId)).expiresAt > b.deadline).toBe(
      true,
    );
    s.clock.now = addMinutes(b.deadline, 1);
    await deadlineTimer(s, b.consultationId, b.deadline);
    expect((await consultationRow(t.db, b.consultationId)).status).toBe("payment_expired");
    expect((await s.payments.retrieveCheckoutSession(b.sessionId)).status).toBe("expired");
    await expect(s.payments.paySession(b.sessionId)).rejects.toMatchObject({
      code: "checkout_session_not_open",
    });
    const webhooks = await processSent();
    expect(webhooks.map((x) => [x.type, x.status])).toEqual([
      ["checkout.session.expired", "ignored"],
    ]);
    expect(await observe(b.consultationId)).toMatchObject({
      status: "payment_expired",
      refunds: [],
      incidents: [],
      ledger: [],
    });
  });

  it("a payment that really happened after the deadline is refunded in full, as before", async () => {
    const b = await awaitingPayment(s);
    s.clock.now = addMinutes(b.deadline, 1);
    await deadlineTimer(s, b.consultationId, b.deadline);
    // A session the timer couldn't know of (not one of our rows), paid after the deadline.
    s.clock.now = addMinutes(b.deadline, 10);
    const stray = await s.payments.createCheckoutSession({
      paymentId: crypto.randomUUID(),
      consultationId: b.consultationId,
      advisorId: "demo|advisor-amira",
      amount: { amount: PRICE.price, currency: "USD" },
      description: "stray",
      customerEmail: null,
      expiresAt: addMinutes(s.clock.now, 60),
      successUrl: "https://app.test/ok",
      cancelUrl: "https://app.test/no",
    });
    const from = s.sent.length;
    await s.payments.paySession(stray.id);
    await processSent(from);
    expect(await observe(b.consultationId)).toMatchObject({
      status: "payment_expired",
      refunds: [PRICE.price],
      incidents: ["unknown_charge"],
    });
  });
});
