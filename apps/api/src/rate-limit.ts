import type { Pool } from "pg";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { AppError } from "./errors";

export type RateLimitRule = { points: number; durationSeconds: number };

export type RateLimiters = {
  /** Sign-in attempts, keyed by client IP. */
  signIn: (key: string) => Promise<void>;
  /** Mutations, keyed by user id (or IP when signed out). */
  mutation: (key: string) => Promise<void>;
  /**
   * Chat messages sent, keyed by author (`user:<id>` or `assistant:<credential id>`);
   * CHAT_RATE_LIMITED when spent. Absent: sends are not limited beyond mutations.
   */
  chatSend?: (key: string) => Promise<void>;
  /**
   * Mutations made with a service credential (the assistant's API key), keyed by credential
   * id: one key serves every conversation the assistant talks in, so it has its own budget
   * instead of one user's. Absent: they spend from `mutation`.
   */
  serviceMutation?: (key: string) => Promise<void>;
};

/**
 * Rate limiters whose counters live in PostgreSQL (the `rate_limits` table), so every
 * API instance draws from the same budget. Exceeding one throws RATE_LIMITED with the
 * seconds to wait, which the API sends as Retry-After.
 */
export function createRateLimiters(
  pool: Pool,
  rules: {
    signIn: RateLimitRule;
    mutation: RateLimitRule;
    chatSend?: RateLimitRule;
    serviceMutation?: RateLimitRule;
  },
): RateLimiters {
  const make = (
    keyPrefix: string,
    rule: RateLimitRule,
    code: "RATE_LIMITED" | "CHAT_RATE_LIMITED" = "RATE_LIMITED",
  ) => {
    const limiter = new RateLimiterPostgres({
      storeClient: pool,
      storeType: "pool",
      tableName: "rate_limits",
      tableCreated: true,
      keyPrefix,
      points: rule.points,
      duration: rule.durationSeconds,
      clearExpiredByTimeout: false,
    });
    return async (key: string) => {
      try {
        await limiter.consume(key, 1);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
          throw new AppError(code, { seconds }, { retryAfterSeconds: seconds });
        }
        throw rejection;
      }
    };
  };
  return {
    signIn: make("sign_in", rules.signIn),
    mutation: make("mutation", rules.mutation),
    ...(rules.chatSend ? { chatSend: make("chat_send", rules.chatSend, "CHAT_RATE_LIMITED") } : {}),
    ...(rules.serviceMutation
      ? { serviceMutation: make("service_mutation", rules.serviceMutation) }
      : {}),
  };
}

/** The limiter for a service credential's mutations: its own, else the general one. */
export function serviceMutationLimit(limiters: RateLimiters): (key: string) => Promise<void> {
  return limiters.serviceMutation ?? limiters.mutation;
}

/** Limiters that never limit, for router tests that aren't about rate limiting. */
export const unlimited: RateLimiters = {
  signIn: () => Promise.resolve(),
  mutation: () => Promise.resolve(),
  chatSend: () => Promise.resolve(),
  serviceMutation: () => Promise.resolve(),
};
