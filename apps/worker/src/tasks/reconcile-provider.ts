import { isProviderError } from "@an/billing";
import {
  completeReconciliation,
  failReconciliation,
  findOrStartReconciliation,
  getReconciliationReport,
  loadOurReconciliationRecords,
  raiseIncident,
  type ReconciliationReportRow,
} from "@an/db";
import { compareReconciliation } from "@an/domain";
import type { JobHelpers } from "graphile-worker";
import type { TaskHandler, WorkerDeps } from "./types";

const DAY = 86_400_000;

/**
 * Runs a reconciliation report: lists the provider's transfers, refunds and balance
 * transactions for its period, compares them with ours and the ledger, and stores every
 * difference. Running it again after it finished does nothing. An unavailable provider is
 * retried; on the last attempt, or on any other error, the report is marked failed.
 */
export function reconcileProvider(deps: WorkerDeps): TaskHandler<"reconcile_provider"> {
  return async ({ reportId }, helpers) => {
    const report = await getReconciliationReport(deps.db, { id: reportId, differenceLimit: 0 });
    if (!report || report.status !== "running") return;
    await runReconciliation(deps, report, helpers);
  };
}

/**
 * The nightly reconciliation of the previous UTC day: one report per day (a running or
 * completed one for the day is reused, not duplicated), run here rather than queued.
 */
export function reconcileProviderNightly(
  deps: WorkerDeps,
): TaskHandler<"reconcile_provider_nightly"> {
  return async (_payload, helpers) => {
    const to = new Date(Math.floor(deps.now().getTime() / DAY) * DAY);
    const from = new Date(to.getTime() - DAY);
    const { report } = await deps.db.transaction((tx) =>
      findOrStartReconciliation(tx, { from, to }),
    );
    if (report.status !== "running") return;
    await runReconciliation(deps, report, helpers);
  };
}

async function runReconciliation(
  deps: WorkerDeps,
  report: ReconciliationReportRow,
  helpers: JobHelpers,
): Promise<void> {
  const period = { from: report.periodFrom, to: report.periodTo };
  try {
    const [transfers, refunds, balanceTransactions] = await Promise.all([
      deps.payments.listTransfers(period),
      deps.payments.listRefunds(period),
      deps.payments.listBalanceTransactions(period),
    ]);
    const provider = { transfers, refunds, balanceTransactions };
    const ours = await loadOurReconciliationRecords(deps.db, { ...period, provider });
    const { summary, differences } = compareReconciliation(ours, provider);
    await deps.db.transaction(async (tx) => {
      const stored = await completeReconciliation(tx, {
        reportId: report.id,
        summary,
        differences,
        now: deps.now(),
      });
      if (!stored || differences.length === 0) return;
      await raiseIncident(tx, {
        kind: "reconciliation_difference",
        dedupeKey: `reconciliation:${report.id}`,
        message: `Reconciliation of ${report.periodFrom.toISOString()} – ${report.periodTo.toISOString()} found ${differences.length} difference(s) between our records and the provider's.`,
        details: { reportId: report.id, differences: summary.differences },
      });
    });
    deps.log.info(
      { reportId: report.id, differences: differences.length },
      "reconciliation completed",
    );
  } catch (error) {
    const retryable =
      isProviderError(error) &&
      error.kind !== "rejected" &&
      helpers.job.attempts < helpers.job.max_attempts;
    if (retryable) throw error;
    const message = error instanceof Error ? error.message : String(error);
    await deps.db.transaction((tx) =>
      failReconciliation(tx, { reportId: report.id, error: message, now: deps.now() }),
    );
    deps.log.warn({ reportId: report.id, error: message }, "reconciliation failed");
  }
}
