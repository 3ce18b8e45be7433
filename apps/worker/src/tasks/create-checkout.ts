import { isProviderError } from "@an/billing";
import {
  closePayment,
  enqueueJob,
  findOpenPayment,
  getCheckoutContext,
  insertPayment,
  lockConsultation,
  notifyAboutConsultation,
  type PaymentRow,
  raiseIncident,
  savePaymentSession,
} from "@an/db";
import { type CurrencyCode, noticeFor } from "@an/domain";
import type { TaskHandler, WorkerDeps } from "./types";

const MINUTE = 60_000;
/** Stripe wants a session's expiry at least 30 minutes ahead: one more for the request's trip. */
const MIN_SESSION_MINUTES = 31;
const MAX_SESSION_MINUTES = 24 * 60;

/**
 * Opens the checkout session of a consultation awaiting payment and sends the client the
 * link. The payment row is made (or reused) first and its id is the provider's idempotency
 * key, so a retried job gets the same session back. The row's expiry is fixed when it is
 * made (a changed request under the same key would be refused); a row that never got its
 * session and is too close to expiry for the provider is closed and replaced.
 */
export function createCheckout(deps: WorkerDeps): TaskHandler<"create_checkout"> {
  return async ({ consultationId }) => {
    const now = deps.now();
    const prepared = await deps.db.transaction(async (tx) => {
      const c = await lockConsultation(tx, { id: consultationId });
      if (!c || c.status !== "awaiting_payment") return null;
      if (c.paymentExpiresAt && c.paymentExpiresAt.getTime() <= now.getTime()) return null;
      let payment = await findOpenPayment(tx, { consultationId, forUpdate: true });
      if (payment && !payment.providerSessionId && tooLate(payment, now)) {
        await closePayment(tx, { id: payment.id, status: "expired" });
        payment = null;
      }
      if (!payment) {
        const earliest = now.getTime() + MIN_SESSION_MINUTES * MINUTE;
        const latest = now.getTime() + MAX_SESSION_MINUTES * MINUTE;
        const wanted = Math.max(c.paymentExpiresAt?.getTime() ?? earliest, earliest);
        payment = await insertPayment(tx, {
          consultationId,
          amount: c.price,
          currency: c.currency,
          expiresAt: new Date(Math.min(wanted, latest)),
        });
      }
      return payment;
    });
    if (!prepared) {
      deps.log.info({ consultationId }, "create_checkout: not awaiting payment, nothing to do");
      return;
    }
    const payment = prepared.providerSessionId ? prepared : await openSession(deps, prepared);
    if (!payment) return;
    await deps.db.transaction(async (tx) => {
      const c = await lockConsultation(tx, { id: consultationId });
      if (!c || c.status !== "awaiting_payment" || payment.status !== "open") {
        // The consultation moved on while the session was being made: close it again.
        await enqueueJob(tx, "expire_checkout", { paymentId: payment.id });
        return;
      }
      if (payment.url) {
        await notifyAboutConsultation(tx, {
          consultation: c,
          to: "client",
          notice: noticeFor(c.kind, "payment_link"),
          cause: payment.id,
          url: payment.url,
          amount: payment.amount,
        });
      }
    });
  };
}

function tooLate(payment: PaymentRow, now: Date): boolean {
  return payment.expiresAt.getTime() < now.getTime() + (MIN_SESSION_MINUTES - 1) * MINUTE;
}

/** Asks the provider for the session and stores it; a refusal is raised to admins. */
async function openSession(deps: WorkerDeps, payment: PaymentRow): Promise<PaymentRow | null> {
  const context = await getCheckoutContext(deps.db, { consultationId: payment.consultationId });
  if (!context) return null;
  const c = context.consultation;
  const base = `${deps.billing.clientAppUrl}/consultations/${c.id}`;
  try {
    const session = await deps.payments.createCheckoutSession({
      paymentId: payment.id,
      consultationId: c.id,
      advisorId: c.advisorId,
      amount: { amount: payment.amount, currency: payment.currency as CurrencyCode },
      description: `${c.durationMinutes}-minute consultation with ${context.advisorName}`,
      customerEmail: context.clientEmail,
      expiresAt: payment.expiresAt,
      successUrl: `${base}?paid=1`,
      cancelUrl: base,
    });
    return await deps.db.transaction((tx) =>
      savePaymentSession(tx, { id: payment.id, providerSessionId: session.id, url: session.url }),
    );
  } catch (error) {
    if (!isProviderError(error, "rejected")) throw error;
    await deps.db.transaction(async (tx) => {
      await closePayment(tx, { id: payment.id, status: "failed" });
      await raiseIncident(tx, {
        kind: "provider_action_failed",
        dedupeKey: `checkout:${payment.id}`,
        message: `The payment provider refused the checkout session for consultation ${c.id}: ${error.message}. The client has no payment link.`,
        consultationId: c.id,
        details: { paymentId: payment.id, code: error.code },
      });
    });
    deps.log.warn({ paymentId: payment.id, err: error.message }, "checkout session refused");
    return null;
  }
}
