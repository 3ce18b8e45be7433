import { type ChargeInfo, type CheckoutSession, isProviderError, stripeWire } from "@an/billing";
import {
  applyConsultationEvent,
  applyPaymentBeforeUnpaidCancellation,
  type ConsultationRow,
  closePayment,
  enqueueJob,
  type Executor,
  findConsultationIdForPayment,
  findOpenPayment,
  findPaymentForCharge,
  findPaymentForSession,
  findSubscriptionInvoicesByCharges,
  findRefundByProviderId,
  getRefund,
  insertPayment,
  insertRefund,
  listRefunds,
  lockConsultation,
  markPaymentPaid,
  notifyAboutConsultation,
  type PaymentRow,
  postJournalEntry,
  raiseIncident,
  recordUnappliedPayment,
  saveRefundResult,
  syncRereadsCharges,
  timerJobKey,
  wasChargebackOpened,
  recordChargeConversion,
} from "@an/db";
import { type CurrencyCode, ledger, type Money, noticeFor } from "@an/domain";
import { z } from "zod";
import type { WorkerDeps } from "../tasks/types";
import {
  DeferProcessing,
  describeApply,
  type Handler,
  ignored,
  type Outcome,
  processed,
  type ProcessingContext,
  providerTime,
} from "./outcome";

const money = (amount: number, currency: string): Money => ({
  amount,
  currency: currency as CurrencyCode,
});

export type StripePlan =
  { ok: true; type: string; eventId: string; handler: Handler } | { ok: false; reason: string };

const parseObject = <S extends z.ZodType>(schema: S, object: unknown, type: string) => {
  const parsed = schema.safeParse(object);
  return parsed.success
    ? ({ ok: true, value: parsed.data } as const)
    : ({
        ok: false,
        reason: `${type}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      } as const);
};

/**
 * Reads a stored Stripe event and picks its handler. Provider calls the handler needs (the
 * charge behind a paid session) happen here, before the processing transaction opens, so
 * no database lock is held across the network; a provider failure other than a refusal propagates and
 * the job is retried.
 */
export async function planStripeEvent(body: unknown, deps: WorkerDeps): Promise<StripePlan> {
  const event = stripeWire.event.safeParse(body);
  if (!event.success) return { ok: false, reason: "not a Stripe event" };
  const { id: eventId, type } = event.data;
  const object = event.data.data.object;
  const occurredAt = event.data.created != null ? new Date(event.data.created * 1000) : null;
  const plan = (handler: Handler): StripePlan => ({ ok: true, type, eventId, handler });
  // Platform subscriptions first: a subscription-mode checkout shares its event types with
  // a consultation's payment-mode one.
  const billingCustomer = billingCustomerOf(type, object);
  if (billingCustomer !== undefined) {
    return plan((tx, ctx) => queueBillingSync(tx, ctx, { type, customerId: billingCustomer }));
  }
  switch (type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded": {
      const s = parseObject(stripeWire.checkoutSession, object, type);
      if (!s.ok) return s;
      const session = s.value;
      if (session.payment_status !== "paid") {
        return plan(async (tx) => {
          const consultationId = await consultationOfSession(tx, session);
          return processed("awaiting delayed payment", consultationId);
        });
      }
      const fetched = await fetchCharge(deps, session.payment_intent);
      return plan((tx, ctx) =>
        paymentSucceeded(tx, ctx, { eventId, occurredAt, session, ...fetched }),
      );
    }
    case "checkout.session.async_payment_failed": {
      const s = parseObject(stripeWire.checkoutSession, object, type);
      if (!s.ok) return s;
      return plan((tx, ctx) => sessionClosed(tx, ctx, { eventId, session: s.value, as: "failed" }));
    }
    case "checkout.session.expired": {
      const s = parseObject(stripeWire.checkoutSession, object, type);
      if (!s.ok) return s;
      return plan((tx, ctx) =>
        sessionClosed(tx, ctx, { eventId, session: s.value, as: "expired" }),
      );
    }
    case "charge.refunded": {
      const c = parseObject(stripeWire.charge, object, type);
      if (!c.ok) return c;
      return plan((tx, ctx) => chargeRefunded(tx, ctx, { eventId, charge: c.value }));
    }
    case "charge.dispute.created":
    case "charge.dispute.closed": {
      const d = parseObject(stripeWire.dispute, object, type);
      if (!d.ok) return d;
      return plan((tx, ctx) =>
        type === "charge.dispute.created"
          ? disputeCreated(tx, ctx, { eventId, dispute: d.value })
          : disputeClosed(tx, ctx, { eventId, dispute: d.value }),
      );
    }
    default:
      return plan(() => Promise.resolve(ignored(`${type} is not acted on`)));
  }
}

/** The customer on an event's object; only the field the branch needs, read defensively. */
const withCustomer = z.looseObject({
  customer: z
    .union([z.string().min(1), z.looseObject({ id: z.string().min(1) }), z.null()])
    .optional(),
  mode: z.string().nullish(),
});

const BILLING_CHECKOUT_TYPES = new Set([
  "checkout.session.completed",
  "checkout.session.expired",
  "checkout.session.async_payment_succeeded",
  "checkout.session.async_payment_failed",
]);

/**
 * For an event about a platform subscription (`customer.subscription.*`, `invoice.*`, a
 * subscription-mode checkout): its customer id, or null when it names none. `undefined`
 * for every other event (consultation payments, disputes, Connect).
 */
export function billingCustomerOf(type: string, object: unknown): string | null | undefined {
  const isBilling =
    type.startsWith("customer.subscription.") ||
    type.startsWith("invoice.") ||
    (BILLING_CHECKOUT_TYPES.has(type) &&
      withCustomer.safeParse(object).data?.mode === "subscription");
  if (!isBilling) return undefined;
  const parsed = withCustomer.safeParse(object);
  const customer = parsed.success ? parsed.data.customer : null;
  return typeof customer === "string" ? customer : (customer?.id ?? null);
}

/**
 * A subscription or invoice event: never applied from its payload. The customer's sync is
 * queued (one pending per customer: the job key) in the processing transaction, and it
 * re-reads Stripe, so any order of deliveries ends in Stripe's state. A refund's sync, which
 * also re-reads the invoices' charges, has a key of its own: a later plain sync replacing
 * it would leave the refund to the nightly run.
 */
async function queueBillingSync(
  tx: Executor,
  ctx: ProcessingContext,
  p: { type: string; customerId: string | null },
): Promise<Outcome> {
  if (!p.customerId) return ignored(`${p.type} names no customer`);
  await enqueueJob(
    tx,
    "sync_billing_customer",
    { stripeCustomerId: p.customerId, source: ctx.source.slice(0, 200) },
    {
      jobKey: syncRereadsCharges(ctx.source)
        ? `billing-sync-charges:${p.customerId}`
        : `billing-sync:${p.customerId}`,
    },
  );
  return processed(`billing sync queued for ${p.customerId}`);
}

/**
 * A session the provider reports paid, applied exactly as its `checkout.session.completed`
 * would be: the payment's time is the charge's at the provider, and the webhook, when it
 * arrives, finds the payment recorded. The payment-deadline timer uses it when Stripe
 * refuses to expire a session because the client paid first.
 */
export async function applyPaidSession(
  deps: WorkerDeps,
  input: { session: CheckoutSession; source: string },
): Promise<Outcome> {
  const s = input.session;
  const fetched = await fetchCharge(deps, s.paymentIntentId);
  const session = stripeWire.checkoutSession.parse({
    id: s.id,
    amount_total: s.amount,
    currency: s.currency,
    payment_status: s.paymentStatus,
    payment_intent: s.paymentIntentId,
    client_reference_id: s.consultationId,
    metadata: {
      ...(s.consultationId ? { consultation_id: s.consultationId } : {}),
      ...(s.paymentId ? { payment_id: s.paymentId } : {}),
    },
  });
  const ctx: ProcessingContext = {
    deps,
    now: deps.now(),
    webhookEventId: null,
    source: input.source,
  };
  return deps.db.transaction((tx) =>
    paymentSucceeded(tx, ctx, {
      eventId: `checkout:${s.id}:paid`,
      occurredAt: fetched.charge?.created ?? null,
      session,
      ...fetched,
    }),
  );
}

/** The charge behind a payment intent; a refusal is kept to report, unavailability retries. */
async function fetchCharge(
  deps: WorkerDeps,
  paymentIntentId: string | null,
): Promise<{ charge: ChargeInfo | null; chargeError: string | null }> {
  if (!paymentIntentId) return { charge: null, chargeError: "the session has no payment intent" };
  try {
    return { charge: await deps.payments.retrieveCharge({ paymentIntentId }), chargeError: null };
  } catch (error) {
    if (isProviderError(error, "rejected")) return { charge: null, chargeError: error.message };
    throw error;
  }
}

async function consultationOfSession(
  tx: Executor,
  s: stripeWire.ParsedCheckoutSession,
): Promise<string | null> {
  return findConsultationIdForPayment(tx, {
    consultationId: s.metadata.consultation_id ?? s.client_reference_id ?? null,
    paymentId: s.metadata.payment_id ?? null,
    sessionId: s.id,
    paymentIntentId: s.payment_intent,
  });
}

/**
 * The session's payment row, locked, and the consultation, locked (events of one
 * consultation apply one at a time). The row found through the session wins over the
 * metadata; a session we don't know at all waits (our checkout write may be behind).
 */
async function lockSessionTarget(
  tx: Executor,
  s: stripeWire.ParsedCheckoutSession,
): Promise<{ consultation: ConsultationRow; payment: PaymentRow | null }> {
  const found = await findPaymentForSession(tx, {
    sessionId: s.id,
    paymentId: s.metadata.payment_id ?? null,
  });
  const consultationId = found?.consultationId ?? (await consultationOfSession(tx, s));
  if (!consultationId) {
    throw new DeferProcessing(`checkout session ${s.id} of a consultation we don't know yet`);
  }
  const consultation = await lockConsultation(tx, { id: consultationId });
  if (!consultation) throw new DeferProcessing("consultation not found", consultationId);
  const payment = await findPaymentForSession(tx, {
    sessionId: s.id,
    paymentId: s.metadata.payment_id ?? null,
    forUpdate: true,
  });
  return {
    consultation,
    payment: payment && payment.consultationId === consultationId ? payment : null,
  };
}

/**
 * A paid session: the payment row records the charge, and the consultation is confirmed
 * if the amount is the frozen quote's. A different amount or currency never confirms and
 * raises a security incident. A payment for a consultation no longer awaiting one (expired,
 * cancelled, or already paid through another session) is refunded in full, with the
 * ledger showing the money in and out.
 */
async function paymentSucceeded(
  tx: Executor,
  ctx: ProcessingContext,
  p: {
    eventId: string;
    /** When Stripe says the payment happened (the event's `created`). */
    occurredAt: Date | null;
    session: stripeWire.ParsedCheckoutSession;
    charge: ChargeInfo | null;
    chargeError: string | null;
  },
): Promise<Outcome> {
  const s = p.session;
  const paidAt = providerTime(ctx, p.occurredAt) ?? ctx.now;
  const target = await lockSessionTarget(tx, s);
  const c = target.consultation;
  let payment = target.payment;
  if (payment?.status === "paid") return ignored("payment already recorded", c.id);
  // What the provider actually charged: the session's total, else the charge's; never the quote.
  const amount = money(
    s.amount_total ?? p.charge?.amount ?? 0,
    (s.currency ?? p.charge?.currency ?? c.currency).toUpperCase(),
  );
  if (!payment && amount.amount > 0) {
    payment = await insertPayment(tx, {
      consultationId: c.id,
      amount: amount.amount,
      currency: amount.currency,
      expiresAt: ctx.now,
      providerSessionId: s.id,
    });
  }
  if (payment) {
    await markPaymentPaid(tx, {
      id: payment.id,
      // A zero total took no money: the row keeps what was asked (amounts are > 0).
      amount: amount.amount > 0 ? amount.amount : payment.amount,
      currency: amount.amount > 0 ? amount.currency : payment.currency,
      providerSessionId: s.id,
      paymentIntentId: s.payment_intent,
      chargeId: p.charge?.chargeId ?? null,
      processingFee: p.charge?.processingFee ?? null,
      settlement: p.charge?.settlement ?? null,
      paidAt,
    });
    if (amount.amount > 0) {
      // A charge outside the settlement currencies landed converted: whatever the
      // consultation makes of it (captured, unapplied, refunded late), the balance holds
      // the settlement currency.
      await recordChargeConversion(tx, {
        paymentId: payment.id,
        consultationId: c.id,
        charged: amount,
        settlement: p.charge?.settlement ?? null,
      });
    }
  }
  if (p.chargeError) {
    await raiseIncident(tx, {
      kind: "provider_action_failed",
      dedupeKey: `charge-unknown:${p.eventId}`,
      message: `Payment ${s.id} succeeded but its charge could not be read (${p.chargeError}); payouts need the charge id.`,
      consultationId: c.id,
      webhookEventId: ctx.webhookEventId,
      details: { sessionId: s.id, paymentIntentId: s.payment_intent },
    });
  }
  // Stripe's fee is in the currency the balance received the charge in.
  const fee =
    p.charge?.processingFee != null && p.charge.processingFee > 0
      ? money(
          p.charge.processingFee,
          (p.charge.settlement?.currency ?? amount.currency).toUpperCase(),
        )
      : undefined;
  const details = { paymentId: payment?.id ?? null, sessionId: s.id };
  const event = {
    type: "payment_succeeded",
    id: p.eventId,
    actor: "system",
    amount,
    ...(fee ? { processingFee: fee } : {}),
  } as const;
  const origin = {
    source: ctx.source,
    data: { ...details, chargeId: p.charge?.chargeId ?? null },
  };
  if (c.status === "cancelled" && payment) {
    // The cancellation may have reached us first although the client paid before it.
    const replay = await applyPaymentBeforeUnpaidCancellation(tx, {
      consultationId: c.id,
      event,
      paidAt,
      now: ctx.now,
      origin,
    });
    if (replay.kind === "applied") {
      return processed("paid before the cancellation: refunded by the cancellation policy", c.id, {
        ...details,
        paidBeforeCancellation: true,
      });
    }
    if (replay.kind === "duplicate")
      return { ...ignored("payment already applied", c.id), details };
  }
  const result = await applyConsultationEvent(tx, {
    consultationId: c.id,
    event,
    now: ctx.now,
    origin,
    // An async pass starts when it was paid at Stripe, not when we got to the webhook.
    ...(c.kind === "async_pass" ? { occurredAt: paidAt } : {}),
  });
  if (result.kind === "not_found") throw new DeferProcessing("consultation vanished", c.id);
  if (result.kind === "applied") return { ...describeApply(result, "paid"), details };
  if (result.kind === "duplicate") return { ...ignored("payment already applied", c.id), details };
  if (result.error.code === "AMOUNT_MISMATCH") {
    if (payment && amount.amount > 0) {
      await recordUnappliedPayment(tx, {
        consultationId: c.id,
        paymentId: payment.id,
        amount,
        ...(fee ? { fee } : {}),
        memo: `Payment ${payment.id} not applied: ${result.error.message}`,
      });
    }
    await raiseIncident(tx, {
      kind: "amount_mismatch",
      dedupeKey: `amount-mismatch:${p.eventId}`,
      message: `Consultation ${c.id}: ${result.error.message}`,
      consultationId: c.id,
      webhookEventId: ctx.webhookEventId,
      details: {
        paid: amount,
        quoted: { amount: c.price, currency: c.currency },
        paymentId: payment?.id ?? null,
        sessionId: s.id,
        paymentIntentId: s.payment_intent,
      },
    });
    return processed(`not confirmed: ${result.error.message}`, c.id, details);
  }
  if (result.consultation.status !== "awaiting_payment" && payment) {
    return refundLatePayment(tx, ctx, {
      eventId: p.eventId,
      consultation: result.consultation,
      payment,
      amount,
      fee,
    });
  }
  if (payment && amount.amount > 0) {
    await recordUnappliedPayment(tx, {
      consultationId: c.id,
      paymentId: payment.id,
      amount,
      ...(fee ? { fee } : {}),
      memo: `Payment ${payment.id} not applied: ${result.error.message}`,
    });
  }
  await raiseIncident(tx, {
    kind: "unknown_charge",
    dedupeKey: `payment-refused:${p.eventId}`,
    message: `Consultation ${c.id}: a payment of ${amount.amount} ${amount.currency} was taken but not applied: ${result.error.message}`,
    consultationId: c.id,
    webhookEventId: ctx.webhookEventId,
    details: { sessionId: s.id, paymentId: payment?.id ?? null, code: result.error.code },
  });
  return processed(`payment not applied (${result.error.code}): incident raised`, c.id, details);
}

/**
 * Money taken for a consultation that no longer wants it: the ledger records the capture
 * and the refund (held funds net to zero), a refund row and its provider job are queued,
 * admins are told, and so is the client.
 */
async function refundLatePayment(
  tx: Executor,
  ctx: ProcessingContext,
  p: {
    eventId: string;
    consultation: ConsultationRow;
    payment: PaymentRow;
    amount: Money;
    fee?: Money;
  },
): Promise<Outcome> {
  const c = p.consultation;
  const memo = `Payment ${p.payment.id} arrived after the consultation was ${c.status}; refunded in full.`;
  const entries = ledger.latePaymentRefund({
    consultationId: c.id,
    advisorId: c.advisorId,
    amount: p.amount,
    ...(p.fee ? { fee: p.fee } : {}),
  });
  if (!entries.ok) throw new Error(`late payment ledger entry refused: ${entries.error.message}`);
  for (const [i, entry] of entries.value.entries()) {
    await postJournalEntry(tx, { entry, dedupeKey: `late-payment:${p.eventId}:${i + 1}`, memo });
  }
  const refund = await insertRefund(tx, {
    consultationId: c.id,
    amount: p.amount.amount,
    currency: p.amount.currency,
    reason: memo,
    eventId: p.eventId,
    paymentId: p.payment.id,
  });
  if (refund.created) await enqueueJob(tx, "refund_payment", { refundId: refund.id });
  await raiseIncident(tx, {
    kind: "unknown_charge",
    dedupeKey: `late-payment:${p.eventId}`,
    message: `Consultation ${c.id} received a payment of ${p.amount.amount} ${p.amount.currency} while ${c.status}; it is being refunded in full.`,
    consultationId: c.id,
    webhookEventId: ctx.webhookEventId,
    details: { paymentId: p.payment.id, refundId: refund.id },
  });
  await notifyAboutConsultation(tx, {
    consultation: c,
    to: "client",
    notice: noticeFor(c.kind, "refunded"),
    cause: `late-payment:${p.eventId}`,
    amount: p.amount.amount,
    reason: memo,
  });
  return processed(`payment arrived while ${c.status}: refunded in full`, c.id, {
    paymentId: p.payment.id,
    refundId: refund.id,
    latePayment: true,
  });
}

/**
 * A session that failed (delayed payment method) or expired: the payment row closes and
 * the consultation hears of it. An expiry before the consultation's own payment deadline
 * (someone expired the session early) leaves it awaiting payment, with a fresh checkout.
 */
async function sessionClosed(
  tx: Executor,
  ctx: ProcessingContext,
  p: { eventId: string; session: stripeWire.ParsedCheckoutSession; as: "failed" | "expired" },
): Promise<Outcome> {
  const { consultation: c, payment } = await lockSessionTarget(tx, p.session);
  if (payment?.status === "paid") return ignored("payment already recorded as paid", c.id);
  if (payment) await closePayment(tx, { id: payment.id, status: p.as });
  const result = await applyConsultationEvent(tx, {
    consultationId: c.id,
    event: {
      type: p.as === "failed" ? "payment_failed" : "payment_expired",
      id: p.eventId,
      actor: "system",
    },
    now: ctx.now,
    origin: {
      source: ctx.source,
      data: { sessionId: p.session.id, paymentId: payment?.id ?? null },
    },
  });
  if (result.kind === "not_found") throw new DeferProcessing("consultation vanished", c.id);
  if (
    result.kind !== "duplicate" &&
    result.consultation.status === "awaiting_payment" &&
    !(await findOpenPayment(tx, { consultationId: c.id }))
  ) {
    const deadline = result.consultation.paymentExpiresAt;
    if (deadline && deadline.getTime() <= ctx.now.getTime()) {
      // The deadline timer found this checkout completed with a delayed payment still
      // settling and left the consultation waiting; now that Stripe has failed it, the
      // deadline applies (the timer asks Stripe about any other session first).
      await enqueueJob(
        tx,
        "consultation_timer",
        { consultationId: c.id, timer: "payment_expiry", at: deadline.toISOString() },
        { jobKey: timerJobKey(c.id, "payment_expiry"), maxAttempts: 25 },
      );
      const o = describeApply(result, p.as === "failed" ? "payment failed" : "session expired");
      return { ...o, status: "processed", outcome: `${o.outcome}; past the payment deadline` };
    }
    await enqueueJob(tx, "create_checkout", { consultationId: c.id });
    const o = describeApply(result, p.as === "failed" ? "payment failed" : "session expired");
    return { ...o, status: "processed", outcome: `${o.outcome}; a new checkout is being prepared` };
  }
  return describeApply(result, p.as === "failed" ? "payment failed" : "session expired");
}

/**
 * A charge was refunded: our refund rows are matched by the provider's refund id (or our
 * id in its metadata) and marked. A refund we can't match while one of ours still waits
 * for its provider id is retried (the webhook beat our write); one we never asked for is
 * raised to admins and changes nothing else.
 */
async function chargeRefunded(
  tx: Executor,
  ctx: ProcessingContext,
  p: { eventId: string; charge: stripeWire.ParsedCharge },
): Promise<Outcome> {
  const ch = p.charge;
  const payment = await findPaymentForCharge(tx, {
    chargeId: ch.id,
    paymentIntentId: ch.payment_intent,
  });
  if (!payment) {
    // A platform subscription's charge: its customer's sync re-reads the charge and
    // reverses the invoice's revenue in the ledger.
    const [invoice] = await findSubscriptionInvoicesByCharges(tx, { chargeIds: [ch.id] });
    if (invoice) {
      return queueBillingSync(
        tx,
        { ...ctx, source: `charge-refund:${ch.id}` },
        { type: "charge.refunded", customerId: invoice.stripeCustomerId },
      );
    }
  }
  const consultationId =
    payment?.consultationId ??
    (await findConsultationIdForPayment(tx, {
      consultationId: ch.metadata.consultation_id ?? null,
      paymentId: ch.metadata.payment_id ?? null,
    }));
  if (!consultationId)
    throw new DeferProcessing(`refund of charge ${ch.id}, which we don't know yet`);
  await lockConsultation(tx, { id: consultationId });
  const ours = await listRefunds(tx, { consultationId });
  const waiting = ours.filter((r) => r.status === "pending" && !r.providerRefundId);
  const notes: string[] = [];

  if (!ch.refunds) {
    // No refund list in this API version: reconcile on the refunded total instead.
    const asked = ours.filter((r) => r.status !== "failed").reduce((t, r) => t + r.amount, 0);
    if (ch.amount_refunded > asked) {
      if (waiting.length > 0)
        throw new DeferProcessing("refund not yet recorded on our side", consultationId);
      await unrequestedRefund(tx, ctx, {
        consultationId,
        key: `${ch.id}:${ch.amount_refunded}`,
        message: `Charge ${ch.id} shows ${ch.amount_refunded} ${ch.currency} refunded but we asked for ${asked}.`,
      });
      return processed("refund we didn't ask for: incident raised", consultationId);
    }
    for (const r of ours) {
      if (r.status === "pending" && r.providerRefundId) {
        await saveRefundResult(tx, { id: r.id, status: "succeeded" });
        notes.push(`refund ${r.id} succeeded`);
      }
    }
    return notes.length
      ? processed(notes.join("; "), consultationId)
      : ignored("refunds already recorded", consultationId);
  }

  for (const stripeRefund of ch.refunds.data) {
    const row =
      (await findRefundByProviderId(tx, { providerRefundId: stripeRefund.id })) ??
      (stripeRefund.metadata.refund_id
        ? await getRefund(tx, { id: stripeRefund.metadata.refund_id })
        : null);
    if (!row || row.consultationId !== consultationId) {
      if (waiting.length > 0) {
        throw new DeferProcessing(
          `refund ${stripeRefund.id} not yet recorded on our side`,
          consultationId,
        );
      }
      await unrequestedRefund(tx, ctx, {
        consultationId,
        key: stripeRefund.id,
        message: `Refund ${stripeRefund.id} of ${stripeRefund.amount} ${stripeRefund.currency} on charge ${ch.id} was not asked for by the platform.`,
      });
      notes.push(`unrequested refund ${stripeRefund.id}: incident raised`);
      continue;
    }
    const status =
      stripeRefund.status === "succeeded"
        ? "succeeded"
        : stripeRefund.status === "failed" || stripeRefund.status === "canceled"
          ? "failed"
          : "pending";
    if (row.status === status && row.providerRefundId === stripeRefund.id) continue;
    await saveRefundResult(tx, {
      id: row.id,
      providerRefundId: stripeRefund.id,
      status,
      ...(status === "failed"
        ? { failureMessage: `refund ${stripeRefund.status ?? "failed"}` }
        : {}),
    });
    if (status === "failed") {
      await raiseIncident(tx, {
        kind: "provider_action_failed",
        dedupeKey: `refund-failed:${row.id}`,
        message: `Refund ${row.id} (${row.amount} ${row.currency}) ${stripeRefund.status ?? "failed"} at the provider.`,
        consultationId,
        webhookEventId: ctx.webhookEventId,
        details: { refundId: row.id, providerRefundId: stripeRefund.id },
      });
    }
    notes.push(`refund ${row.id} ${status}`);
  }
  return notes.length
    ? processed(notes.join("; "), consultationId)
    : ignored("refunds already recorded", consultationId);
}

async function unrequestedRefund(
  tx: Executor,
  ctx: ProcessingContext,
  p: { consultationId: string; key: string; message: string },
): Promise<void> {
  await raiseIncident(tx, {
    kind: "provider_action_failed",
    dedupeKey: `unrequested-refund:${p.key}`,
    message: p.message,
    consultationId: p.consultationId,
    webhookEventId: ctx.webhookEventId,
    details: { source: ctx.source },
  });
}

async function consultationOfDispute(tx: Executor, d: stripeWire.ParsedDispute): Promise<string> {
  const payment = await findPaymentForCharge(tx, {
    chargeId: d.charge,
    paymentIntentId: d.payment_intent,
  });
  const id =
    payment?.consultationId ??
    (await findConsultationIdForPayment(tx, {
      consultationId: d.metadata.consultation_id ?? null,
    }));
  if (!id)
    throw new DeferProcessing(
      `dispute ${d.id} on charge ${d.charge ?? "?"}, which we don't know yet`,
    );
  return id;
}

/**
 * A chargeback opened: the money is frozen (the domain posts the withdrawal and the dispute
 * fee). One that can't apply is raised to admins, since Stripe has taken the money anyway.
 */
async function disputeCreated(
  tx: Executor,
  ctx: ProcessingContext,
  p: { eventId: string; dispute: stripeWire.ParsedDispute },
): Promise<Outcome> {
  const d = p.dispute;
  const consultationId = await consultationOfDispute(tx, d);
  const bt = d.balance_transactions?.[0];
  // Stripe's fee is in the settlement currency; only the same currency can sit in one entry.
  const fee = bt?.fee && (bt.currency ?? d.currency).toUpperCase() === d.currency ? bt.fee : 0;
  const result = await applyConsultationEvent(tx, {
    consultationId,
    event: {
      type: "chargeback_opened",
      id: p.eventId,
      actor: "system",
      amount: money(d.amount, d.currency),
      fee: money(fee, d.currency),
    },
    now: ctx.now,
    origin: { source: ctx.source, data: { disputeId: d.id, chargeId: d.charge } },
  });
  if (result.kind === "not_found")
    throw new DeferProcessing("consultation vanished", consultationId);
  if (result.kind === "refused" && result.error.code === "TOO_EARLY") {
    // The payment that confirms it hasn't been processed yet.
    throw new DeferProcessing(
      `chargeback can't apply yet (${result.error.message})`,
      consultationId,
    );
  }
  if (result.kind === "refused") {
    await raiseIncident(tx, {
      kind: result.error.code === "AMOUNT_MISMATCH" ? "amount_mismatch" : "unknown_charge",
      dedupeKey: `chargeback:${d.id}`,
      message: `Chargeback ${d.id} of ${d.amount} ${d.currency} on consultation ${consultationId} could not be applied: ${result.error.message}. Handle it in Stripe.`,
      consultationId,
      webhookEventId: ctx.webhookEventId,
      details: { disputeId: d.id, code: result.error.code },
    });
    return processed(
      `chargeback not applied (${result.error.code}): incident raised`,
      consultationId,
    );
  }
  return describeApply(result, "chargeback opened");
}

/** A chargeback decided by the bank: won returns the money, lost takes it for good. */
async function disputeClosed(
  tx: Executor,
  ctx: ProcessingContext,
  p: { eventId: string; dispute: stripeWire.ParsedDispute },
): Promise<Outcome> {
  const d = p.dispute;
  if (d.status !== "won" && d.status !== "lost") return ignored(`dispute closed as ${d.status}`);
  const consultationId = await consultationOfDispute(tx, d);
  const result = await applyConsultationEvent(tx, {
    consultationId,
    event: {
      type: d.status === "won" ? "chargeback_won" : "chargeback_lost",
      id: p.eventId,
      actor: "system",
    },
    now: ctx.now,
    origin: { source: ctx.source, data: { disputeId: d.id } },
  });
  if (result.kind === "not_found")
    throw new DeferProcessing("consultation vanished", consultationId);
  if (
    result.kind === "refused" &&
    !(await wasChargebackOpened(tx, { consultationId, disputeId: d.id }))
  ) {
    // The close overtook the open: wait for charge.dispute.created.
    throw new DeferProcessing(`dispute ${d.id} closed before it was opened here`, consultationId);
  }
  return describeApply(result, `chargeback ${d.status}`);
}
