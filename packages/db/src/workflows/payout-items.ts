import { and, eq, inArray } from "drizzle-orm";
import { err, ledger, ok, type Result } from "@an/domain";
import type { Executor } from "../client";
import { enqueueJob } from "../jobs";
import { payoutItems } from "../schema";
import { type Actor, writeAudit } from "../queries/audit";
import { postJournalEntry } from "../queries/ledger";
import { reopenPayoutBatch, settlePayoutBatchIfDone } from "../queries/payout-batches";
import {
  itemActions,
  lockLivePayoutItemOfConsultation,
  lockPayoutItem,
  type PayoutItemRow,
  payoutItemJobKey,
  removePayoutItemJob,
} from "../queries/payout-items";
import { CAPABILITY_CODES } from "../queries/provider-failure-codes";
import { orThrow, storedMoney } from "../queries/stored-money";

/**
 * Commands on single payout items outside a run: withdrawing an unsent item (refunds,
 * disputes, admins), an admin's retry, and requeueing after an account recovers.
 */

/**
 * A consultation's money is in a payout whose transfer may be at the provider right now;
 * changing it must wait until the outcome is known. The API answers 409 PAYOUT_IN_FLIGHT,
 * the worker retries the job.
 */
export class PayoutInFlightError extends Error {
  constructor(readonly consultationId: string) {
    super(`a payout for consultation ${consultationId} is being sent; try again shortly`);
    this.name = "PayoutInFlightError";
  }
}

/**
 * Takes a released consultation's share back out of a payout that hasn't been sent, so a
 * refund or dispute can act on it: the item is cancelled and its money goes back to the
 * advisor's payable (and a netted part stays recovered). Throws `PayoutInFlightError` when
 * the transfer may already be at the provider. Call with the consultation row locked.
 */
export async function withdrawUnsentPayoutItem(
  tx: Executor,
  input: { consultationId: string; now: Date; reason: string },
): Promise<PayoutItemRow | null> {
  const item = await lockLivePayoutItemOfConsultation(tx, {
    consultationId: input.consultationId,
  });
  if (!item) return null;
  if (!itemActions(item).cancel) {
    if (item.status === "sent") return null;
    throw new PayoutInFlightError(input.consultationId);
  }
  return withdrawItem(tx, item, input.now, input.reason);
}

async function withdrawItem(
  tx: Executor,
  item: PayoutItemRow,
  now: Date,
  reason: string,
): Promise<PayoutItemRow> {
  const [cancelled] = await tx
    .update(payoutItems)
    .set({ status: "cancelled", lastError: reason.slice(0, 2000), updatedAt: now })
    .where(eq(payoutItems.id, item.id))
    .returning();
  if (item.amount > 0) {
    await postJournalEntry(tx, {
      entry: orThrow(
        ledger.payoutReturned({
          consultationId: item.consultationId,
          advisorId: item.advisorId,
          amount: storedMoney(item.amount, item.currency),
        }),
      ),
      dedupeKey: `payout_item:${item.id}:returned`,
      memo: reason,
    });
  }
  await removePayoutItemJob(tx, item.id);
  await settlePayoutBatchIfDone(tx, item.batchId, now);
  return cancelled!;
}

/** Why an admin's action on a payout item was refused (the API maps each once). */
export type ItemActionRefusal =
  | { code: "PAYOUT_ITEM_NOT_FOUND"; ref: string }
  | { code: "PAYOUT_ITEM_NOT_RETRYABLE"; status: string };
export type ItemActionOutcome = Result<PayoutItemRow, ItemActionRefusal>;

/**
 * An admin retries a failed item: back in the queue now, attempts counted afresh.
 * Audited (`payout_item.retried`).
 */
export async function retryPayoutItem(
  tx: Executor,
  input: { itemId: string; now: Date; actor: Actor; requestId?: string | null },
): Promise<ItemActionOutcome> {
  const item = await lockPayoutItem(tx, { id: input.itemId });
  if (!item) return err({ code: "PAYOUT_ITEM_NOT_FOUND", ref: input.itemId });
  if (!itemActions(item).retry) {
    return err({ code: "PAYOUT_ITEM_NOT_RETRYABLE", status: item.status });
  }
  const [row] = await tx
    .update(payoutItems)
    .set({ status: "retrying", attempts: 0, nextAttemptAt: input.now, updatedAt: input.now })
    .where(eq(payoutItems.id, item.id))
    .returning();
  await reopenPayoutBatch(tx, item.batchId);
  await enqueueJob(
    tx,
    "send_payout_item",
    { itemId: item.id },
    { jobKey: payoutItemJobKey(item.id) },
  );
  await writeAudit(tx, {
    actor: input.actor,
    action: "payout_item.retried",
    subjectType: "payout_item",
    subjectId: item.id,
    before: { status: "failed" },
    after: { status: row!.status },
    requestId: input.requestId ?? null,
  });
  return ok(row!);
}

/**
 * An admin withdraws an unsent item: its share goes back to the advisor's payable and the
 * next run picks the consultation up again. Refused while the transfer may exist. Audited
 * (`payout_item.cancelled`, with the reason).
 */
export async function cancelPayoutItem(
  tx: Executor,
  input: { itemId: string; now: Date; reason: string; actor: Actor; requestId?: string | null },
): Promise<ItemActionOutcome> {
  const item = await lockPayoutItem(tx, { id: input.itemId });
  if (!item) return err({ code: "PAYOUT_ITEM_NOT_FOUND", ref: input.itemId });
  if (!itemActions(item).cancel) {
    return err({ code: "PAYOUT_ITEM_NOT_RETRYABLE", status: item.status });
  }
  const cancelled = await withdrawItem(tx, item, input.now, input.reason);
  await writeAudit(tx, {
    actor: input.actor,
    action: "payout_item.cancelled",
    subjectType: "payout_item",
    subjectId: item.id,
    before: null,
    after: { status: "cancelled", reason: input.reason },
    requestId: input.requestId ?? null,
  });
  return ok(cancelled);
}

/** Requeues items that failed only because the account couldn't receive transfers. */
export async function requeueCapabilityFailedItems(
  tx: Executor,
  input: { advisorId: string; now: Date },
): Promise<number> {
  const rows = await tx
    .update(payoutItems)
    .set({ status: "retrying", attempts: 0, nextAttemptAt: input.now, updatedAt: input.now })
    .where(
      and(
        eq(payoutItems.advisorId, input.advisorId),
        eq(payoutItems.status, "failed"),
        inArray(payoutItems.lastErrorCode, CAPABILITY_CODES),
      ),
    )
    .returning({ id: payoutItems.id, batchId: payoutItems.batchId });
  for (const r of rows) {
    await reopenPayoutBatch(tx, r.batchId);
    await enqueueJob(tx, "send_payout_item", { itemId: r.id }, { jobKey: payoutItemJobKey(r.id) });
  }
  return rows.length;
}
