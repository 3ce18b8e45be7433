import type { ProviderFailureKind } from "./provider-failure";

const RETRY_BASE_MS = 30_000;
const RETRY_MAX_MS = 60 * 60_000;

/**
 * Exponential backoff with jitter for a transfer's `attempts`-th failure: 30 s doubling
 * per attempt, capped at an hour, of which a random half is waited. `random` returns a
 * number in [0, 1).
 */
export function payoutRetryDelayMs(attempts: number, random: () => number): number {
  const full = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(full / 2 + random() * (full / 2));
}

/** What a retry decision needs to know about a failed provider call. */
export type RetryableFailure = {
  kind: ProviderFailureKind;
  /** The provider's Retry-After, when it sent one. */
  retryAfterSeconds?: number | null;
};

export type RetryDecision =
  { retry: true; attempts: number; runAt: Date } | { retry: false; attempts: number };

/**
 * What a failed provider call leads to, for transfers and reversals alike: retried at
 * `runAt` (a throttled call waits its Retry-After and gives its attempt back; an unknown
 * outcome backs off exponentially until `maxAttempts`), or given up (a rejection, or out
 * of attempts). `attempts` counts the failed one; the decision's `attempts` is the count
 * to store.
 */
export function retryDecision(input: {
  failure: RetryableFailure;
  attempts: number;
  maxAttempts: number;
  now: Date;
  /** Jitter source, [0, 1). */
  random: () => number;
}): RetryDecision {
  const { failure, now } = input;
  const throttled = failure.kind === "throttled";
  const attempts = throttled ? Math.max(0, input.attempts - 1) : input.attempts;
  if (failure.kind === "rejected" || (!throttled && attempts >= input.maxAttempts)) {
    return { retry: false, attempts };
  }
  const delay = Math.max(
    (failure.retryAfterSeconds ?? 0) * 1000,
    throttled ? 0 : payoutRetryDelayMs(attempts, input.random),
  );
  return { retry: true, attempts, runAt: new Date(now.getTime() + delay) };
}

/** What an admin may do with a payout item now. */
export type PayoutItemActions = { cancel: boolean; retry: boolean };

/**
 * What an admin may do with a payout item, from its status and the kind of its last
 * failure (null when none). It can be withdrawn (`cancel`) until its transfer may exist at
 * the provider: never once sent or sending, nor after a request whose outcome nobody saw
 * (only a retry with the same idempotency key can tell). Only a failed item is sent again
 * by hand (`retry`); the others are queued or final.
 */
export function payoutItemActions(item: {
  status: "pending" | "sending" | "retrying" | "sent" | "failed" | "cancelled";
  lastFailureKind: ProviderFailureKind | null;
}): PayoutItemActions {
  const cancel =
    item.status === "pending" ||
    ((item.status === "failed" || item.status === "retrying") &&
      item.lastFailureKind !== "outcome_unknown");
  return { cancel, retry: item.status === "failed" };
}
