import type { WebhookProvider } from "@an/domain";
import { takeToken, type TokenBucket, type TokenVerdict } from "./token-bucket";

/**
 * Where the simulated providers keep their state. Backed by PostgreSQL in the apps
 * (`createPgSimStore` in @an/db), so every API and worker process sees the same simulated
 * Stripe and Cal.com; tests may use `memorySimStore`.
 */
export interface SimStore {
  get<T>(kind: string, id: string): Promise<T | null>;
  /** Inserts or replaces. */
  put<T>(kind: string, id: string, data: T): Promise<void>;
  /** Inserts unless present; returns what is stored (for idempotency keys). */
  putIfAbsent<T>(kind: string, id: string, data: T): Promise<{ created: boolean; data: T }>;
  /** Reads, changes and writes one object atomically; null when absent. */
  update<T>(kind: string, id: string, change: (current: T) => T): Promise<T | null>;
  /** Objects of a kind, oldest first. */
  list<T>(kind: string): Promise<T[]>;
  /**
   * Runs one simulated API request so that all it stores (and the webhooks it sends, where
   * the runtime's delivery takes part) happens whole or not at all, as a request to the real
   * provider does. Absent in the memory store, whose process can't die halfway and survive.
   */
  atomically?<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Takes a token from the `TokenBucket` stored at kind/id (see `takeToken` in
   * ./token-bucket) in one atomic step, and says whether the request was admitted; null
   * when absent. Every request to the simulated Stripe passes through one such bucket, so
   * this must not hold the object any longer than the change itself takes.
   */
  takeToken(
    kind: string,
    id: string,
    input: { limit: number; atMs: number },
  ): Promise<TokenVerdict | null>;
}

/**
 * Sends a webhook body to our own route, later and signed (the app decides how).
 * `stripe_connect`: events of connected accounts, for the Connect endpoint and its secret.
 */
export type SimDelivery = (provider: WebhookProvider, body: string) => Promise<void>;

/**
 * What every simulator runs on: the shared store, the way its webhooks are delivered, and
 * the clock (the system's when absent).
 */
export type SimulatorRuntime = {
  store: SimStore;
  deliver: SimDelivery;
  now?: () => Date;
};

/** An in-memory store for unit tests; single process only. */
export function memorySimStore(): SimStore {
  const data = new Map<string, unknown>();
  const key = (kind: string, id: string) => `${kind}\u0000${id}`;
  return {
    get<T>(kind: string, id: string) {
      return Promise.resolve((data.get(key(kind, id)) as T | undefined) ?? null);
    },
    put<T>(kind: string, id: string, value: T) {
      data.set(key(kind, id), structuredClone(value));
      return Promise.resolve();
    },
    putIfAbsent<T>(kind: string, id: string, value: T) {
      const k = key(kind, id);
      if (data.has(k)) return Promise.resolve({ created: false, data: data.get(k) as T });
      data.set(k, structuredClone(value));
      return Promise.resolve({ created: true, data: value });
    },
    update<T>(kind: string, id: string, change: (current: T) => T) {
      const k = key(kind, id);
      if (!data.has(k)) return Promise.resolve(null);
      const next = change(structuredClone(data.get(k) as T));
      data.set(k, next);
      return Promise.resolve(next);
    },
    list<T>(kind: string) {
      const prefix = `${kind}\u0000`;
      return Promise.resolve(
        [...data.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => v as T),
      );
    },
    takeToken(kind: string, id: string, input: { limit: number; atMs: number }) {
      const k = key(kind, id);
      if (!data.has(k)) return Promise.resolve(null);
      const taken = takeToken(data.get(k) as TokenBucket, input.limit, input.atMs);
      data.set(k, taken.bucket);
      return Promise.resolve(taken.verdict);
    },
  };
}
