import { eq, sql } from "drizzle-orm";
import { ledger, type Money, retryDecision } from "@an/domain";
import type { Db, Executor } from "../client";
import { enqueueJob } from "../jobs";
import { advisors, payoutAccounts, payoutItems } from "../schema";
import { applyConsultationEvent } from "./consultation-events";
import { raiseIncident } from "../queries/incidents";
import { postJournalEntry } from "../queries/ledger";
import { settlePayoutBatchIfDone } from "../queries/payout-batches";
import { lockPayoutItem, type PayoutItemRow, payoutItemJobKey } from "../queries/payout-items";
import {
  failureKindOfStoredCode,
  OUTCOME_UNKNOWN_CODE,
  storedFailureCode,
  type TransferFailure,
} from "../queries/provider-failure-codes";
import { orThrow, storedMoney } from "../queries/stored-money";
import { transferAmountFor } from "./fx-entries";

/**
 * Sending a payout item's transfer: the claim, and recording what the provider said (sent,
 * or a failure retried or given up by the domain's retry rule).
 */

/** A claimed `sending` item whose worker died is taken over after this long. */
const STALE_CLAIM_MS = 2 * 60_000;

export type ClaimedItem = PayoutItemRow;

export type ClaimOutcome =
  | { kind: "claimed"; item: ClaimedItem }
  /** Sent, cancelled, failed, or claimed by another worker right now. */
  | { kind: "not_claimable"; status: string | null }
  | { kind: "held" }
  | { kind: "account_not_ready"; item: PayoutItemRow; capability: string | null };

/**
 * Claims an item for sending (`sending`, attempt counted) unless another worker has it. A
 * `sending` claim older than a couple of minutes belongs to a dead worker and is taken over
 * (the same idempotency key makes resending safe). Held advisors' items stay pending; an
 * account our records say can't receive transfers fails the item without asking Stripe.
 */
export async function claimPayoutItem(
  db: Db,
  input: { itemId: string; now: Date },
): Promise<ClaimOutcome> {
  // The common case in one statement (a run sends thousands): claimable, not held, and
  // the account can receive transfers. Anything else takes the slower path that says why.
  const now = input.now.toISOString();
  const stale = new Date(input.now.getTime() - STALE_CLAIM_MS).toISOString();
  const fast = await db.execute<{ id: string }>(sql`
    update payout_items i
    set status = 'sending', claimed_at = ${now}::timestamptz, attempts = i.attempts + 1,
        next_attempt_at = null, updated_at = ${now}::timestamptz
    from advisors a, payout_accounts pa
    where i.id = ${input.itemId}
      and a.user_id = i.advisor_id and a.payouts_held_at is null
      and pa.advisor_id = i.advisor_id
      and (pa.transfers_capability = 'active' or i.last_error_code = ${OUTCOME_UNKNOWN_CODE})
      and (i.status in ('pending', 'retrying')
           or (i.status = 'sending' and i.claimed_at < ${stale}::timestamptz))
    returning i.id`);
  if (fast.length > 0) {
    const [item] = await db.select().from(payoutItems).where(eq(payoutItems.id, input.itemId));
    return { kind: "claimed", item: item! };
  }
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({
        item: payoutItems,
        heldAt: advisors.payoutsHeldAt,
        capability: payoutAccounts.transfersCapability,
        account: payoutAccounts.providerAccountId,
      })
      .from(payoutItems)
      .innerJoin(advisors, eq(advisors.userId, payoutItems.advisorId))
      .leftJoin(payoutAccounts, eq(payoutAccounts.advisorId, payoutItems.advisorId))
      .where(eq(payoutItems.id, input.itemId))
      .for("update", { of: payoutItems, skipLocked: true });
    if (!row) return { kind: "not_claimable", status: null };
    const { item } = row;
    const stale =
      item.status === "sending" &&
      (item.claimedAt?.getTime() ?? 0) < input.now.getTime() - STALE_CLAIM_MS;
    if (!(item.status === "pending" || item.status === "retrying" || stale)) {
      return { kind: "not_claimable", status: item.status };
    }
    if (row.heldAt) return { kind: "held" };
    // A retry after an unknown outcome must go out even if the account changed since: only
    // the provider knows whether the first request made a transfer.
    if (item.lastErrorCode !== OUTCOME_UNKNOWN_CODE && row.capability !== "active") {
      return { kind: "account_not_ready", item, capability: row.capability ?? null };
    }
    const [claimed] = await tx
      .update(payoutItems)
      .set({
        status: "sending",
        claimedAt: input.now,
        attempts: sql`${payoutItems.attempts} + 1`,
        nextAttemptAt: null,
        updatedAt: input.now,
      })
      .where(eq(payoutItems.id, item.id))
      .returning();
    return { kind: "claimed", item: claimed! };
  });
}

/**
 * Records the provider's transfer for an item, once: the item becomes `sent` and the
 * consultation gets `payout_sent` (released → paid_out, `transfer` posted). Recording the
 * same transfer again is a no-op.
 */
export async function recordTransferSent(
  db: Db,
  input: {
    itemId: string;
    transferId: string;
    now: Date;
    /** What the transfer carried when it went out in another (settlement) currency. */
    settled?: Money | null;
  },
): Promise<PayoutItemRow | null> {
  return db.transaction(async (tx) => {
    const item = await lockPayoutItem(tx, { id: input.itemId });
    if (!item) return null;
    if (item.status === "sent") return item;
    return markItemSent(tx, {
      item,
      transferId: input.transferId,
      now: input.now,
      settled: input.settled ?? null,
    });
  });
}

/**
 * What to send for an item: its amount, or, when its charge settled in another currency,
 * that amount converted at the charge's rate into the settlement currency (the same on
 * every retry, so the idempotency key always sees the same request).
 */
export async function transferRequestFor(
  ex: Executor,
  item: Pick<PayoutItemRow, "amount" | "currency" | "sourceChargeId">,
): Promise<{ amount: Money; settled: Money | null }> {
  const amount = storedMoney(item.amount, item.currency);
  const settled = await transferAmountFor(ex, { chargeId: item.sourceChargeId, amount });
  return { amount: settled ?? amount, settled };
}

/**
 * Marks an item sent (with the provider's transfer, or null when it was netted entirely)
 * and gives its consultation `payout_sent`. When the consultation refuses, the money has
 * left anyway: the transfer is booked and admins are told.
 */
export async function markItemSent(
  tx: Executor,
  input: { item: PayoutItemRow; transferId: string | null; now: Date; settled?: Money | null },
): Promise<PayoutItemRow> {
  const { item, transferId, now } = input;
  const settled = input.settled && input.settled.currency !== item.currency ? input.settled : null;
  const [sent] = await tx
    .update(payoutItems)
    .set({
      status: "sent",
      providerTransferId: transferId,
      transferAmount: settled?.amount ?? null,
      transferCurrency: settled?.currency ?? null,
      sentAt: now,
      lastErrorCode: null,
      lastError: null,
      nextAttemptAt: null,
      updatedAt: now,
    })
    .where(eq(payoutItems.id, item.id))
    .returning();
  const outcome = await applyConsultationEvent(tx, {
    consultationId: item.consultationId,
    event: {
      id: `payout_item:${item.id}`,
      actor: "system",
      type: "payout_sent",
      transferId,
      amount: storedMoney(item.amount, item.currency),
      netted: storedMoney(item.nettedAmount, item.currency),
      ...(settled ? { settled } : {}),
    },
    now,
    origin: { source: `payout:${item.batchId}`, data: { payoutItemId: item.id, transferId } },
  });
  if (outcome.kind === "refused" || outcome.kind === "not_found") {
    // The money left anyway: book it, and tell admins the consultation disagrees.
    if (item.amount > 0) {
      await postJournalEntry(tx, {
        entry: orThrow(
          ledger.transfer({
            consultationId: item.consultationId,
            advisorId: item.advisorId,
            amount: storedMoney(item.amount, item.currency),
            settled,
          }),
        ),
        dedupeKey: `payout_item:${item.id}:transfer`,
        memo: "transfer recorded outside the consultation's state",
      });
    }
    await raiseIncident(tx, {
      kind: "payout_failed",
      dedupeKey: `payout-state:${item.id}`,
      message: `Transfer ${transferId ?? "(netted)"} for consultation ${item.consultationId} went out, but the consultation refused it (${outcome.kind === "refused" ? outcome.error.message : "not found"}). The transfer is booked; check the consultation.`,
      consultationId: item.consultationId,
      details: { payoutItemId: item.id, transferId },
    });
  }
  await settlePayoutBatchIfDone(tx, item.batchId, now);
  return sent!;
}

/**
 * Records a failed send. Retryable failures go back in the queue with backoff (a 429
 * waits its Retry-After and doesn't use up an attempt); out of attempts or refused, the
 * item is `failed`, admins are told, and its money stays in transit until an admin
 * retries or cancels it, or a restored account requeues it.
 */
export async function recordTransferFailure(
  db: Db,
  input: { itemId: string; failure: TransferFailure; now: Date; maxAttempts: number },
): Promise<PayoutItemRow | null> {
  const { failure, now } = input;
  return db.transaction(async (tx) => {
    const item = await lockPayoutItem(tx, { id: input.itemId });
    if (!item || item.status === "sent" || item.status === "cancelled") return item;
    const decision = retryDecision({
      failure,
      attempts: item.attempts,
      maxAttempts: input.maxAttempts,
      now,
      random: Math.random,
    });
    const code = storedFailureCode(failure);
    // Keep knowing that an earlier attempt may have reached the provider.
    const wasUnknown = failureKindOfStoredCode(item.lastErrorCode) === "outcome_unknown";
    const { attempts } = decision;
    if (decision.retry) {
      const { runAt } = decision;
      const [row] = await tx
        .update(payoutItems)
        .set({
          status: "retrying",
          attempts,
          lastErrorCode: wasUnknown && failure.kind === "throttled" ? OUTCOME_UNKNOWN_CODE : code,
          lastError: failure.message.slice(0, 2000),
          nextAttemptAt: runAt,
          claimedAt: null,
          updatedAt: now,
        })
        .where(eq(payoutItems.id, item.id))
        .returning();
      await enqueueJob(
        tx,
        "send_payout_item",
        { itemId: item.id },
        { jobKey: payoutItemJobKey(item.id), runAt },
      );
      return row!;
    }
    const [row] = await tx
      .update(payoutItems)
      .set({
        status: "failed",
        attempts,
        lastErrorCode: wasUnknown && failure.kind !== "rejected" ? OUTCOME_UNKNOWN_CODE : code,
        lastError: failure.message.slice(0, 2000),
        nextAttemptAt: null,
        claimedAt: null,
        updatedAt: now,
      })
      .where(eq(payoutItems.id, item.id))
      .returning();
    await raiseIncident(tx, {
      kind: "payout_failed",
      dedupeKey: `payout-failed:${item.id}:${attempts}`,
      message: `Payout of ${item.amount} ${item.currency} for consultation ${item.consultationId} failed (${code}): ${failure.message}. The money is held in transit; retry or cancel the item.`,
      consultationId: item.consultationId,
      details: { payoutItemId: item.id, code },
    });
    await settlePayoutBatchIfDone(tx, item.batchId, now);
    return row!;
  });
}
