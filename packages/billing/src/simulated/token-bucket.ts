/**
 * A request-rate token bucket as the simulated Stripe keeps it: `limit` tokens, refilled at
 * `limit` per second up to `limit`. `SimStore.takeToken` applies `takeToken` atomically,
 * in one step; the PostgreSQL store computes the same arithmetic in its statement.
 */
export type TokenBucket = {
  /** Tokens left. */
  tokens: number;
  /** When `tokens` was computed (ms since the epoch, the simulator's clock). */
  at: number;
  accepted: number;
  throttled: number;
};

/** What a request was told: admitted, or refused until a token is due in `waitSeconds`. */
export type TokenVerdict = { admitted: boolean; waitSeconds: number };

/** A full bucket at `atMs`, with nothing counted. */
export function freshBucket(limit: number, atMs: number): TokenBucket {
  return { tokens: limit, at: atMs, accepted: 0, throttled: 0 };
}

/**
 * One request at `atMs` against `bucket`: refill for the time since it was last computed
 * (never for time going backwards, as two processes' clocks may), then take a token if a
 * whole one is there. `limit` 0 or below admits everything and only counts.
 */
export function takeToken(
  bucket: TokenBucket,
  limit: number,
  atMs: number,
): { bucket: TokenBucket; verdict: TokenVerdict } {
  if (limit <= 0) {
    return {
      bucket: { ...bucket, at: atMs, accepted: bucket.accepted + 1 },
      verdict: { admitted: true, waitSeconds: 0 },
    };
  }
  const elapsed = Math.max(0, atMs - bucket.at) / 1000;
  const tokens = Math.min(limit, bucket.tokens + elapsed * limit);
  if (tokens >= 1) {
    return {
      bucket: { ...bucket, tokens: tokens - 1, at: atMs, accepted: bucket.accepted + 1 },
      verdict: { admitted: true, waitSeconds: 0 },
    };
  }
  return {
    bucket: { ...bucket, tokens, at: atMs, throttled: bucket.throttled + 1 },
    verdict: { admitted: false, waitSeconds: (1 - tokens) / limit },
  };
}
