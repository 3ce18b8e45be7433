/**
 * How a call to a provider (Stripe, Cal.com) failed, as far as deciding what to do next is
 * concerned: `throttled` (try again after the pace allows), `outcome_unknown` (the request may
 * have taken effect: retry with the same idempotency key, never a new one), `rejected` (the
 * provider refused it; retrying the same request will not help).
 */
export const PROVIDER_FAILURE_KINDS = ["throttled", "outcome_unknown", "rejected"] as const;
export type ProviderFailureKind = (typeof PROVIDER_FAILURE_KINDS)[number];
