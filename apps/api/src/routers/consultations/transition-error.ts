import type { ApplyOutcome } from "@an/db";
import type { TransitionError } from "@an/domain";
import { AppError } from "../../errors";

/**
 * The one mapping from the state machine's refusals to API errors: the domain message is
 * the `detail`, with the status the consultation was in.
 */
export function transitionError(error: TransitionError): AppError {
  if (error.refundExceeded) {
    const { requested, refundable } = error.refundExceeded;
    return new AppError("REFUND_EXCEEDS_REFUNDABLE", { requested, refundable });
  }
  const params = { detail: error.message, status: error.status };
  switch (error.code) {
    case "TOO_EARLY":
      return new AppError("TRANSITION_TOO_EARLY", params);
    case "TOO_LATE":
      return new AppError("TRANSITION_TOO_LATE", params);
    case "NOT_ALLOWED":
    case "ACTOR_NOT_ALLOWED":
      return new AppError("TRANSITION_NOT_ALLOWED", params);
    case "REFUND_REJECTED":
    case "INVALID_EVENT":
    case "AMOUNT_MISMATCH":
      return new AppError("REFUND_INVALID", params);
    case "LEDGER_REJECTED":
      // The posting rules refused amounts the machine accepted: a bug, not the caller's fault.
      return new AppError("INTERNAL", {}, { cause: new Error(error.message) });
  }
}

/**
 * What a consultation procedure answers once its transaction has committed (so a refused
 * event stays on the timeline): a missing or foreign consultation and a refusal are
 * thrown; a repeated request is answered with the current state, `applied: false`.
 */
export function settle(outcome: ApplyOutcome, consultationId: string) {
  if (outcome.kind === "not_found") {
    throw new AppError("CONSULTATION_NOT_FOUND", { ref: consultationId });
  }
  if (outcome.kind === "refused") throw transitionError(outcome.error);
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
