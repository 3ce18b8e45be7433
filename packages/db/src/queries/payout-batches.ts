import { and, asc, eq, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { consultations, payoutBatches } from "../schema";

export type PayoutBatchRow = typeof payoutBatches.$inferSelect;

/** Marks a batch settled once none of its items is still pending, being sent or retrying. */
export async function settlePayoutBatchIfDone(
  tx: Executor,
  batchId: string,
  now: Date,
): Promise<void> {
  await tx.execute(sql`
    update payout_batches set settled_at = ${now.toISOString()}::timestamptz
    where id = ${batchId} and settled_at is null
      and not exists (
        select 1 from payout_items
        where batch_id = ${batchId} and status in ('pending', 'sending', 'retrying')
      )`);
}

/** A batch has an item in the queue again: it is not settled. */
export async function reopenPayoutBatch(tx: Executor, batchId: string): Promise<void> {
  await tx.update(payoutBatches).set({ settledAt: null }).where(eq(payoutBatches.id, batchId));
}

/** A released consultation's share, not yet in a live payout item. */
export type UnpaidEarning = {
  consultationId: string;
  currency: string;
  /** Minor units of `currency`. */
  share: number;
  holdEndsAt: Date | null;
  chargeId: string;
};

/** Released consultations of an advisor with no live payout item, oldest release first. */
export async function listUnpaidEarnings(
  tx: Executor,
  advisorId: string,
): Promise<UnpaidEarning[]> {
  const rows = await tx
    .select({
      consultationId: consultations.id,
      currency: consultations.currency,
      share: consultations.refundableShare,
      holdEndsAt: consultations.holdEndsAt,
      // consultations.id spelled out: a bare "id" would be the subquery's own.
      chargeId: sql<string | null>`(
        select p.charge_id from payments p
        where p.consultation_id = consultations.id and p.status = 'paid' and p.charge_id is not null
        order by p.paid_at desc limit 1)`,
    })
    .from(consultations)
    .where(
      and(
        eq(consultations.advisorId, advisorId),
        eq(consultations.status, "released"),
        sql`not exists (select 1 from payout_items i where i.consultation_id = consultations.id and i.status <> 'cancelled')`,
      ),
    )
    .orderBy(asc(consultations.holdEndsAt), asc(consultations.id));
  // A consultation without a captured charge can't be a `source_transaction`; an admin sees it
  // in reconciliation. It is left out rather than paid from the platform's own balance.
  return rows.filter((r): r is UnpaidEarning => r.chargeId !== null);
}
