import { type PaymentPort, ProviderUnavailableError, THROTTLED_CODE } from "../ports";
import type { SimStore } from "./store";

const KIND = "rate_limit";
const ID = "stripe";

type Bucket = {
  /** Tokens left; refilled at `limit` per second up to `limit`. */
  tokens: number;
  /** When `tokens` was computed (ms since the epoch). */
  at: number;
  accepted: number;
  throttled: number;
};

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
 * requests, refilled at `limit` per second, kept in the `SimStore` and changed with one
 * atomic update, so every API and worker process draws from the same bucket. Over the
 * limit a request is refused the way Stripe does it (429 with a whole-second Retry-After),
 * which the port reports as `ProviderUnavailableError` with code `rate_limit`. `limit` 0
 * admits everything; requests are counted either way.
 */
export function createSimRateLimiter(
  store: SimStore,
  now: () => Date,
  limit: number,
): SimRateLimiter {
  const fresh = (): Bucket => ({ tokens: limit, at: now().getTime(), accepted: 0, throttled: 0 });

  async function change(update: (bucket: Bucket) => Bucket): Promise<void> {
    if (await store.update<Bucket>(KIND, ID, update)) return;
    await store.putIfAbsent<Bucket>(KIND, ID, fresh());
    await store.update<Bucket>(KIND, ID, update);
  }

  return {
    async admit() {
      const verdict = { admitted: true, waitSeconds: 0 };
      await change((bucket) => {
        const at = now().getTime();
        if (limit <= 0) {
          verdict.admitted = true;
          return { ...bucket, at, accepted: bucket.accepted + 1 };
        }
        const elapsed = Math.max(0, at - bucket.at) / 1000;
        const tokens = Math.min(limit, bucket.tokens + elapsed * limit);
        if (tokens >= 1) {
          verdict.admitted = true;
          return { ...bucket, tokens: tokens - 1, at, accepted: bucket.accepted + 1 };
        }
        verdict.admitted = false;
        verdict.waitSeconds = (1 - tokens) / limit;
        return { ...bucket, tokens, at, throttled: bucket.throttled + 1 };
      });
      if (!verdict.admitted) {
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
      const bucket = await store.get<Bucket>(KIND, ID);
      return { accepted: bucket?.accepted ?? 0, throttled: bucket?.throttled ?? 0 };
    },

    async reset() {
      await store.put<Bucket>(KIND, ID, fresh());
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
