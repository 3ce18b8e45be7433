import type { ApplyOutcome } from "@an/db";
import { toAppError } from "../../errors";

/**
 * What a consultation procedure answers once its transaction has committed (so a refused
 * event stays on the timeline): a missing or foreign consultation and a refusal are
 * thrown; a repeated request is answered with the current state, `applied: false`.
 */
export function settle(outcome: ApplyOutcome, consultationId: string) {
  if (outcome.kind === "not_found") {
    throw toAppError({ code: "CONSULTATION_NOT_FOUND", ref: consultationId });
  }
  if (outcome.kind === "refused") throw toAppError(outcome.error);
  const refunded =
    outcome.kind === "applied"
      ? outcome.effects.reduce(
          (sum, e) => (e.type === "refund_payment" ? sum + e.amount.amount : sum),
          0,
        )
      : 0;
  return {
    consultationId,
    status: outcome.consultation.status,
    applied: outcome.kind === "applied",
    /** Minor units of `currency` going back to the client because of this request. */
    refunded,
    currency: outcome.consultation.currency,
  };
}
