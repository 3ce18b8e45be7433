import { eq } from "drizzle-orm";
import type { Db, Executor } from "../client";
import { raiseIncident } from "../queries/incidents";
import { listBillingCustomerIds } from "../queries/subscriptions";
import { billingReconciliationRuns } from "../schema";
import {
  type BillingDifference,
  recordBillingSyncError,
  syncBillingCustomer,
} from "./billing-sync";
import type { BillingSyncPorts } from "./billing-sync-port";

/** Starts a reconciliation run (nightly, or an admin's), returning its id. */
export async function startBillingReconciliation(
  ex: Executor,
  input: { now: Date; requestedBy?: string | null },
): Promise<{ runId: string }> {
  const [row] = await ex
    .insert(billingReconciliationRuns)
    .values({ startedAt: input.now, requestedBy: input.requestedBy ?? null })
    .returning({ id: billingReconciliationRuns.id });
  return { runId: row!.id };
}

export type BillingReconciliationOutcome = {
  runId: string;
  customersChecked: number;
  customersDiffering: number;
  failures: number;
  differences: {
    stripeCustomerId: string;
    userId: string | null;
    differences: BillingDifference[];
  }[];
};

/**
 * Re-syncs every billing customer (ours, and any at the provider carrying one of our user
 * ids) and records what differed from Stripe in the run; raises one
 * `subscription_out_of_sync` incident per run that found differences. A customer whose
 * sync fails is counted and keeps its error; the others still run.
 */
export async function runBillingReconciliation(
  db: Db,
  ports: BillingSyncPorts & {
    subscriptions: { listCustomers(): Promise<{ id: string; userId: string | null }[]> };
  },
  input: { runId: string; now: () => Date },
): Promise<BillingReconciliationOutcome> {
  const ours = await listBillingCustomerIds(db);
  const theirs = await ports.subscriptions.listCustomers();
  const ids = [...new Set([...ours, ...theirs.filter((c) => c.userId).map((c) => c.id)])];
  const outcome: BillingReconciliationOutcome = {
    runId: input.runId,
    customersChecked: 0,
    customersDiffering: 0,
    failures: 0,
    differences: [],
  };
  for (const stripeCustomerId of ids) {
    try {
      const result = await syncBillingCustomer(db, ports, {
        stripeCustomerId,
        source: `reconcile:${input.runId}`,
        now: input.now(),
      });
      outcome.customersChecked += 1;
      if (result.differences.length > 0) {
        outcome.customersDiffering += 1;
        outcome.differences.push({
          stripeCustomerId,
          userId: result.userId,
          differences: result.differences,
        });
      }
    } catch (error) {
      outcome.failures += 1;
      await recordBillingSyncError(db, {
        stripeCustomerId,
        error: error instanceof Error ? error.message : String(error),
        now: input.now(),
      });
    }
  }
  await db.transaction(async (tx) => {
    await tx
      .update(billingReconciliationRuns)
      .set({
        finishedAt: input.now(),
        customersChecked: outcome.customersChecked,
        customersDiffering: outcome.customersDiffering,
        failures: outcome.failures,
        differences: outcome.differences,
      })
      .where(eq(billingReconciliationRuns.id, input.runId));
    if (outcome.differences.length > 0) {
      await raiseIncident(tx, {
        kind: "subscription_out_of_sync",
        dedupeKey: `subscription_out_of_sync:${input.runId}`,
        message: `Subscription reconciliation found ${outcome.customersDiffering} customer(s) whose stored state differed from Stripe's; they were re-synced.`,
        details: { runId: input.runId, customers: outcome.customersDiffering },
      });
    }
  });
  return outcome;
}
