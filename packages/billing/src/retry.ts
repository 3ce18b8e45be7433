import { setTimeout as sleep } from "node:timers/promises";
import { ProviderUnavailableError } from "./ports";

/**
 * How a provider adapter retries one call in-process before giving up and letting the job
 * queue retry later. Every attempt reuses the same request, idempotency key included.
 */
export type RetryOptions = {
  /** Attempts in total, the first one included (1 = no retry). */
  attempts: number;
  /** Backoff before the second attempt; doubles per attempt, with jitter. */
  baseDelayMs: number;
  /**
   * The longest wait between attempts. A `Retry-After` longer than this is not waited out
   * in-process: the call fails at once with `retryAfterSeconds`, for the job queue to honour.
   */
  maxDelayMs: number;
};

/** Production defaults: 3 attempts, 250 ms doubling, never more than 5 s between them. */
export const DEFAULT_RETRY: RetryOptions = { attempts: 3, baseDelayMs: 250, maxDelayMs: 5_000 };

/** Fills in the defaults and checks the numbers (a config mistake should fail loudly). */
export function resolveRetryOptions(options: Partial<RetryOptions> = {}): RetryOptions {
  const resolved = { ...DEFAULT_RETRY, ...options };
  if (!Number.isInteger(resolved.attempts) || resolved.attempts < 1) {
    throw new Error(`retry.attempts must be a whole number ≥ 1, got ${resolved.attempts}`);
  }
  if (resolved.baseDelayMs < 0 || resolved.maxDelayMs < 0) {
    throw new Error("retry delays must not be negative");
  }
  return resolved;
}

/** Exponential backoff with "equal jitter": between half and all of the doubled delay. */
function backoffMs(options: RetryOptions, failedAttempts: number): number {
  const full = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (failedAttempts - 1));
  return Math.round(full / 2 + Math.random() * (full / 2));
}

/**
 * Runs `call` until it succeeds, throws anything but `ProviderUnavailableError`, or runs
 * out of attempts (then the last `ProviderUnavailableError` is thrown). `call` gets the
 * 1-based attempt number and must map provider failures to the port's errors itself.
 */
export async function withRetries<T>(
  options: RetryOptions,
  call: (attempt: number) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      if (!(error instanceof ProviderUnavailableError) || attempt >= options.attempts) throw error;
      let wait = backoffMs(options, attempt);
      if (error.retryAfterSeconds !== null) {
        const asked = error.retryAfterSeconds * 1000;
        if (asked > options.maxDelayMs) throw error;
        wait = Math.max(wait, asked);
      }
      if (wait > 0) await sleep(wait);
    }
  }
}

/**
 * Seconds from a `Retry-After` header: delta-seconds or an HTTP date (relative to `now`).
 * Null when absent or unreadable; never negative.
 */
export function parseRetryAfter(
  value: string | string[] | null | undefined,
  now: Date = new Date(),
): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw === null) return null;
  const text = raw.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text));
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}
