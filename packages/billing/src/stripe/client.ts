import Stripe from "stripe";
import { ProviderRejectedError, ProviderUnavailableError, THROTTLED_CODE } from "../ports";
import { parseRetryAfter } from "../retry";

export type StripeClientOptions = {
  /** Per-request timeout in ms (the SDK's default is 80 s, far longer than a job should hang). */
  timeoutMs?: number;
};

/**
 * The Stripe SDK client for the real adapter. The SDK's own retries are off
 * (`maxNetworkRetries: 0`) so that `withRetries` owns the policy and every attempt carries
 * our idempotency key; the SDK still retries a closed connection once on its own, with the
 * same headers. `apiBase` (tests only) points it at a loopback server.
 */
export function createStripeClient(
  secretKey: string,
  apiBase: string | null,
  options: StripeClientOptions = {},
): Stripe {
  return new Stripe(secretKey, {
    maxNetworkRetries: 0,
    telemetry: false,
    timeout: options.timeoutMs ?? 20_000,
    ...(apiBase ? hostOptions(apiBase) : {}),
  });
}

function hostOptions(apiBase: string): Pick<Stripe.StripeConfig, "host" | "port" | "protocol"> {
  const url = new URL(apiBase);
  const protocol = url.protocol === "http:" ? "http" : "https";
  return {
    host: url.hostname,
    port: url.port || (protocol === "http" ? 80 : 443),
    protocol,
  };
}

function header(error: Stripe.errors.StripeError, name: string): string | undefined {
  const headers = error.headers as Record<string, string | string[] | undefined> | undefined;
  const value = headers?.[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Maps an SDK error to the port's errors: connection failures, 5xx, 429 and 409 (a
 * concurrent request with the same idempotency key, or a lock timeout) are worth retrying,
 * `throttled` when Stripe says `rate_limit` and `outcome_unknown` otherwise;
 * other 4xx (card, invalid request, idempotency mismatch, auth) are refusals, with
 * Stripe's error code (or its error type when there is no code). Anything that isn't a
 * Stripe error (a bug of ours) is returned unchanged.
 */
export function mapStripeError(error: unknown, what: string): unknown {
  if (!(error instanceof Stripe.errors.StripeError)) return error;
  const status = error.statusCode ?? null;
  const message = `Stripe ${what} failed: ${error.message}`;
  const shouldRetry = header(error, "stripe-should-retry");
  const retryable =
    error instanceof Stripe.errors.StripeConnectionError ||
    error instanceof Stripe.errors.StripeRateLimitError ||
    shouldRetry === "true" ||
    status === null ||
    status === 409 ||
    status >= 500;
  if (retryable) {
    return new ProviderUnavailableError(message, {
      cause: error,
      retryAfterSeconds: parseRetryAfter(header(error, "retry-after")),
      code: error.code ?? null,
      kind: error.code === THROTTLED_CODE ? "throttled" : "outcome_unknown",
    });
  }
  return new ProviderRejectedError(message, {
    cause: error,
    code: error.code ?? error.rawType ?? error.type,
  });
}
