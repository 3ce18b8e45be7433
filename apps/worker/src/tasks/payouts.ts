import { setTimeout as sleep } from "node:timers/promises";
import { isProviderError } from "@an/billing";
import {
  ACCOUNT_NOT_READY,
  claimPayoutItem,
  claimTransferReversal,
  planDuePayouts,
  preparePayoutBatch,
  recordReversalFailure,
  recordReversalSucceeded,
  recordTransferFailure,
  recordTransferSent,
  reserveProviderSlot,
  storedFailureCode,
  type TransferFailure,
  transferRequestFor,
} from "@an/db";
import type { CurrencyCode } from "@an/domain";
import type { TaskHandler, WorkerDeps } from "./types";

/** All provider calls of payout runs share one pace, across every worker process. */
const THROTTLE_KEY = "stripe:payouts";

/** Waits for this request's slot in the provider budget all workers share. */
async function waitForProviderSlot(deps: WorkerDeps): Promise<void> {
  const wait = await reserveProviderSlot(deps.db, {
    key: THROTTLE_KEY,
    ratePerSecond: deps.billing.connect.requestsPerSecond,
  });
  if (wait > 0) await sleep(wait);
}

/** Crontab: queues a batch for every advisor whose payout run is due. */
export function planPayouts(deps: WorkerDeps): TaskHandler<"plan_payouts"> {
  return async () => {
    const { queued } = await planDuePayouts(deps.db, { now: deps.now() });
    if (queued > 0) deps.log.info({ queued }, "payout batches queued");
  };
}

/** Builds one advisor's batch, items and ledger entries in one transaction. */
export function preparePayoutBatchTask(deps: WorkerDeps): TaskHandler<"prepare_payout_batch"> {
  return async (payload) => {
    const request =
      payload.kind === "scheduled"
        ? {
            kind: "scheduled" as const,
            advisorId: payload.advisorId,
            scheduledFor: new Date(payload.scheduledFor),
          }
        : {
            kind: "off_cycle" as const,
            advisorId: payload.advisorId,
            requestedBy: payload.requestedBy,
            requestedAt: new Date(payload.requestedAt),
          };
    // Each currency's minimum is the operator's, read inside the run's transaction.
    const outcome = await deps.db.transaction((tx) =>
      preparePayoutBatch(tx, { request, now: deps.now() }),
    );
    if (outcome.kind === "created") {
      deps.log.info(
        {
          advisorId: payload.advisorId,
          batches: outcome.batches.map((b) => b.id),
          items: outcome.items.length,
        },
        "payout batch created",
      );
    } else {
      deps.log.debug({ advisorId: payload.advisorId, outcome: outcome.kind }, "no payout batch");
    }
  };
}

/**
 * How a provider failure is recorded on an item or reversal, by its kind: a refusal keeps
 * the provider's code; a throttled or unanswered request is stored as `rate_limit` or
 * `outcome_unknown` (the codes the payout queries read back). Null when `error` isn't a
 * provider failure (it propagates).
 */
export function describeFailure(error: unknown): TransferFailure | null {
  if (!isProviderError(error)) return null;
  if (error.kind === "rejected") {
    return { kind: "rejected", code: error.code ?? "rejected", message: error.message };
  }
  // A 429 never reached the point of doing anything; anything else may have.
  return { kind: error.kind, message: error.message, retryAfterSeconds: error.retryAfterSeconds };
}

/**
 * Sends one payout item's transfer: claim, wait for a slot in the shared pace, ask the
 * provider (the item id is the idempotency key, so a resend after a timeout or a crash
 * returns the first transfer), record the result. Another worker's fresh claim makes this
 * job fail and retry later, so a claim left by a dead worker is always picked up.
 */
export function sendPayoutItem(deps: WorkerDeps): TaskHandler<"send_payout_item"> {
  return async ({ itemId }) => {
    const claim = await claimPayoutItem(deps.db, { itemId, now: deps.now() });
    if (claim.kind === "held") return;
    if (claim.kind === "not_claimable") {
      if (claim.status === "sending") {
        throw new Error(`payout item ${itemId} is being sent by another worker; checking later`);
      }
      return;
    }
    if (claim.kind === "account_not_ready") {
      await recordTransferFailure(deps.db, {
        itemId,
        failure: {
          kind: "rejected",
          code: ACCOUNT_NOT_READY,
          message: `the advisor's Stripe account can't receive transfers (transfers capability: ${claim.capability ?? "not requested"})`,
        },
        now: deps.now(),
        maxAttempts: deps.billing.connect.maxAttempts,
      });
      return;
    }
    const { item } = claim;
    await waitForProviderSlot(deps);
    try {
      // Transfers are in the currency the charge settled in (converted at its rate).
      const request = await transferRequestFor(deps.db, item);
      const transfer = await deps.payments.createTransfer({
        payoutItemId: item.id,
        consultationId: item.consultationId,
        amount: request.amount,
        destinationAccountId: item.destinationAccountId,
        sourceChargeId: item.sourceChargeId,
        transferGroup: `consultation_${item.consultationId}`,
      });
      await recordTransferSent(deps.db, {
        itemId,
        transferId: transfer.id,
        now: deps.now(),
        settled: request.settled,
      });
    } catch (error) {
      const failure = describeFailure(error);
      if (!failure) throw error;
      const row = await recordTransferFailure(deps.db, {
        itemId,
        failure,
        now: deps.now(),
        maxAttempts: deps.billing.connect.maxAttempts,
      });
      deps.log.warn(
        { itemId, code: storedFailureCode(failure), status: row?.status, attempts: row?.attempts },
        "transfer not sent",
      );
    }
  };
}

/** Reverses (part of) a transfer after a refund or lost chargeback on a paid-out consultation. */
export function reverseTransfer(deps: WorkerDeps): TaskHandler<"reverse_transfer"> {
  return async ({ reversalId }) => {
    const claim = await claimTransferReversal(deps.db, { reversalId, now: deps.now() });
    if (claim.kind !== "claimed") return;
    const { reversal } = claim;
    await waitForProviderSlot(deps);
    try {
      const result = await deps.payments.createTransferReversal({
        reversalId: reversal.id,
        transferId: reversal.providerTransferId,
        // A converted transfer is reversed in its own (settlement) currency.
        amount:
          reversal.transferAmount !== null && reversal.transferCurrency
            ? {
                amount: reversal.transferAmount,
                currency: reversal.transferCurrency as CurrencyCode,
              }
            : { amount: reversal.amount, currency: reversal.currency as CurrencyCode },
        consultationId: reversal.consultationId,
      });
      await recordReversalSucceeded(deps.db, {
        reversalId,
        providerReversalId: result.id,
        now: deps.now(),
      });
    } catch (error) {
      const failure = describeFailure(error);
      if (!failure) throw error;
      await recordReversalFailure(deps.db, {
        reversalId,
        failure,
        now: deps.now(),
        maxAttempts: deps.billing.connect.maxAttempts,
      });
      deps.log.warn({ reversalId, code: storedFailureCode(failure) }, "transfer reversal not done");
    }
  };
}
