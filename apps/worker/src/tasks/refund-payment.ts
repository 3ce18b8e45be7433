import { isProviderError } from "@an/billing";
import {
  findPaymentToRefund,
  getRefund,
  raiseIncident,
  recordRefundConversion,
  type RefundRow,
  saveRefundResult,
} from "@an/db";
import type { CurrencyCode } from "@an/domain";
import type { TaskHandler, WorkerDeps } from "./types";

/**
 * Asks the provider for a refund decided earlier (its ledger entry was posted with that
 * decision). The refund row id is the idempotency key, so a retry can't refund twice. A
 * refusal marks the refund failed and tells admins; unavailability is retried.
 */
export function refundPayment(deps: WorkerDeps): TaskHandler<"refund_payment"> {
  return async ({ refundId }) => {
    const refund = await getRefund(deps.db, { id: refundId });
    if (!refund || refund.status !== "pending" || refund.providerRefundId) return;
    const payment = await findPaymentToRefund(deps.db, { refund });
    if (!payment?.paymentIntentId) {
      await fail(deps, refund, "no captured payment to refund it from");
      return;
    }
    try {
      const result = await deps.payments.refund({
        refundId: refund.id,
        paymentIntentId: payment.paymentIntentId,
        amount: { amount: refund.amount, currency: refund.currency as CurrencyCode },
        reason: "requested_by_customer",
        consultationId: refund.consultationId,
      });
      const status =
        result.status === "succeeded"
          ? "succeeded"
          : result.status === "failed" || result.status === "canceled"
            ? "failed"
            : "pending";
      if (status === "failed") {
        await fail(
          deps,
          refund,
          `the provider reports the refund ${result.status}`,
          result.providerRefundId,
        );
        return;
      }
      await deps.db.transaction(async (tx) => {
        await saveRefundResult(tx, {
          id: refund.id,
          providerRefundId: result.providerRefundId,
          status,
          settlement: result.settlement,
        });
        // A converted charge's refund was paid from the settlement currency at today's rate.
        await recordRefundConversion(tx, {
          refundId: refund.id,
          consultationId: refund.consultationId,
          refunded: { amount: refund.amount, currency: refund.currency as CurrencyCode },
          settlement: result.settlement,
        });
      });
    } catch (error) {
      if (!isProviderError(error, "rejected")) throw error;
      await fail(deps, refund, `the provider refused it: ${error.message}`);
    }
  };
}

async function fail(
  deps: WorkerDeps,
  refund: RefundRow,
  why: string,
  providerRefundId: string | null = null,
): Promise<void> {
  await deps.db.transaction(async (tx) => {
    await saveRefundResult(tx, {
      id: refund.id,
      providerRefundId,
      status: "failed",
      failureMessage: why.slice(0, 2000),
    });
    await raiseIncident(tx, {
      kind: "provider_action_failed",
      dedupeKey: `refund-failed:${refund.id}`,
      message: `Refund of ${refund.amount} ${refund.currency} for consultation ${refund.consultationId} failed: ${why}. The client has not been paid back.`,
      consultationId: refund.consultationId,
      details: { refundId: refund.id, providerRefundId },
    });
  });
  deps.log.warn({ refundId: refund.id, why }, "refund failed");
}
