import { and, asc, eq, inArray, sql } from "drizzle-orm";
import {
  accounts,
  advisorPayoutSchedule,
  ledger,
  nextPayoutRun,
  type PayoutCadenceKind,
  planPayout,
} from "@an/domain";
import type { Db, Executor } from "../client";
import { enqueueJob } from "../jobs";
import {
  advisors,
  consultations,
  journalPostings,
  payoutAccounts,
  payoutBatches,
  payoutItems,
  providerThrottles,
} from "../schema";
import { applyConsultationEvent } from "../workflows/consultation-events";
import { raiseIncident } from "./incidents";
import { postJournalEntry } from "./ledger";
import { orThrow, storedMoney } from "./stored-money";

export type PayoutItemRow = typeof payoutItems.$inferSelect;
export type PayoutBatchRow = typeof payoutBatches.$inferSelect;

/**
 * The error code we store when a transfer request may have reached the provider but we
 * never saw the answer (timeout, 5xx, dropped connection). Such an item is never cancelled
 * or re-planned: only a retry with the same idempotency key can tell what happened.
 */
export const OUTCOME_UNKNOWN = "outcome_unknown";
/** A 429: the provider refused before doing anything; waiting is the whole fix. */
export const RATE_LIMITED = "rate_limit";
/** Our own record says the account can't receive transfers; the provider wasn't asked. */
export const ACCOUNT_NOT_READY = "account_not_ready";
const CAPABILITY_CODES = [ACCOUNT_NOT_READY, "insufficient_capabilities_for_transfer"];

/** A claimed `sending` item whose worker died is taken over after this long. */
const STALE_CLAIM_MS = 2 * 60_000;
const RETRY_BASE_MS = 30_000;
const RETRY_MAX_MS = 60 * 60_000;

/** The payout job's graphile key: a second enqueue replaces a pending one instead of doubling it. */
export const payoutItemJobKey = (itemId: string) => `payout_item:${itemId}`;

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

/** Exponential backoff with jitter for a transfer's `attempts`-th failure. */
export function payoutRetryDelayMs(attempts: number, random: () => number = Math.random): number {
  const full = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(full / 2 + random() * (full / 2));
}

/** Whether an item's transfer is known not to exist at the provider (so it may be withdrawn). */
function isWithdrawable(item: Pick<PayoutItemRow, "status" | "lastErrorCode">): boolean {
  if (item.status === "pending") return true;
  if (item.status === "failed" || item.status === "retrying") {
    return item.lastErrorCode !== OUTCOME_UNKNOWN;
  }
  return false;
}

// ---------------------------------------------------------------------------------------
// Withdrawing an unsent item (refunds, disputes, admin)
// ---------------------------------------------------------------------------------------

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
  const [item] = await tx
    .select()
    .from(payoutItems)
    .where(
      and(
        eq(payoutItems.consultationId, input.consultationId),
        sql`${payoutItems.status} <> 'cancelled'`,
      ),
    )
    .for("update");
  if (!item) return null;
  if (!isWithdrawable(item)) {
    if (item.status === "sent") return null;
    throw new PayoutInFlightError(input.consultationId);
  }
  return cancelItem(tx, item, input.now, input.reason);
}

async function cancelItem(
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
  await tx.execute(sql`select graphile_worker.remove_job(${payoutItemJobKey(item.id)})`);
  await settleBatchIfDone(tx, item.batchId, now);
  return cancelled!;
}

async function settleBatchIfDone(tx: Executor, batchId: string, now: Date): Promise<void> {
  await tx.execute(sql`
    update payout_batches set settled_at = ${now.toISOString()}::timestamptz
    where id = ${batchId} and settled_at is null
      and not exists (
        select 1 from payout_items
        where batch_id = ${batchId} and status in ('pending', 'sending', 'retrying')
      )`);
}

// ---------------------------------------------------------------------------------------
// Planning: which advisors are due
// ---------------------------------------------------------------------------------------

type AdvisorScheduleRow = {
  userId: string;
  payoutCadence: PayoutCadenceKind;
  payoutWeekday: number;
  payoutDayOfMonth: number;
  payoutAnchorDate: string | null;
  payoutRunAt: string;
  timeZone: string;
};

/** The advisor's next scheduled run strictly after `after`, by the domain's schedule rules. */
export function nextRunFor(a: AdvisorScheduleRow, after: Date): Date {
  return orThrow(
    nextPayoutRun(
      advisorPayoutSchedule({
        cadence: a.payoutCadence,
        weekday: a.payoutWeekday,
        dayOfMonth: a.payoutDayOfMonth,
        anchorDate: a.payoutAnchorDate,
        timeZone: a.timeZone,
        runAt: a.payoutRunAt,
      }),
      after,
    ),
  );
}

const scheduleColumns = {
  userId: advisors.userId,
  payoutCadence: advisors.payoutCadence,
  payoutWeekday: advisors.payoutWeekday,
  payoutDayOfMonth: advisors.payoutDayOfMonth,
  payoutAnchorDate: advisors.payoutAnchorDate,
  payoutRunAt: advisors.payoutRunAt,
  timeZone: advisors.timeZone,
};

/**
 * The crontab's planner. First gives every advisor without one their next run; then queues
 * one `prepare_payout_batch` per advisor whose run is due, isn't held and whose account can
 * receive transfers — in one statement, with a job key per advisor and run, so two planners
 * (two workers, a slow tick) queue each run once. Advisors that can't be paid yet stay due
 * and are picked up on the first tick after they can be.
 */
export async function planDuePayouts(db: Db, input: { now: Date }): Promise<{ queued: number }> {
  for (;;) {
    const unscheduled = await db
      .select(scheduleColumns)
      .from(advisors)
      .where(sql`${advisors.nextPayoutAt} is null`)
      .limit(1000);
    if (unscheduled.length === 0) break;
    const rows = unscheduled.map((a) => ({
      id: a.userId,
      next: nextRunFor(a, input.now).toISOString(),
    }));
    await db.execute(sql`
      update advisors a set next_payout_at = v.next
      from json_to_recordset(${JSON.stringify(rows)}::json) as v(id text, next timestamptz)
      where a.user_id = v.id and a.next_payout_at is null`);
  }
  const queued = await db.execute<{ n: number }>(sql`
    with due as (
      select a.user_id, a.next_payout_at
      from advisors a
      join payout_accounts pa on pa.advisor_id = a.user_id and pa.transfers_capability = 'active'
      where a.next_payout_at <= ${input.now.toISOString()}::timestamptz
        and a.payouts_held_at is null
    )
    select count(graphile_worker.add_job(
      identifier => 'prepare_payout_batch',
      payload => json_build_object(
        'kind', 'scheduled',
        'advisorId', due.user_id,
        'scheduledFor', to_char(due.next_payout_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
      ),
      job_key => 'payout_batch:' || due.user_id || ':' || (extract(epoch from due.next_payout_at) * 1000)::bigint,
      max_attempts => 10,
      priority => 3
    ))::int as n
    from due`);
  return { queued: Number(queued[0]?.n ?? 0) };
}

// ---------------------------------------------------------------------------------------
// Preparing one advisor's batch
// ---------------------------------------------------------------------------------------

export type PrepareRequest =
  | { kind: "scheduled"; advisorId: string; scheduledFor: Date }
  | { kind: "off_cycle"; advisorId: string; requestedBy: string; requestedAt: Date };

export type PrepareOutcome =
  | { kind: "created"; batches: PayoutBatchRow[]; items: PayoutItemRow[] }
  /** Another worker already handled this run (the schedule moved on). */
  | { kind: "already_done" }
  | { kind: "advisor_not_found" }
  | { kind: "held"; reason: string }
  | { kind: "account_not_ready"; capability: string | null }
  | { kind: "below_minimum" | "nothing_payable" };

type Earning = {
  consultationId: string;
  currency: string;
  share: number;
  holdEndsAt: Date | null;
  chargeId: string;
};

/**
 * Builds one advisor's payout for a run, in the caller's transaction: locks the advisor,
 * moves a scheduled run's clock on (compare-and-set on `next_payout_at`, so a second
 * worker with the same run changes nothing), picks the released consultations not already
 * in a live item, nets what the advisor owes, and writes the batch, its items and their
 * ledger entries (clawback, payout reserved) with one send job per item. Items that only
 * recover a receivable are settled at once (nothing to transfer).
 */
export async function preparePayoutBatch(
  tx: Executor,
  input: { request: PrepareRequest; now: Date; minimumPayoutMinor: number },
): Promise<PrepareOutcome> {
  const { request, now } = input;
  const [advisor] = await tx
    .select({
      ...scheduleColumns,
      nextPayoutAt: advisors.nextPayoutAt,
      heldAt: advisors.payoutsHeldAt,
      heldReason: advisors.payoutsHeldReason,
    })
    .from(advisors)
    .where(eq(advisors.userId, request.advisorId))
    .for("update");
  if (!advisor) return { kind: "advisor_not_found" };

  if (request.kind === "scheduled") {
    if (advisor.nextPayoutAt?.getTime() !== request.scheduledFor.getTime()) {
      return { kind: "already_done" };
    }
    if (advisor.heldAt) return { kind: "held", reason: advisor.heldReason ?? "" };
  } else if (advisor.heldAt) {
    return { kind: "held", reason: advisor.heldReason ?? "" };
  }

  const [account] = await tx
    .select()
    .from(payoutAccounts)
    .where(eq(payoutAccounts.advisorId, request.advisorId));
  if (!account || account.transfersCapability !== "active") {
    // Earnings accrue; the run stays due and is picked up once the account is ready.
    return { kind: "account_not_ready", capability: account?.transfersCapability ?? null };
  }

  if (request.kind === "scheduled") {
    const after = now.getTime() > request.scheduledFor.getTime() ? now : request.scheduledFor;
    await tx
      .update(advisors)
      .set({ nextPayoutAt: nextRunFor(advisor, after) })
      .where(eq(advisors.userId, request.advisorId));
  }

  const earnings = await loadEarnings(tx, request.advisorId);
  if (earnings.length === 0) return { kind: "nothing_payable" };

  const byCurrency = new Map<string, Earning[]>();
  for (const e of earnings) byCurrency.set(e.currency, [...(byCurrency.get(e.currency) ?? []), e]);

  const receivables = await receivableBalances(tx, request.advisorId);
  const scheduledFor = request.kind === "scheduled" ? request.scheduledFor : request.requestedAt;
  const batches: PayoutBatchRow[] = [];
  const items: PayoutItemRow[] = [];
  let sawBelowMinimum = false;
  for (const [currency, group] of byCurrency) {
    const plan = orThrow(
      planPayout({
        earnings: group.map((e) => ({
          id: e.consultationId,
          amount: storedMoney(e.share, currency),
          // Released means out of the hold window, whatever the stored end says (an admin or
          // the sandbox may have ended it early).
          completedAt: e.holdEndsAt && e.holdEndsAt < now ? e.holdEndsAt : now,
        })),
        receivable: storedMoney(receivables.get(currency) ?? 0, currency),
        runAt: now,
        // Released consultations are out of their hold window by definition.
        holdWindowHours: 0,
        // An admin's off-cycle payout pays whatever is there.
        minimumPayout: storedMoney(
          request.kind === "off_cycle" ? 0 : input.minimumPayoutMinor,
          currency,
        ),
      }),
    );
    if (plan.outcome !== "pay") {
      sawBelowMinimum ||= plan.outcome === "below_minimum";
      continue;
    }
    const [batch] = await tx
      .insert(payoutBatches)
      .values({
        advisorId: request.advisorId,
        kind: request.kind,
        scheduledFor,
        currency,
        grossAmount: plan.gross.amount,
        nettedAmount: plan.netted.amount,
        totalAmount: plan.total.amount,
        itemCount: plan.items.length,
        requestedBy: request.kind === "off_cycle" ? request.requestedBy : null,
        createdAt: now,
      })
      .onConflictDoNothing()
      .returning();
    if (!batch) return { kind: "already_done" };
    batches.push(batch);
    const chargeOf = new Map(group.map((e) => [e.consultationId, e.chargeId]));
    const inserted = await tx
      .insert(payoutItems)
      .values(
        plan.items.map((p) => ({
          batchId: batch.id,
          advisorId: request.advisorId,
          consultationId: p.id,
          sourceChargeId: chargeOf.get(p.id)!,
          destinationAccountId: account.providerAccountId,
          currency,
          grossAmount: p.gross.amount,
          nettedAmount: p.netted.amount,
          amount: p.transfer.amount,
          createdAt: now,
          updatedAt: now,
        })),
      )
      .returning();
    for (const item of inserted) {
      if (item.nettedAmount > 0) {
        await postJournalEntry(tx, {
          entry: orThrow(
            ledger.clawback({
              consultationId: item.consultationId,
              advisorId: item.advisorId,
              amount: storedMoney(item.nettedAmount, currency),
            }),
          ),
          dedupeKey: `payout_item:${item.id}:clawback`,
          memo: "netted against a payout",
        });
      }
      if (item.amount > 0) {
        await postJournalEntry(tx, {
          entry: orThrow(
            ledger.payoutReserved({
              consultationId: item.consultationId,
              advisorId: item.advisorId,
              amount: storedMoney(item.amount, currency),
            }),
          ),
          dedupeKey: `payout_item:${item.id}:reserved`,
        });
        await enqueueJob(
          tx,
          "send_payout_item",
          { itemId: item.id },
          { jobKey: payoutItemJobKey(item.id) },
        );
        items.push(item);
      } else {
        // Entirely netted: nothing to send, the consultation is settled now.
        items.push(await markItemSent(tx, { item, transferId: null, now }));
      }
    }
    await settleBatchIfDone(tx, batch.id, now);
  }
  if (batches.length === 0) return { kind: sawBelowMinimum ? "below_minimum" : "nothing_payable" };
  return { kind: "created", batches, items };
}

/** Released consultations of an advisor with no live payout item, oldest release first. */
async function loadEarnings(tx: Executor, advisorId: string): Promise<Earning[]> {
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
  return rows.filter((r): r is Earning => r.chargeId !== null);
}

/** What the advisor owes back per currency (positive), from the ledger. Internal to payouts. */
export async function receivableBalances(
  tx: Executor,
  advisorId: string,
): Promise<Map<string, number>> {
  const rows = await tx
    .select({
      currency: journalPostings.currency,
      balance: sql<string>`sum(${journalPostings.amount})`,
    })
    .from(journalPostings)
    .where(eq(journalPostings.account, accounts.advisorReceivable(advisorId)))
    .groupBy(journalPostings.currency);
  return new Map(rows.map((r) => [r.currency, Math.max(0, Number(r.balance))]));
}

// ---------------------------------------------------------------------------------------
// Sending
// ---------------------------------------------------------------------------------------

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
      and (pa.transfers_capability = 'active' or i.last_error_code = ${OUTCOME_UNKNOWN})
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
    if (item.lastErrorCode !== OUTCOME_UNKNOWN && row.capability !== "active") {
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
  input: { itemId: string; transferId: string; now: Date },
): Promise<PayoutItemRow | null> {
  return db.transaction(async (tx) => {
    const [item] = await tx
      .select()
      .from(payoutItems)
      .where(eq(payoutItems.id, input.itemId))
      .for("update");
    if (!item) return null;
    if (item.status === "sent") return item;
    return markItemSent(tx, { item, transferId: input.transferId, now: input.now });
  });
}

async function markItemSent(
  tx: Executor,
  input: { item: PayoutItemRow; transferId: string | null; now: Date },
): Promise<PayoutItemRow> {
  const { item, transferId, now } = input;
  const [sent] = await tx
    .update(payoutItems)
    .set({
      status: "sent",
      providerTransferId: transferId,
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
  await settleBatchIfDone(tx, item.batchId, now);
  return sent!;
}

export type TransferFailure = {
  /** Provider code (`balance_insufficient`…), `rate_limit`, `outcome_unknown`, `account_not_ready`. */
  code: string;
  message: string;
  /** Worth retrying automatically (429, 5xx, timeouts). */
  retryable: boolean;
  retryAfterSeconds?: number | null;
};

/**
 * What a failed provider call leads to, for transfers and reversals alike: retried at
 * `runAt` (a 429 waits its Retry-After and gives its attempt back; other retryable
 * failures back off exponentially until `maxAttempts`), or given up.
 */
export function retryDecision(input: {
  failure: TransferFailure;
  attempts: number;
  maxAttempts: number;
  now: Date;
}): { retry: true; attempts: number; runAt: Date } | { retry: false; attempts: number } {
  const { failure, now } = input;
  const throttled = failure.code === RATE_LIMITED;
  const attempts = throttled ? Math.max(0, input.attempts - 1) : input.attempts;
  if (!failure.retryable || (!throttled && attempts >= input.maxAttempts)) {
    return { retry: false, attempts };
  }
  const delay = Math.max(
    (failure.retryAfterSeconds ?? 0) * 1000,
    throttled ? 0 : payoutRetryDelayMs(attempts),
  );
  return { retry: true, attempts, runAt: new Date(now.getTime() + delay) };
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
    const [item] = await tx
      .select()
      .from(payoutItems)
      .where(eq(payoutItems.id, input.itemId))
      .for("update");
    if (!item || item.status === "sent" || item.status === "cancelled") return item ?? null;
    const decision = retryDecision({
      failure,
      attempts: item.attempts,
      maxAttempts: input.maxAttempts,
      now,
    });
    const { attempts } = decision;
    if (decision.retry) {
      const { runAt } = decision;
      const [row] = await tx
        .update(payoutItems)
        .set({
          status: "retrying",
          attempts,
          // Keep knowing that an earlier attempt may have reached the provider.
          lastErrorCode:
            item.lastErrorCode === OUTCOME_UNKNOWN && failure.code === RATE_LIMITED
              ? OUTCOME_UNKNOWN
              : failure.code,
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
        lastErrorCode:
          item.lastErrorCode === OUTCOME_UNKNOWN && failure.retryable
            ? OUTCOME_UNKNOWN
            : failure.code,
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
      message: `Payout of ${item.amount} ${item.currency} for consultation ${item.consultationId} failed (${failure.code}): ${failure.message}. The money is held in transit; retry or cancel the item.`,
      consultationId: item.consultationId,
      details: { payoutItemId: item.id, code: failure.code },
    });
    await settleBatchIfDone(tx, item.batchId, now);
    return row!;
  });
}

/**
 * Shared pacing of provider requests (GCRA over one row): reserves the next slot at
 * `ratePerSecond` and returns how long to wait for it. Every worker process uses the same
 * row, so together they keep to the rate; the database clock is the one clock. Slots left
 * unused while the senders were busy elsewhere may be caught up on, up to `burstSeconds`
 * of them (the provider's own bucket allows a second's worth of burst, as Stripe's does).
 */
export async function reserveProviderSlot(
  db: Executor,
  input: { key: string; ratePerSecond: number; burstSeconds?: number },
): Promise<number> {
  const intervalMs = 1000 / input.ratePerSecond;
  const interval = `${intervalMs.toFixed(3)} milliseconds`;
  const tolerance = `${Math.round((input.burstSeconds ?? 0.5) * 1000)} milliseconds`;
  const [row] = await db
    .insert(providerThrottles)
    .values({ key: input.key, nextSlotAt: sql`clock_timestamp() + ${interval}::interval` })
    .onConflictDoUpdate({
      target: providerThrottles.key,
      set: {
        nextSlotAt: sql`greatest(${providerThrottles.nextSlotAt}, clock_timestamp() - ${tolerance}::interval) + ${interval}::interval`,
      },
    })
    .returning({
      waitMs: sql<string>`greatest(0, extract(epoch from (${providerThrottles.nextSlotAt} - ${interval}::interval - clock_timestamp())) * 1000)`,
    });
  return Number(row?.waitMs ?? 0);
}

// ---------------------------------------------------------------------------------------
// Admin actions
// ---------------------------------------------------------------------------------------

export type ItemActionOutcome =
  | { kind: "ok"; item: PayoutItemRow }
  | { kind: "not_found" }
  | { kind: "wrong_status"; status: string };

/** An admin retries a failed item: back in the queue now, attempts counted afresh. */
export async function retryPayoutItem(
  tx: Executor,
  input: { itemId: string; now: Date },
): Promise<ItemActionOutcome> {
  const [item] = await tx
    .select()
    .from(payoutItems)
    .where(eq(payoutItems.id, input.itemId))
    .for("update");
  if (!item) return { kind: "not_found" };
  if (item.status !== "failed") return { kind: "wrong_status", status: item.status };
  const [row] = await tx
    .update(payoutItems)
    .set({ status: "retrying", attempts: 0, nextAttemptAt: input.now, updatedAt: input.now })
    .where(eq(payoutItems.id, item.id))
    .returning();
  await tx.update(payoutBatches).set({ settledAt: null }).where(eq(payoutBatches.id, item.batchId));
  await enqueueJob(
    tx,
    "send_payout_item",
    { itemId: item.id },
    { jobKey: payoutItemJobKey(item.id) },
  );
  return { kind: "ok", item: row! };
}

/**
 * An admin withdraws an unsent item: its share goes back to the advisor's payable and the
 * next run picks the consultation up again. Refused while the transfer may exist.
 */
export async function cancelPayoutItem(
  tx: Executor,
  input: { itemId: string; now: Date; reason: string },
): Promise<ItemActionOutcome> {
  const [item] = await tx
    .select()
    .from(payoutItems)
    .where(eq(payoutItems.id, input.itemId))
    .for("update");
  if (!item) return { kind: "not_found" };
  if (!isWithdrawable(item)) return { kind: "wrong_status", status: item.status };
  return { kind: "ok", item: await cancelItem(tx, item, input.now, input.reason) };
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
    await tx.update(payoutBatches).set({ settledAt: null }).where(eq(payoutBatches.id, r.batchId));
    await enqueueJob(tx, "send_payout_item", { itemId: r.id }, { jobKey: payoutItemJobKey(r.id) });
  }
  return rows.length;
}

export type HoldOutcome = { kind: "ok"; changed: boolean } | { kind: "advisor_not_found" };

/** An admin holds an advisor's payouts: runs skip them and unsent items wait. */
export async function holdAdvisorPayouts(
  tx: Executor,
  input: { advisorId: string; reason: string; by: string; now: Date },
): Promise<HoldOutcome> {
  const [row] = await tx
    .select({ heldAt: advisors.payoutsHeldAt })
    .from(advisors)
    .where(eq(advisors.userId, input.advisorId))
    .for("update");
  if (!row) return { kind: "advisor_not_found" };
  await tx
    .update(advisors)
    .set({
      payoutsHeldAt: row.heldAt ?? input.now,
      payoutsHeldReason: input.reason,
      payoutsHeldBy: input.by,
    })
    .where(eq(advisors.userId, input.advisorId));
  return { kind: "ok", changed: row.heldAt === null };
}

/** Lifts a hold; the advisor's waiting items go back in the queue. */
export async function releaseAdvisorPayoutHold(
  tx: Executor,
  input: { advisorId: string; now: Date },
): Promise<HoldOutcome> {
  const [row] = await tx
    .select({ heldAt: advisors.payoutsHeldAt })
    .from(advisors)
    .where(eq(advisors.userId, input.advisorId))
    .for("update");
  if (!row) return { kind: "advisor_not_found" };
  if (row.heldAt === null) return { kind: "ok", changed: false };
  await tx
    .update(advisors)
    .set({ payoutsHeldAt: null, payoutsHeldReason: null, payoutsHeldBy: null })
    .where(eq(advisors.userId, input.advisorId));
  const waiting = await tx
    .select({ id: payoutItems.id })
    .from(payoutItems)
    .where(
      and(
        eq(payoutItems.advisorId, input.advisorId),
        inArray(payoutItems.status, ["pending", "retrying"]),
      ),
    );
  for (const w of waiting) {
    await enqueueJob(tx, "send_payout_item", { itemId: w.id }, { jobKey: payoutItemJobKey(w.id) });
  }
  return { kind: "ok", changed: true };
}

export type OffCycleOutcome =
  | { kind: "queued" }
  | { kind: "advisor_not_found" }
  | { kind: "held"; reason: string }
  | { kind: "account_not_ready"; capability: string | null }
  | { kind: "nothing_payable" };

/**
 * An admin asks for a payout now, outside the schedule (which is left as it is). Checks
 * what can be checked up front so the admin gets an answer, then queues the batch.
 */
export async function requestOffCyclePayout(
  tx: Executor,
  input: { advisorId: string; by: string; now: Date },
): Promise<OffCycleOutcome> {
  const [row] = await tx
    .select({
      heldAt: advisors.payoutsHeldAt,
      heldReason: advisors.payoutsHeldReason,
      capability: payoutAccounts.transfersCapability,
    })
    .from(advisors)
    .leftJoin(payoutAccounts, eq(payoutAccounts.advisorId, advisors.userId))
    .where(eq(advisors.userId, input.advisorId));
  if (!row) return { kind: "advisor_not_found" };
  if (row.heldAt) return { kind: "held", reason: row.heldReason ?? "" };
  if (row.capability !== "active") return { kind: "account_not_ready", capability: row.capability };
  if ((await loadEarnings(tx, input.advisorId)).length === 0) return { kind: "nothing_payable" };
  await enqueueJob(tx, "prepare_payout_batch", {
    kind: "off_cycle",
    advisorId: input.advisorId,
    requestedBy: input.by,
    requestedAt: input.now.toISOString(),
  });
  return { kind: "queued" };
}
