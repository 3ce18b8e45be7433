import { describe, expect, it } from "vitest";
import { payoutItemActions, payoutRetryDelayMs, retryDecision } from "./payout-retry";
import type { ProviderFailureKind } from "./provider-failure";

const now = new Date("2026-11-24T12:00:00Z");
const failure = (kind: ProviderFailureKind, retryAfterSeconds: number | null = null) => ({
  kind,
  retryAfterSeconds,
});
const random = Math.random;

describe("retryDecision", () => {
  it("a 429 waits its Retry-After and gives its attempt back", () => {
    expect(
      retryDecision({ failure: failure("throttled", 2), attempts: 3, maxAttempts: 3, now, random }),
    ).toEqual({ retry: true, attempts: 2, runAt: new Date(now.getTime() + 2_000) });
  });

  it("other retryable failures back off until the attempts run out", () => {
    const first = retryDecision({
      failure: failure("outcome_unknown"),
      attempts: 1,
      maxAttempts: 3,
      now,
      random,
    });
    expect(first.retry).toBe(true);
    const wait = first.retry ? first.runAt.getTime() - now.getTime() : 0;
    expect(wait).toBeGreaterThanOrEqual(15_000);
    expect(wait).toBeLessThanOrEqual(30_000);
    expect(
      retryDecision({
        failure: failure("outcome_unknown"),
        attempts: 3,
        maxAttempts: 3,
        now,
        random,
      }),
    ).toEqual({ retry: false, attempts: 3 });
  });

  it("a refusal is never retried automatically", () => {
    expect(
      retryDecision({
        failure: failure("rejected"),
        attempts: 1,
        maxAttempts: 8,
        now,
        random,
      }),
    ).toEqual({ retry: false, attempts: 1 });
  });
});

describe("payoutRetryDelayMs", () => {
  it("doubles from 30 s with jitter, capped at an hour", () => {
    expect(payoutRetryDelayMs(1, () => 0)).toBe(15_000);
    expect(payoutRetryDelayMs(2, () => 1)).toBe(60_000);
    expect(payoutRetryDelayMs(20, () => 1)).toBe(3_600_000);
  });
});

describe("payoutItemActions", () => {
  it.each([
    ["pending", null, { cancel: true, retry: false }],
    ["sending", null, { cancel: false, retry: false }],
    ["retrying", "throttled", { cancel: true, retry: false }],
    ["retrying", "outcome_unknown", { cancel: false, retry: false }],
    ["failed", "rejected", { cancel: true, retry: true }],
    ["failed", "outcome_unknown", { cancel: false, retry: true }],
    ["sent", null, { cancel: false, retry: false }],
    ["cancelled", "rejected", { cancel: false, retry: false }],
  ] as const)("%s after %s: %o", (status, lastFailureKind, actions) => {
    expect(payoutItemActions({ status, lastFailureKind })).toEqual(actions);
  });
});
