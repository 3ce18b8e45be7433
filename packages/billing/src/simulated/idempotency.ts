import { ProviderRejectedError, ProviderUnavailableError } from "../ports";
import type { SimStore } from "./store";

// An idempotency key whose first request never finished (a crashed process) can be
// taken over after this long; Stripe answers 409 `idempotency_key_in_use` until then.
const IDEMPOTENCY_STALE_MS = 60_000;

const IDEMPOTENCY_KIND = "idem";

type IdempotencyRecord = {
  operation: string;
  params: string;
  state: "pending" | "done" | "released";
  startedAt: string;
  result: unknown;
};

/** Runs one mutating simulated API call under its idempotency key. */
export type SimIdempotent = <T>(
  key: string,
  operation: string,
  params: unknown,
  run: () => Promise<T>,
) => Promise<T>;

/**
 * Stripe's idempotency for the simulated provider: the same key returns the first result;
 * the same key with other parameters is refused (`idempotency_error`); a key whose request
 * is still running answers 409-like unavailability; a refused request frees its key. Where
 * the store can, the request runs as one unit (`SimStore.atomically`): a process that dies
 * halfway leaves no half-made refund behind a pending key, and the retry makes it afresh.
 * There, a second request with the same key waits for the first to commit and gets its
 * result; the 409 remains for a key left pending by a request made before that.
 */
export function simIdempotency(store: SimStore, now: () => Date): SimIdempotent {
  return function idempotent<T>(
    key: string,
    operation: string,
    params: unknown,
    run: () => Promise<T>,
  ): Promise<T> {
    const request = () => once(key, operation, params, run);
    return store.atomically ? store.atomically(request) : request();
  };

  async function once<T>(
    key: string,
    operation: string,
    params: unknown,
    run: () => Promise<T>,
  ): Promise<T> {
    const serialized = JSON.stringify(params);
    const startedAt = now().toISOString();
    const fresh: IdempotencyRecord = {
      operation,
      params: serialized,
      state: "pending",
      startedAt,
      result: null,
    };
    const claim = await store.putIfAbsent<IdempotencyRecord>(IDEMPOTENCY_KIND, key, fresh);
    if (!claim.created) {
      const mismatch = (r: IdempotencyRecord) =>
        r.operation !== operation || r.params !== serialized;
      const refuseMismatch = () =>
        new ProviderRejectedError(
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
          { code: "idempotency_error" },
        );
      if (claim.data.state === "done") {
        if (mismatch(claim.data)) throw refuseMismatch();
        return claim.data.result as T;
      }
      // A released key (its request was refused) or an abandoned one is free for any
      // request; one in flight answers 409, as on Stripe.
      const flag = { taken: false };
      const after = await store.update<IdempotencyRecord>(IDEMPOTENCY_KIND, key, (current) => {
        const stale =
          current.state === "pending" &&
          now().getTime() - new Date(current.startedAt).getTime() > IDEMPOTENCY_STALE_MS;
        if (current.state === "released" || stale) {
          flag.taken = true;
          return fresh;
        }
        return current;
      });
      if (!flag.taken) {
        if (after && mismatch(after)) throw refuseMismatch();
        if (after?.state === "done") return after.result as T;
        throw new ProviderUnavailableError(
          `There is currently another in-progress request using this idempotency key ('${key}').`,
          { retryAfterSeconds: 1 },
        );
      }
    }
    try {
      const result = await run();
      await store.put<IdempotencyRecord>(IDEMPOTENCY_KIND, key, {
        ...fresh,
        state: "done",
        result,
      });
      return result;
    } catch (error) {
      // Like Stripe, a refused request isn't saved: the key may be used again. A request
      // run atomically frees it by rolling back (its transaction may be unusable by now).
      if (!store.atomically) {
        await store.put<IdempotencyRecord>(IDEMPOTENCY_KIND, key, { ...fresh, state: "released" });
      }
      throw error;
    }
  }
}
