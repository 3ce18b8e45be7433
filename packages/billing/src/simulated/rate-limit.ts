import { type PaymentPort, ProviderUnavailableError, THROTTLED_CODE } from "../ports";
import type { SimStore } from "./store";
import { freshBucket, type TokenBucket } from "./token-bucket";

const KIND = "rate_limit";
const ID = "stripe";

/** What the simulated Stripe answered since the last reset (for the payout benchmark). */
export type SimRequestStats = { accepted: number; throttled: number };

export type SimRateLimiter = {
  /** Admits one API request or throws `ProviderUnavailableError` (`rate_limit`, Retry-After). */
  admit(): Promise<void>;
  stats(): Promise<SimRequestStats>;
  reset(): Promise<void>;
};

/**
 * Stripe's request-rate limit for the simulated provider: a token bucket of `limit`
 * requests, refilled at `limit` per second (./token-bucket), kept in the `SimStore` and
 * taken from in one atomic step, so every API and worker process draws from the same
 * bucket. Every request passes through this one object: the store's `takeToken` holds it
 * only for that step, where a locked read-modify-write held it across four round trips and
 * made it the payout benchmark's bottleneck. Over the limit a request is refused the way
 * Stripe does it (429 with a whole-second Retry-After), which the port reports as
 * `ProviderUnavailableError` with code `rate_limit`. `limit` 0 admits everything; requests
 * are counted either way.
 */
export function createSimRateLimiter(
  store: SimStore,
  now: () => Date,
  limit: number,
): SimRateLimiter {
  return {
    async admit() {
      const input = { limit, atMs: now().getTime() };
      let verdict = await store.takeToken(KIND, ID, input);
      if (!verdict) {
        await store.putIfAbsent<TokenBucket>(KIND, ID, freshBucket(limit, input.atMs));
        verdict = await store.takeToken(KIND, ID, input);
      }
      if (verdict && !verdict.admitted) {
        throw new ProviderUnavailableError(
          "Too many requests hit the API too quickly (simulated rate limit).",
          {
            retryAfterSeconds: Math.max(1, Math.ceil(verdict.waitSeconds)),
            code: THROTTLED_CODE,
            kind: "throttled",
          },
        );
      }
    },

    async stats() {
      const bucket = await store.get<TokenBucket>(KIND, ID);
      return { accepted: bucket?.accepted ?? 0, throttled: bucket?.throttled ?? 0 };
    },

    async reset() {
      await store.put<TokenBucket>(KIND, ID, freshBucket(limit, now().getTime()));
    },
  };
}

type ApiMethods = Omit<PaymentPort, "mode">;

/** Every API call of the port (not the simulator's controls): each one counts against the rate limit. */
const API_METHODS: Record<keyof ApiMethods, true> = {
  createCheckoutSession: true,
  expireCheckoutSession: true,
  retrieveCheckoutSession: true,
  retrieveCharge: true,
  refund: true,
  createExpressAccount: true,
  createAccountLink: true,
  retrieveAccount: true,
  createTransfer: true,
  createTransferReversal: true,
  listTransfers: true,
  listRefunds: true,
  listBalanceTransactions: true,
};

/** The API calls, each admitted by the rate limiter first (a refused one does nothing). */
export function rateLimitedApi(api: ApiMethods, limiter: SimRateLimiter): ApiMethods {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(API_METHODS) as (keyof ApiMethods)[]) {
    const method = api[name] as (...args: unknown[]) => Promise<unknown>;
    out[name] = async (...args: unknown[]) => {
      await limiter.admit();
      return method(...args);
    };
  }
  return out as ApiMethods;
}
