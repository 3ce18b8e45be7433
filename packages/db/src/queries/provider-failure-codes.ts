import type { ProviderFailureKind } from "@an/domain";

/**
 * The `last_error_code` stored on a payout item or transfer reversal after a failed
 * provider call, and back: the one place a failure's kind meets the stored code. A
 * throttled call is stored as `rate_limit` and a call whose outcome nobody saw (timeout,
 * 5xx, dropped connection) as `outcome_unknown`; a rejection keeps the provider's own code
 * (`balance_insufficient`…, or {@link ACCOUNT_NOT_READY}). Stored values never change.
 */

/**
 * The stored code of a transfer request that may have reached the provider unseen. Such an
 * item is never cancelled or re-planned: only a retry with the same idempotency key can tell
 * what happened.
 */
export const OUTCOME_UNKNOWN_CODE = "outcome_unknown";
/** The stored code of a 429: the provider refused before doing anything; waiting is the whole fix. */
const THROTTLED_CODE = "rate_limit";
/** Our own record says the account can't receive transfers; the provider wasn't asked. */
export const ACCOUNT_NOT_READY = "account_not_ready";
/** Rejections that a restored transfers capability undoes (the item is requeued). */
export const CAPABILITY_CODES = [ACCOUNT_NOT_READY, "insufficient_capabilities_for_transfer"];

/** A failed provider call, as the worker reports it to a payout or reversal workflow. */
export type TransferFailure = {
  kind: ProviderFailureKind;
  /** A rejection's code from the provider (`balance_insufficient`…); `rejected` when none. */
  code?: string | null;
  message: string;
  retryAfterSeconds?: number | null;
};

/** The code stored for a failure. */
export function storedFailureCode(failure: Pick<TransferFailure, "kind" | "code">): string {
  switch (failure.kind) {
    case "throttled":
      return THROTTLED_CODE;
    case "outcome_unknown":
      return OUTCOME_UNKNOWN_CODE;
    case "rejected":
      return failure.code ?? "rejected";
  }
}

/** The kind of failure a stored code records; null when nothing failed. */
export function failureKindOfStoredCode(code: string | null): ProviderFailureKind | null {
  if (code === null) return null;
  if (code === THROTTLED_CODE) return "throttled";
  if (code === OUTCOME_UNKNOWN_CODE) return "outcome_unknown";
  return "rejected";
}
