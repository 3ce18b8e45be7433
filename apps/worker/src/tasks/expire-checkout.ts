import { isProviderError } from "@an/billing";
import { closePayment, getPayment } from "@an/db";
import type { TaskHandler, WorkerDeps } from "./types";

/**
 * Expires a checkout session so it can't be paid any more (the consultation was cancelled,
 * expired, or paid through another session). A paid payment is left alone. A session the
 * client completed meanwhile stays open on our side: the payment webhook (or the payment
 * deadline, which asks Stripe) decides what that money means.
 */
export function expireCheckout(deps: WorkerDeps): TaskHandler<"expire_checkout"> {
  return async ({ paymentId }) => {
    const payment = await getPayment(deps.db, { id: paymentId });
    if (!payment || payment.status === "paid") return;
    if (payment.providerSessionId) {
      try {
        const session = await deps.payments.expireCheckoutSession({
          sessionId: payment.providerSessionId,
          idempotencyKey: `expire:${payment.id}`,
        });
        if (session.status === "complete") {
          deps.log.info({ paymentId, sessionId: session.id }, "checkout completed before expiry");
          return;
        }
      } catch (error) {
        if (!isProviderError(error, "rejected")) throw error;
        deps.log.info({ paymentId, err: error.message }, "checkout session not expired");
        return;
      }
    }
    await deps.db.transaction((tx) => closePayment(tx, { id: payment.id, status: "expired" }));
  };
}
