import { AsyncLocalStorage } from "node:async_hooks";
import type { WebhookProvider } from "@an/domain";
import { and, asc, eq, sql } from "drizzle-orm";
import type { Db, Executor } from "../client";
import { enqueueJob } from "../jobs";
import { simObjects } from "../schema";

/** The simulated request running in this async context, if any: its pool and transaction. */
const simRequest = new AsyncLocalStorage<{ db: Db; tx: Executor }>();

/** Where a simulated request's reads and writes on `db` go: its transaction, or the pool. */
const simExecutor = (db: Db): Executor => {
  const request = simRequest.getStore();
  return request?.db === db ? request.tx : db;
};

/**
 * The simulated providers' state in PostgreSQL (structurally a `SimStore` of
 * @an/billing), so two API instances and two workers see one simulated Stripe/Cal.com.
 */
export function createPgSimStore(db: Db) {
  return {
    /**
     * Runs one simulated API request as one transaction: everything it stores, and every
     * webhook it queues through {@link pgSimulatorRuntime}, commits together or not at all,
     * as a request to the real provider happens whole or not at all. Before, a process
     * killed in the middle of a refund left the charge refunded at the simulated Stripe
     * with its idempotency key still pending; the retry, once the key was taken over,
     * was refused as "already refunded", and the refund was marked failed.
     */
    async atomically<T>(work: () => Promise<T>): Promise<T> {
      if (simRequest.getStore()?.db === db) return work();
      return db.transaction((tx) => simRequest.run({ db, tx }, work));
    },
    async get<T>(kind: string, id: string): Promise<T | null> {
      const [row] = await simExecutor(db)
        .select({ data: simObjects.data })
        .from(simObjects)
        .where(and(eq(simObjects.kind, kind), eq(simObjects.id, id)));
      return (row?.data as T | undefined) ?? null;
    },
    async put<T>(kind: string, id: string, data: T): Promise<void> {
      await simExecutor(db)
        .insert(simObjects)
        .values({ kind, id, data })
        .onConflictDoUpdate({
          target: [simObjects.kind, simObjects.id],
          set: { data, updatedAt: sql`now()` },
        });
    },
    async putIfAbsent<T>(
      kind: string,
      id: string,
      data: T,
    ): Promise<{ created: boolean; data: T }> {
      const [row] = await simExecutor(db)
        .insert(simObjects)
        .values({ kind, id, data })
        .onConflictDoNothing()
        .returning({ data: simObjects.data });
      if (row) return { created: true, data };
      const existing = await this.get<T>(kind, id);
      return { created: false, data: existing as T };
    },
    async update<T>(kind: string, id: string, change: (current: T) => T): Promise<T | null> {
      return simExecutor(db).transaction(async (tx) => {
        const [row] = await tx
          .select({ data: simObjects.data })
          .from(simObjects)
          .where(and(eq(simObjects.kind, kind), eq(simObjects.id, id)))
          .for("update");
        if (!row) return null;
        const next = change(row.data as T);
        await tx
          .update(simObjects)
          .set({ data: next, updatedAt: sql`now()` })
          .where(and(eq(simObjects.kind, kind), eq(simObjects.id, id)));
        return next;
      });
    },
    /**
     * The token bucket's step (`takeToken` in @an/billing's simulated/token-bucket) as one
     * update, computed from the row the update locks: the row is held for that statement
     * alone. Every simulated Stripe request takes this same row, and the locked
     * read-modify-write of `update` (four round trips) queued the payout benchmark's
     * requests behind it (6.7 ms mean per lock). The arithmetic is the same, in float8 as
     * in JavaScript; a test compares the two.
     */
    async takeToken(
      kind: string,
      id: string,
      input: { limit: number; atMs: number },
    ): Promise<{ admitted: boolean; waitSeconds: number } | null> {
      const limit = sql`${input.limit}::float8`;
      const at = sql`${input.atMs}::float8`;
      const field = (name: string) => sql`(${simObjects.data}->>${sql.raw(`'${name}'`)})`;
      const tokens = sql`least(${limit}, ${field("tokens")}::float8 + greatest(0, ${at} - ${field("at")}::float8) / 1000 * ${limit})`;
      const admitted = sql`(${limit} <= 0 or ${tokens} >= 1)`;
      const [row] = await simExecutor(db)
        .update(simObjects)
        .set({
          data: sql`jsonb_build_object(
            'tokens', case when ${limit} <= 0 then ${field("tokens")}::float8
                           when ${tokens} >= 1 then ${tokens} - 1 else ${tokens} end,
            'at', ${at},
            'accepted', ${field("accepted")}::bigint + case when ${admitted} then 1 else 0 end,
            'throttled', ${field("throttled")}::bigint + case when ${admitted} then 0 else 1 end,
            -- RETURNING sees only the new row: the verdict rides in it.
            'admitted', ${admitted})`,
          updatedAt: sql`now()`,
        })
        .where(and(eq(simObjects.kind, kind), eq(simObjects.id, id)))
        .returning({ data: simObjects.data });
      if (!row) return null;
      const bucket = row.data as { tokens: number; admitted: boolean };
      return bucket.admitted
        ? { admitted: true, waitSeconds: 0 }
        : { admitted: false, waitSeconds: (1 - bucket.tokens) / input.limit };
    },
    async list<T>(kind: string): Promise<T[]> {
      const rows = await simExecutor(db)
        .select({ data: simObjects.data })
        .from(simObjects)
        .where(eq(simObjects.kind, kind))
        .orderBy(asc(simObjects.createdAt), asc(simObjects.id));
      return rows.map((r) => r.data as T);
    },
  };
}

/**
 * What the simulated providers run on in the apps (a `SimulatorRuntime` of @an/billing):
 * their state in PostgreSQL, and their webhooks queued as `deliver_simulated_webhook` jobs,
 * in the transaction of the simulated request that sends them (see `atomically`).
 */
export function pgSimulatorRuntime(db: Db) {
  return {
    store: createPgSimStore(db),
    deliver: (provider: WebhookProvider, body: string) =>
      enqueueJob(simExecutor(db), "deliver_simulated_webhook", { provider, body }),
  };
}
