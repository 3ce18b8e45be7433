import { and, eq, inArray, sql } from "drizzle-orm";
import { err, ledger, ok, type Result, retryDecision } from "@an/domain";
import type { Db, Executor } from "../client";
import { enqueueJob } from "../jobs";
import { transferReversals } from "../schema";
import { type Actor, writeAudit } from "../queries/audit";
import { raiseIncident } from "../queries/incidents";
import { postJournalEntry, receivableBalances } from "../queries/ledger";
import { findSentTransferOfConsultation } from "../queries/payout-items";
import { storedFailureCode, type TransferFailure } from "../queries/provider-failure-codes";
import { orThrow, storedMoney } from "../queries/stored-money";
import { transferAmountFor } from "./fx-entries";

/**
 * Transfer reversals: pulling an advisor's share back after a refund or lost chargeback on
 * a paid-out consultation. The refund entry has already booked it as a receivable; a
 * reversal settles that, and when the advisor's balance can't cover it, later payouts net
 * it instead (see `preparePayoutBatch`).
 */

export type TransferReversalRow = typeof transferReversals.$inferSelect;

/**
 * A refund or lost chargeback hit a paid-out consultation (the receivable is already
 * booked by the refund entry): asks the provider to reverse up to `amount` of its
 * transfer. Capped at what the transfer carried less what is already being reversed; a
 * share that was netted rather than transferred stays a receivable for later payouts.
 */
export async function requestTransferReversal(
  tx: Executor,
  input: {
    consultation: { id: string; advisorId: string };
    amount: { amount: number; currency: string };
    dedupeKey: string;
    reason: string;
  },
): Promise<TransferReversalRow | null> {
  const item = await findSentTransferOfConsultation(tx, { consultationId: input.consultation.id });
  if (!item) return null;
  const [reversed] = await tx
    .select({
      total: sql<string>`coalesce(sum(${transferReversals.amount}), 0)`,
      transferTotal: sql<string>`coalesce(sum(${transferReversals.transferAmount}), 0)`,
    })
    .from(transferReversals)
    .where(
      and(
        eq(transferReversals.payoutItemId, item.id),
        sql`${transferReversals.status} <> 'failed'`,
      ),
    );
  const amount = Math.min(input.amount.amount, item.amount - Number(reversed?.total ?? 0));
  if (amount <= 0) return null;
  // A converted transfer went out in the settlement currency: its reversal comes back in
  // it, at the charge's rate, never more than the transfer has left.
  const settled =
    item.transferAmount !== null && item.transferCurrency
      ? await transferAmountFor(tx, {
          chargeId: item.sourceChargeId,
          amount: storedMoney(amount, item.currency),
        })
      : null;
  const transferAmount = settled
    ? Math.min(settled.amount, item.transferAmount! - Number(reversed?.transferTotal ?? 0))
    : null;
  if (transferAmount !== null && transferAmount <= 0) return null;
  const [row] = await tx
    .insert(transferReversals)
    .values({
      consultationId: input.consultation.id,
      payoutItemId: item.id,
      advisorId: item.advisorId,
      providerTransferId: item.providerTransferId,
      amount,
      currency: item.currency,
      transferAmount,
      transferCurrency: settled ? settled.currency : null,
      dedupeKey: input.dedupeKey,
      reason: input.reason.slice(0, 500),
    })
    .onConflictDoNothing()
    .returning();
  if (row) {
    await enqueueJob(
      tx,
      "reverse_transfer",
      { reversalId: row.id },
      { jobKey: `reversal:${row.id}` },
    );
  }
  return row ?? null;
}

export type ReversalClaim =
  | { kind: "claimed"; reversal: TransferReversalRow }
  | { kind: "not_claimable"; status: string | null };

/** Claims a reversal for one attempt (pending or retrying only). */
export async function claimTransferReversal(
  db: Db,
  input: { reversalId: string; now: Date },
): Promise<ReversalClaim> {
  const [row] = await db
    .update(transferReversals)
    .set({ attempts: sql`${transferReversals.attempts} + 1`, updatedAt: input.now })
    .where(
      and(
        eq(transferReversals.id, input.reversalId),
        inArray(transferReversals.status, ["pending", "retrying"]),
      ),
    )
    .returning();
  if (row) return { kind: "claimed", reversal: row };
  const [existing] = await db
    .select({ status: transferReversals.status })
    .from(transferReversals)
    .where(eq(transferReversals.id, input.reversalId));
  return { kind: "not_claimable", status: existing?.status ?? null };
}

/** The provider reversed it: the receivable is settled by a `transfer_reversal` entry. */
export async function recordReversalSucceeded(
  db: Db,
  input: { reversalId: string; providerReversalId: string; now: Date },
): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(transferReversals)
      .set({
        status: "succeeded",
        providerReversalId: input.providerReversalId,
        lastErrorCode: null,
        lastError: null,
        updatedAt: input.now,
      })
      .where(
        and(
          eq(transferReversals.id, input.reversalId),
          sql`${transferReversals.status} <> 'succeeded'`,
        ),
      )
      .returning();
    if (!row) return;
    await postJournalEntry(tx, {
      entry: orThrow(
        ledger.transferReversal({
          consultationId: row.consultationId,
          advisorId: row.advisorId,
          amount: storedMoney(row.amount, row.currency),
          settled:
            row.transferAmount !== null && row.transferCurrency
              ? storedMoney(row.transferAmount, row.transferCurrency)
              : null,
        }),
      ),
      dedupeKey: `transfer_reversal:${row.id}`,
    });
  });
}

/**
 * A reversal failed. Retryable failures are requeued with backoff; a refusal (typically
 * the advisor's balance is too low) leaves the receivable booked, to be netted against
 * their later payouts, and tells admins.
 */
export async function recordReversalFailure(
  db: Db,
  input: { reversalId: string; failure: TransferFailure; now: Date; maxAttempts: number },
): Promise<TransferReversalRow | null> {
  const { failure, now } = input;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(transferReversals)
      .where(eq(transferReversals.id, input.reversalId))
      .for("update");
    if (!row || row.status === "succeeded") return row ?? null;
    const decision = retryDecision({
      failure,
      attempts: row.attempts,
      maxAttempts: input.maxAttempts,
      now,
      random: Math.random,
    });
    const code = storedFailureCode(failure);
    const { attempts } = decision;
    if (decision.retry) {
      const { runAt } = decision;
      const [updated] = await tx
        .update(transferReversals)
        .set({
          status: "retrying",
          attempts,
          lastErrorCode: code,
          lastError: failure.message.slice(0, 2000),
          updatedAt: now,
        })
        .where(eq(transferReversals.id, row.id))
        .returning();
      await enqueueJob(
        tx,
        "reverse_transfer",
        { reversalId: row.id },
        { jobKey: `reversal:${row.id}`, runAt },
      );
      return updated!;
    }
    const [updated] = await tx
      .update(transferReversals)
      .set({
        status: "failed",
        attempts,
        lastErrorCode: code,
        lastError: failure.message.slice(0, 2000),
        updatedAt: now,
      })
      .where(eq(transferReversals.id, row.id))
      .returning();
    await raiseIncident(tx, {
      kind: "reversal_failed",
      dedupeKey: `reversal-failed:${row.id}:${attempts}`,
      message: `Reversing ${row.amount} ${row.currency} of transfer ${row.providerTransferId} failed (${code}): ${failure.message}. The advisor's receivable stays booked and is netted against their next payouts.`,
      consultationId: row.consultationId,
      details: { reversalId: row.id, code },
    });
    return updated!;
  });
}

/** Why an admin's retry of a reversal was refused (the API maps each once). */
export type ReversalActionRefusal =
  { code: "REVERSAL_NOT_FOUND"; ref: string } | { code: "REVERSAL_NOT_RETRYABLE"; status: string };
export type ReversalActionOutcome = Result<TransferReversalRow, ReversalActionRefusal>;

/**
 * An admin retries a failed reversal — only while the receivable it recovers is still
 * owed: once a payout netted it, reversing as well would take the money twice. Audited
 * (`transfer_reversal.retried`).
 */
export async function retryTransferReversal(
  tx: Executor,
  input: { reversalId: string; now: Date; actor: Actor; requestId?: string | null },
): Promise<ReversalActionOutcome> {
  const [row] = await tx
    .select()
    .from(transferReversals)
    .where(eq(transferReversals.id, input.reversalId))
    .for("update");
  if (!row) return err({ code: "REVERSAL_NOT_FOUND", ref: input.reversalId });
  if (row.status !== "failed") return err({ code: "REVERSAL_NOT_RETRYABLE", status: row.status });
  const owed = (await receivableBalances(tx, row.advisorId)).get(row.currency) ?? 0;
  if (owed < row.amount) return err({ code: "REVERSAL_NOT_RETRYABLE", status: "netted" });
  const [updated] = await tx
    .update(transferReversals)
    .set({ status: "retrying", attempts: 0, updatedAt: input.now })
    .where(eq(transferReversals.id, row.id))
    .returning();
  await enqueueJob(
    tx,
    "reverse_transfer",
    { reversalId: row.id },
    { jobKey: `reversal:${row.id}` },
  );
  await writeAudit(tx, {
    actor: input.actor,
    action: "transfer_reversal.retried",
    subjectType: "transfer_reversal",
    subjectId: row.id,
    before: { status: "failed" },
    after: { status: updated!.status },
    requestId: input.requestId ?? null,
  });
  return ok(updated!);
}
