import { and, eq, sql } from "drizzle-orm";
import { type PayoutItemActions, payoutItemActions } from "@an/domain";
import type { Executor } from "../client";
import { payoutItems } from "../schema";
import { failureKindOfStoredCode } from "./provider-failure-codes";

export type PayoutItemRow = typeof payoutItems.$inferSelect;

/** The payout job's graphile key: a second enqueue replaces a pending one instead of doubling it. */
export const payoutItemJobKey = (itemId: string) => `payout_item:${itemId}`;

/** One item, locked for update; null when there is none. */
export async function lockPayoutItem(
  tx: Executor,
  params: { id: string },
): Promise<PayoutItemRow | null> {
  const [item] = await tx
    .select()
    .from(payoutItems)
    .where(eq(payoutItems.id, params.id))
    .for("update");
  return item ?? null;
}

/** A consultation's live (not cancelled) payout item, locked for update; null when none. */
export async function lockLivePayoutItemOfConsultation(
  tx: Executor,
  params: { consultationId: string },
): Promise<PayoutItemRow | null> {
  const [item] = await tx
    .select()
    .from(payoutItems)
    .where(
      and(
        eq(payoutItems.consultationId, params.consultationId),
        sql`${payoutItems.status} <> 'cancelled'`,
      ),
    )
    .for("update");
  return item ?? null;
}

/** A consultation's sent item with a provider transfer (what a reversal pulls back from). */
export async function findSentTransferOfConsultation(
  tx: Executor,
  params: { consultationId: string },
): Promise<(PayoutItemRow & { providerTransferId: string }) | null> {
  const [item] = await tx
    .select()
    .from(payoutItems)
    .where(
      and(
        eq(payoutItems.consultationId, params.consultationId),
        eq(payoutItems.status, "sent"),
        sql`${payoutItems.providerTransferId} is not null`,
      ),
    );
  return item?.providerTransferId ? { ...item, providerTransferId: item.providerTransferId } : null;
}

/** Drops an item's queued send job, if any. */
export async function removePayoutItemJob(tx: Executor, itemId: string): Promise<void> {
  await tx.execute(sql`select graphile_worker.remove_job(${payoutItemJobKey(itemId)})`);
}

/**
 * What an admin may do with an item now (the domain's rule over its stored state); the
 * admin commands refuse exactly what this says no to.
 */
export function itemActions(
  item: Pick<PayoutItemRow, "status" | "lastErrorCode">,
): PayoutItemActions {
  return payoutItemActions({
    status: item.status,
    lastFailureKind: failureKindOfStoredCode(item.lastErrorCode),
  });
}
