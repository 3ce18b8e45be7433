import { eq, sql } from "drizzle-orm";
import { type CurrencyCode, ledger, minimumPayoutFor, planPayout } from "@an/domain";
import type { Db, Executor } from "../client";
import { enqueueJob, enqueueJobsSql } from "../jobs";
import { advisors, payoutAccounts, payoutBatches, payoutItems } from "../schema";
import { type Actor, writeAudit } from "../queries/audit";
import { postJournalEntry, receivableBalances } from "../queries/ledger";
import { getPlatformRulesInForce } from "../queries/platform-rules";
import {
  listUnpaidEarnings,
  type PayoutBatchRow,
  settlePayoutBatchIfDone,
  type UnpaidEarning,
} from "../queries/payout-batches";
import { type PayoutItemRow, payoutItemJobKey } from "../queries/payout-items";
import {
  listUnscheduledAdvisors,
  nextRunFor,
  scheduleColumns,
  setFirstPayoutRuns,
} from "../queries/payout-schedules";
import { orThrow, storedMoney } from "../queries/stored-money";
import { markItemSent } from "./payout-transfers";

/**
 * Payout runs: the planner that finds who is due, the preparation of one advisor's batch,
 * and an admin's off-cycle request.
 */

/**
 * The crontab's planner. First gives every advisor without one their next run; then queues
 * one `prepare_payout_batch` per advisor whose run is due, isn't held and whose account can
 * receive transfers — in one statement, with a job key per advisor and run, so two planners
 * (two workers, a slow tick) queue each run once. Advisors that can't be paid yet stay due
 * and are picked up on the first tick after they can be.
 */
export async function planDuePayouts(db: Db, input: { now: Date }): Promise<{ queued: number }> {
  for (;;) {
    const unscheduled = await listUnscheduledAdvisors(db, { limit: 1000 });
    if (unscheduled.length === 0) break;
    const rows = unscheduled.map((a) => ({
      id: a.userId,
      next: nextRunFor(a, input.now).toISOString(),
    }));
    await setFirstPayoutRuns(db, rows);
  }
  const queued = await db.execute<{ n: number }>(sql`
    with due as (
      select a.user_id, a.next_payout_at
      from advisors a
      join payout_accounts pa on pa.advisor_id = a.user_id and pa.transfers_capability = 'active'
      where a.next_payout_at <= ${input.now.toISOString()}::timestamptz
        and a.payouts_held_at is null
    )
    select count(${enqueueJobsSql("prepare_payout_batch", {
      payload: {
        kind: "scheduled",
        advisorId: sql`due.user_id`,
        scheduledFor: sql`to_char(due.next_payout_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
      },
      maxAttempts: 10,
      jobKey: sql`'payout_batch:' || due.user_id || ':' || (extract(epoch from due.next_payout_at) * 1000)::bigint`,
    })})::int as n
    from due`);
  return { queued: Number(queued[0]?.n ?? 0) };
}

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

/**
 * Builds one advisor's payout for a run, in the caller's transaction: locks the advisor,
 * moves a scheduled run's clock on (compare-and-set on `next_payout_at`, so a second
 * worker with the same run changes nothing), picks the released consultations not already
 * in a live item, nets what the advisor owes, and writes the batch, its items and their
 * ledger entries (clawback, payout reserved) with one send job per item. Items that only
 * recover a receivable are settled at once (nothing to transfer).
 *
 * One batch per currency, each against its own minimum from the operator's `payouts` rules
 * in force, read in this transaction: a currency below its minimum carries over while the
 * others are paid. An off-cycle request pays whatever is there.
 */
export async function preparePayoutBatch(
  tx: Executor,
  input: { request: PrepareRequest; now: Date },
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

  const earnings = await listUnpaidEarnings(tx, request.advisorId);
  if (earnings.length === 0) return { kind: "nothing_payable" };

  const byCurrency = new Map<string, UnpaidEarning[]>();
  for (const e of earnings) byCurrency.set(e.currency, [...(byCurrency.get(e.currency) ?? []), e]);

  const receivables = await receivableBalances(tx, request.advisorId);
  const payoutRules = await getPlatformRulesInForce(tx, { kind: "payouts" });
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
          request.kind === "off_cycle"
            ? 0
            : minimumPayoutFor(payoutRules.rules, currency as CurrencyCode),
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
    await settlePayoutBatchIfDone(tx, batch.id, now);
  }
  if (batches.length === 0) return { kind: sawBelowMinimum ? "below_minimum" : "nothing_payable" };
  return { kind: "created", batches, items };
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
 * Audited (`payouts.off_cycle_requested`).
 */
export async function requestOffCyclePayout(
  tx: Executor,
  input: { advisorId: string; actor: Actor; now: Date; requestId?: string | null },
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
  if ((await listUnpaidEarnings(tx, input.advisorId)).length === 0)
    return { kind: "nothing_payable" };
  await enqueueJob(tx, "prepare_payout_batch", {
    kind: "off_cycle",
    advisorId: input.advisorId,
    requestedBy: input.actor.kind === "user" ? input.actor.userId : input.actor.label,
    requestedAt: input.now.toISOString(),
  });
  await writeAudit(tx, {
    actor: input.actor,
    action: "payouts.off_cycle_requested",
    subjectType: "advisor",
    subjectId: input.advisorId,
    before: null,
    after: { requestedAt: input.now.toISOString() },
    requestId: input.requestId ?? null,
  });
  return { kind: "queued" };
}
