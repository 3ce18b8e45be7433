import { ProviderUnavailableError } from "@an/billing";
import {
  findUnbalancedEntries,
  listEntriesForConsultation,
  listPayments,
  listRefunds,
} from "@an/db";
import {
  useTestDatabase,
  CLIENT,
  consultationRow,
  heldFor,
  incidents,
  PRICE,
  queuedJobs,
  seedParties,
} from "@an/db/testing";
import { sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import {
  addMinutes,
  book,
  bookAndPay,
  calcomBooking,
  calcomEnvelope,
  checkoutSessionObject,
  deliver,
  openCheckout,
  processDelivery,
  storeDelivery,
  stripeEvent,
  T0,
  world,
  type World,
} from "./testing/fixtures";

const t = useTestDatabase((db) => seedParties(db.db));
let w: World;
beforeEach(() => {
  w = world(t.db);
});

const completed = (
  b: { consultationId: string },
  p: { paymentId: string; sessionId: string },
  overrides: Partial<Parameters<typeof checkoutSessionObject>[0]> = {},
  type = "checkout.session.completed",
) =>
  stripeEvent(
    type,
    checkoutSessionObject({
      sessionId: p.sessionId,
      consultationId: b.consultationId,
      paymentId: p.paymentId,
      ...overrides,
    }),
  );

/** Entry kinds, sorted: entries posted in one transaction share their timestamp. */
const kinds = async (consultationId: string) =>
  (await listEntriesForConsultation(t.db, { consultationId })).map((e) => e.kind).sort();

describe("checkout.session.completed", () => {
  it("confirms the consultation, records the charge and its fee, and posts the capture", async () => {
    const b = await book(w);
    const p = await openCheckout(w, b.consultationId);
    const r = await deliver(w, "stripe", completed(b, p));
    expect(r).toMatchObject({ status: "processed", consultationId: b.consultationId, error: null });
    expect((await consultationRow(t.db, b.consultationId)).status).toBe("confirmed");
    const [payment] = await listPayments(t.db, { consultationId: b.consultationId });
    expect(payment).toMatchObject({
      status: "paid",
      providerSessionId: p.sessionId,
      paymentIntentId: `pi_${p.paymentId.slice(0, 8)}`,
      chargeId: `ch_${p.paymentId.slice(0, 8)}`,
      processingFee: 380,
    });
    expect(w.payments.chargeLookups).toEqual([`pi_${p.paymentId.slice(0, 8)}`]);
    expect(await kinds(b.consultationId)).toEqual(["payment_captured", "processing_fee"]);
    expect(await heldFor(t.db, b.consultationId)).toBe(PRICE.price);
    const timers = await queuedJobs(t.db, "consultation_timer");
    expect(timers.map((j) => j.key)).toContain(`consultation:${b.consultationId}:scheduled_end`);
    expect(timers.map((j) => j.key)).not.toContain(
      `consultation:${b.consultationId}:payment_expiry`,
    );
  });

  it("delivered twice (and replayed) charges once: one capture, one confirmation", async () => {
    const b = await book(w);
    const p = await openCheckout(w, b.consultationId);
    const event = completed(b, p);
    const first = await deliver(w, "stripe", event);
    const second = await deliver(w, "stripe", event);
    const replay = await processDelivery(w, first.id);
    expect(second).toMatchObject({ status: "ignored", outcome: "payment already recorded" });
    expect(replay.status).toBe("ignored");
    expect(await kinds(b.consultationId)).toEqual(["payment_captured", "processing_fee"]);
    const confirmations = await t.db.execute<{ n: number }>(
      sql`select count(*)::int as n from consultation_events where consultation_id = ${b.consultationId} and type = 'payment_succeeded' and applied`,
    );
    expect(confirmations[0]!.n).toBe(1);
  });

  it("a paid amount that differs from the quote never confirms and raises a security incident", async () => {
    const b = await book(w);
    const p = await openCheckout(w, b.consultationId);
    const r = await deliver(w, "stripe", completed(b, p, { amount: 100 }));
    expect(r.status).toBe("processed");
    expect(r.outcome).toContain("not confirmed");
    expect((await consultationRow(t.db, b.consultationId)).status).toBe("awaiting_payment");
    // The money taken is booked apart from the consultation's (nothing held for it).
    expect(await kinds(b.consultationId)).toEqual(["payment_unapplied", "processing_fee"]);
    expect(await heldFor(t.db, b.consultationId)).toBe(0);
    const found = await incidents(t.db, "amount_mismatch");
    expect(found.find((i) => i.consultation_id === b.consultationId)).toBeDefined();
    // The same for a currency that differs.
    const other = await book(w);
    const q = await openCheckout(w, other.consultationId);
    await deliver(w, "stripe", completed(other, q, { currency: "eur" }));
    expect((await consultationRow(t.db, other.consultationId)).status).toBe("awaiting_payment");
    expect(
      (await incidents(t.db, "amount_mismatch")).filter(
        (i) => i.consultation_id === other.consultationId,
      ),
    ).toHaveLength(1);
  });

  it("a payment after the consultation expired is refunded in full: balanced ledger, nothing held", async () => {
    const b = await book(w);
    const p = await openCheckout(w, b.consultationId);
    w.clock.now = addMinutes(T0, 61);
    await w.handlers.consultation_timer(
      {
        consultationId: b.consultationId,
        timer: "payment_expiry",
        at: addMinutes(T0, 60).toISOString(),
      },
      {} as never,
    );
    expect((await consultationRow(t.db, b.consultationId)).status).toBe("payment_expired");

    const event = completed(b, p);
    const r = await deliver(w, "stripe", event);
    expect(r.status).toBe("processed");
    expect(r.outcome).toContain("refunded in full");
    expect((await consultationRow(t.db, b.consultationId)).status).toBe("payment_expired");
    expect(await kinds(b.consultationId)).toEqual(["payment_captured", "processing_fee", "refund"]);
    expect(await heldFor(t.db, b.consultationId)).toBe(0);
    expect(await findUnbalancedEntries(t.db)).toEqual([]);
    const refunds = await listRefunds(t.db, { consultationId: b.consultationId });
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ amount: PRICE.price, currency: "USD", eventId: event.id });
    expect((await queuedJobs(t.db, "refund_payment")).map((j) => j.payload.refundId)).toContain(
      refunds[0]!.id,
    );
    expect(
      (await incidents(t.db, "unknown_charge")).some((i) => i.consultation_id === b.consultationId),
    ).toBe(true);
    const told = await queuedJobs(t.db, "send_notification");
    expect(
      told.some(
        (j) =>
          j.payload.userId === CLIENT.id &&
          (j.payload.params as { notice: string; consultationId: string }).notice === "refunded" &&
          (j.payload.params as { consultationId: string }).consultationId === b.consultationId,
      ),
    ).toBe(true);

    // The refund job takes the money back from that payment.
    await w.handlers.refund_payment({ refundId: refunds[0]!.id }, {} as never);
    expect(w.payments.refunds).toEqual([
      expect.objectContaining({
        refundId: refunds[0]!.id,
        paymentIntentId: `pi_${p.paymentId.slice(0, 8)}`,
        amount: { amount: PRICE.price, currency: "USD" },
      }),
    ]);
    // Delivered again: still one refund, one set of entries.
    await deliver(w, "stripe", event);
    expect(await listRefunds(t.db, { consultationId: b.consultationId })).toHaveLength(1);
    expect(await kinds(b.consultationId)).toEqual(["payment_captured", "processing_fee", "refund"]);
  });

  it("a session we don't know yet is deferred, then applied", async () => {
    const b = await book(w);
    const early = await storeDelivery(
      t.db,
      "stripe",
      stripeEvent("checkout.session.completed", {
        ...checkoutSessionObject({
          sessionId: "cs_unknown_1",
          consultationId: b.consultationId,
          paymentId: "x",
        }),
        metadata: {},
        client_reference_id: null,
      }),
    );
    const first = await processDelivery(w, early);
    expect(first.status).toBe("deferred");
    expect(first.error?.message).toContain("cs_unknown_1");
    // Our checkout row learns the session id (as if create_checkout had been slow).
    const p = await openCheckout(w, b.consultationId);
    await t.db.execute(
      sql`update payments set provider_session_id = 'cs_unknown_1' where id = ${p.paymentId}`,
    );
    const retry = await processDelivery(w, early, 2);
    expect(retry).toMatchObject({ status: "processed", consultationId: b.consultationId });
  });

  it("an unexpected error on the last attempt leaves the delivery failed with the error", async () => {
    const b = await book(w);
    const p = await openCheckout(w, b.consultationId);
    w.payments.fail.retrieveCharge = new Error("socket hang up");
    const id = await storeDelivery(t.db, "stripe", completed(b, p));
    const r = await processDelivery(w, id, 20);
    expect(r.error?.message).toBe("socket hang up");
    expect(r).toMatchObject({ status: "failed", outcome: "processing error: socket hang up" });
  });

  it("the charge lookup being unavailable retries the whole event, changing nothing", async () => {
    const b = await book(w);
    const p = await openCheckout(w, b.consultationId);
    w.payments.fail.retrieveCharge = new ProviderUnavailableError("503 from Stripe");
    const id = await storeDelivery(t.db, "stripe", completed(b, p));
    const r = await processDelivery(w, id);
    expect(r.error).toBeInstanceOf(ProviderUnavailableError);
    expect(r.status).toBe("received");
    expect((await consultationRow(t.db, b.consultationId)).status).toBe("awaiting_payment");
    expect((await processDelivery(w, id, 2)).status).toBe("processed");
  });
});

describe("delayed payments, failures and expiry", () => {
  it("unpaid completion waits; async success confirms", async () => {
    const b = await book(w);
    const p = await openCheckout(w, b.consultationId);
    const waiting = await deliver(w, "stripe", completed(b, p, { paymentStatus: "unpaid" }));
    expect(waiting).toMatchObject({ status: "processed", outcome: "awaiting delayed payment" });
    expect(w.payments.chargeLookups).toEqual([]);
    const ok = await deliver(
      w,
      "stripe",
      completed(b, p, {}, "checkout.session.async_payment_succeeded"),
    );
    expect(ok.status).toBe("processed");
    expect((await consultationRow(t.db, b.consultationId)).status).toBe("confirmed");
  });

  it("async failure closes the payment, tells the client, and prepares a new checkout", async () => {
    const b = await book(w);
    const p = await openCheckout(w, b.consultationId);
    const r = await deliver(
      w,
      "stripe",
      completed(b, p, { paymentStatus: "unpaid" }, "checkout.session.async_payment_failed"),
    );
    expect(r.status).toBe("processed");
    expect((await consultationRow(t.db, b.consultationId)).status).toBe("awaiting_payment");
    const [payment] = await listPayments(t.db, { consultationId: b.consultationId });
    expect(payment?.status).toBe("failed");
    const applied = await t.db.execute<{ type: string }>(
      sql`select type from consultation_events where consultation_id = ${b.consultationId} and applied order by id`,
    );
    expect(applied.map((e) => e.type)).toContain("payment_failed");
    expect(
      (await queuedJobs(t.db, "create_checkout")).filter(
        (j) => j.payload.consultationId === b.consultationId,
      ).length,
    ).toBeGreaterThanOrEqual(1);
  });

  it("an expired session expires the consultation once its payment window is over", async () => {
    const b = await book(w);
    const p = await openCheckout(w, b.consultationId);
    w.clock.now = addMinutes(T0, 61);
    const r = await deliver(
      w,
      "stripe",
      completed(b, p, { paymentStatus: "unpaid", status: "expired" }, "checkout.session.expired"),
    );
    expect(r.status).toBe("processed");
    expect((await consultationRow(t.db, b.consultationId)).status).toBe("payment_expired");
    expect((await listPayments(t.db, { consultationId: b.consultationId }))[0]?.status).toBe(
      "expired",
    );
  });

  it("a session expired early leaves the consultation awaiting payment with a new checkout", async () => {
    const b = await book(w);
    const p = await openCheckout(w, b.consultationId);
    const r = await deliver(
      w,
      "stripe",
      completed(b, p, { paymentStatus: "unpaid", status: "expired" }, "checkout.session.expired"),
    );
    expect(r.status).toBe("processed");
    expect(r.outcome).toContain("a new checkout is being prepared");
    expect((await consultationRow(t.db, b.consultationId)).status).toBe("awaiting_payment");
    // The new checkout opens a second session with a new idempotency key.
    await w.handlers.create_checkout({ consultationId: b.consultationId }, {} as never);
    const payments = await listPayments(t.db, { consultationId: b.consultationId });
    expect(payments.map((x) => x.status)).toEqual(["expired", "open"]);
    expect(new Set(w.payments.checkouts.map((c) => c.paymentId)).size).toBe(2);
  });

  it("a confirmation closes any other session still open for the consultation", async () => {
    const b = await book(w);
    const p = await openCheckout(w, b.consultationId);
    // A second open session (e.g. made after an early expiry that Stripe then reversed).
    const [extra] = await t.db.execute<{ id: string }>(sql`
      insert into payments (consultation_id, amount, currency, expires_at, provider_session_id)
      values (${b.consultationId}, 12000, 'USD', now() + interval '1 hour', 'cs_extra') returning id`);
    await deliver(w, "stripe", completed(b, p));
    expect((await queuedJobs(t.db, "expire_checkout")).map((j) => j.payload.paymentId)).toContain(
      extra!.id,
    );
  });
});

describe("charge.refunded", () => {
  const refundedCharge = (
    b: { paymentIntentId: string },
    refunds: { id: string; amount: number; status: string }[] | null,
  ) =>
    stripeEvent("charge.refunded", {
      id: `ch_${b.paymentIntentId.slice(3)}`,
      object: "charge",
      amount: PRICE.price,
      amount_refunded: refunds?.reduce((s, r) => s + r.amount, 0) ?? PRICE.price,
      currency: "usd",
      payment_intent: b.paymentIntentId,
      metadata: {},
      ...(refunds
        ? {
            refunds: {
              object: "list",
              data: refunds.map((r) => ({ ...r, currency: "usd", metadata: {} })),
            },
          }
        : {}),
    });
  const cancelAsClient = (b: { uid: string; token: string }) =>
    deliver(
      w,
      "calcom",
      calcomEnvelope(
        "BOOKING_CANCELLED",
        calcomBooking({
          uid: b.uid,
          token: b.token,
          extra: { status: "CANCELLED", cancelledBy: CLIENT.email },
        }),
      ),
    );

  it("marks our refund succeeded, even when the webhook beats our own record of it", async () => {
    const b = await bookAndPay(w);
    await cancelAsClient(b);
    const [refund] = await listRefunds(t.db, { consultationId: b.consultationId });
    const providerRefundId = `re_${refund!.id.slice(0, 8)}`;
    // Stripe's webhook arrives before refund_payment stored the provider's refund id.
    const early = await storeDelivery(
      t.db,
      "stripe",
      refundedCharge(b, [{ id: providerRefundId, amount: PRICE.price, status: "succeeded" }]),
    );
    expect((await processDelivery(w, early)).status).toBe("deferred");
    await w.handlers.refund_payment({ refundId: refund!.id }, {} as never);
    expect((await listRefunds(t.db, { consultationId: b.consultationId }))[0]).toMatchObject({
      status: "pending",
      providerRefundId,
    });
    const retry = await processDelivery(w, early, 2);
    expect(retry.status).toBe("processed");
    expect((await listRefunds(t.db, { consultationId: b.consultationId }))[0]?.status).toBe(
      "succeeded",
    );
    // Again: nothing new.
    expect(
      (
        await deliver(
          w,
          "stripe",
          refundedCharge(b, [{ id: providerRefundId, amount: PRICE.price, status: "succeeded" }]),
        )
      ).status,
    ).toBe("ignored");
    // The refund job run again doesn't ask twice.
    await w.handlers.refund_payment({ refundId: refund!.id }, {} as never);
    expect(w.payments.refunds).toHaveLength(1);
  });

  it("matches a refund by our id in its metadata when the webhook beats our write", async () => {
    const b = await bookAndPay(w);
    await cancelAsClient(b);
    const [refund] = await listRefunds(t.db, { consultationId: b.consultationId });
    const event = refundedCharge(b, [
      { id: "re_meta_1", amount: PRICE.price, status: "succeeded" },
    ]);
    const refundObject = (
      event.data.object as { refunds: { data: { metadata: Record<string, string> }[] } }
    ).refunds.data[0]!;
    refundObject.metadata = { consultation_id: b.consultationId, refund_id: refund!.id };
    const r = await deliver(w, "stripe", event);
    expect(r.status).toBe("processed");
    expect((await listRefunds(t.db, { consultationId: b.consultationId }))[0]).toMatchObject({
      status: "succeeded",
      providerRefundId: "re_meta_1",
    });
    // The refund job, running after, stores nothing different and asks for nothing.
    await w.handlers.refund_payment({ refundId: refund!.id }, {} as never);
    expect(w.payments.refunds).toHaveLength(0);
  });

  it("a refund we never asked for is raised to admins and changes nothing else", async () => {
    const b = await bookAndPay(w);
    const r = await deliver(
      w,
      "stripe",
      refundedCharge(b, [{ id: "re_dashboard_1", amount: 5_000, status: "succeeded" }]),
    );
    expect(r.status).toBe("processed");
    expect(r.outcome).toContain("unrequested refund");
    expect((await consultationRow(t.db, b.consultationId)).status).toBe("confirmed");
    expect((await incidents(t.db, "provider_action_failed")).map((i) => i.dedupe_key)).toContain(
      "unrequested-refund:re_dashboard_1",
    );
    // Without a refund list (older API versions), the refunded total tells the same.
    const c = await bookAndPay(w);
    const s = await deliver(w, "stripe", refundedCharge(c, null));
    expect(s.outcome).toContain("refund we didn't ask for");
  });
});

describe("chargebacks", () => {
  const disputeEvent = (
    b: { paymentIntentId: string },
    type: string,
    status: string,
    id = "dp_1",
    amount = PRICE.price,
  ) =>
    stripeEvent(type, {
      id,
      object: "dispute",
      amount,
      currency: "usd",
      charge: `ch_${b.paymentIntentId.slice(3)}`,
      payment_intent: b.paymentIntentId,
      status,
      metadata: {},
      balance_transactions: [{ amount: -amount - 1500, fee: 1500, currency: "usd" }],
    });

  it("opened freezes the money with the dispute fee; won brings it back", async () => {
    const b = await bookAndPay(w);
    const opened = await deliver(
      w,
      "stripe",
      disputeEvent(b, "charge.dispute.created", "needs_response", "dp_won"),
    );
    expect(opened.status).toBe("processed");
    const c = await consultationRow(t.db, b.consultationId);
    expect(c.status).toBe("disputed");
    const entries = await listEntriesForConsultation(t.db, { consultationId: b.consultationId });
    const cb = entries.find((e) => e.kind === "chargeback_opened")!;
    expect(cb.postings).toEqual(
      expect.arrayContaining([
        { account: "disputed_funds", amount: PRICE.price, currency: "USD" },
        { account: "dispute_losses", amount: 1500, currency: "USD" },
      ]),
    );
    const won = await deliver(
      w,
      "stripe",
      disputeEvent(b, "charge.dispute.closed", "won", "dp_won"),
    );
    expect(won.status).toBe("processed");
    expect((await consultationRow(t.db, b.consultationId)).status).toBe("confirmed");
  });

  it("lost takes the money for good; nothing stays held", async () => {
    const b = await bookAndPay(w);
    await deliver(
      w,
      "stripe",
      disputeEvent(b, "charge.dispute.created", "needs_response", "dp_lost"),
    );
    await deliver(w, "stripe", disputeEvent(b, "charge.dispute.closed", "lost", "dp_lost"));
    expect((await consultationRow(t.db, b.consultationId)).status).toBe("refunded");
    expect(await heldFor(t.db, b.consultationId)).toBe(0);
    expect(await findUnbalancedEntries(t.db)).toEqual([]);
  });

  it("a close overtaking its open waits; other closes are ignored", async () => {
    const b = await bookAndPay(w);
    const early = await storeDelivery(
      t.db,
      "stripe",
      disputeEvent(b, "charge.dispute.closed", "lost", "dp_order"),
    );
    expect((await processDelivery(w, early)).status).toBe("deferred");
    await deliver(
      w,
      "stripe",
      disputeEvent(b, "charge.dispute.created", "needs_response", "dp_order"),
    );
    expect((await processDelivery(w, early, 2)).status).toBe("processed");
    expect((await consultationRow(t.db, b.consultationId)).status).toBe("refunded");
    const warning = await deliver(
      w,
      "stripe",
      disputeEvent(b, "charge.dispute.closed", "warning_closed", "dp_x"),
    );
    expect(warning).toMatchObject({
      status: "ignored",
      outcome: "dispute closed as warning_closed",
    });
  });

  it("a chargeback for a different amount is raised, not applied", async () => {
    const b = await bookAndPay(w);
    const r = await deliver(
      w,
      "stripe",
      disputeEvent(b, "charge.dispute.created", "needs_response", "dp_partial", 5_000),
    );
    expect(r.outcome).toContain("incident raised");
    expect((await consultationRow(t.db, b.consultationId)).status).toBe("confirmed");
    expect((await incidents(t.db, "amount_mismatch")).map((i) => i.dedupe_key)).toContain(
      "chargeback:dp_partial",
    );
  });

  it("an event type we don't act on is ignored", async () => {
    const r = await deliver(w, "stripe", stripeEvent("customer.created", { id: "cus_1" }));
    expect(r).toMatchObject({ status: "ignored", outcome: "customer.created is not acted on" });
  });
});
