import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { simObjects } from "../schema";

/**
 * The simulated providers' state in PostgreSQL (structurally a `SimStore` of
 * @an/billing), so two API instances and two workers see one simulated Stripe/Cal.com.
 */
export function createPgSimStore(db: Db) {
  return {
    async get<T>(kind: string, id: string): Promise<T | null> {
      const [row] = await db
        .select({ data: simObjects.data })
        .from(simObjects)
        .where(and(eq(simObjects.kind, kind), eq(simObjects.id, id)));
      return (row?.data as T | undefined) ?? null;
    },
    async put<T>(kind: string, id: string, data: T): Promise<void> {
      await db
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
      const [row] = await db
        .insert(simObjects)
        .values({ kind, id, data })
        .onConflictDoNothing()
        .returning({ data: simObjects.data });
      if (row) return { created: true, data };
      const existing = await this.get<T>(kind, id);
      return { created: false, data: existing as T };
    },
    async update<T>(kind: string, id: string, change: (current: T) => T): Promise<T | null> {
      return db.transaction(async (tx) => {
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
    async list<T>(kind: string): Promise<T[]> {
      const rows = await db
        .select({ data: simObjects.data })
        .from(simObjects)
        .where(eq(simObjects.kind, kind))
        .orderBy(asc(simObjects.createdAt), asc(simObjects.id));
      return rows.map((r) => r.data as T);
    },
  };
}
