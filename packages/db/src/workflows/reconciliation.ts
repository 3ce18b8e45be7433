import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { enqueueJob } from "../jobs";
import { reconciliationDifferences, reconciliationReports } from "../schema";
import { type Actor, writeAudit } from "../queries/audit";
import type {
  NewReconciliationDifference,
  ReconciliationReportRow,
} from "../queries/reconciliation";

/**
 * Starts a reconciliation of `[from, to)` and queues the job that runs it, in the
 * caller's transaction.
 */
export async function createReconciliationReport(
  tx: Executor,
  params: { from: Date; to: Date; requestedBy: string | null },
): Promise<ReconciliationReportRow> {
  const [report] = await tx
    .insert(reconciliationReports)
    .values({ periodFrom: params.from, periodTo: params.to, requestedBy: params.requestedBy })
    .returning();
  await enqueueJob(tx, "reconcile_provider", { reportId: report!.id });
  return report!;
}

/**
 * The report for exactly `[from, to)` that is running or completed, else a new running one
 * (not queued: the caller runs it). Serialized per period by an advisory lock, so two
 * nightly runs make one report.
 */
export async function findOrStartReconciliation(
  tx: Executor,
  params: { from: Date; to: Date },
): Promise<{ report: ReconciliationReportRow; created: boolean }> {
  const key = `reconciliation:${params.from.toISOString()}:${params.to.toISOString()}`;
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
  const [existing] = await tx
    .select()
    .from(reconciliationReports)
    .where(
      and(
        eq(reconciliationReports.periodFrom, params.from),
        eq(reconciliationReports.periodTo, params.to),
        inArray(reconciliationReports.status, ["running", "completed"]),
      ),
    )
    .orderBy(desc(reconciliationReports.startedAt))
    .limit(1);
  if (existing) return { report: existing, created: false };
  const [report] = await tx
    .insert(reconciliationReports)
    .values({ periodFrom: params.from, periodTo: params.to, requestedBy: null })
    .returning();
  return { report: report!, created: true };
}

/**
 * Stores a run's outcome once: only a running report completes (a second run of the same
 * report finds it completed and stores nothing). Returns whether it was stored.
 */
export async function completeReconciliation(
  tx: Executor,
  params: {
    reportId: string;
    summary: Record<string, unknown>;
    differences: NewReconciliationDifference[];
    now?: Date;
  },
): Promise<boolean> {
  // The row lock taken here makes a concurrent completion wait, then find it completed.
  const [updated] = await tx
    .update(reconciliationReports)
    .set({
      status: "completed",
      summary: params.summary,
      differenceCount: params.differences.length,
      finishedAt: params.now ?? sql`now()`,
    })
    .where(
      and(
        eq(reconciliationReports.id, params.reportId),
        eq(reconciliationReports.status, "running"),
      ),
    )
    .returning({ id: reconciliationReports.id });
  if (!updated) return false;
  for (let i = 0; i < params.differences.length; i += 500) {
    await tx
      .insert(reconciliationDifferences)
      .values(
        params.differences.slice(i, i + 500).map((d) => ({ ...d, reportId: params.reportId })),
      );
  }
  return true;
}

/** Marks a running report failed with why. Returns whether it was running. */
export async function failReconciliation(
  tx: Executor,
  params: { reportId: string; error: string; now?: Date },
): Promise<boolean> {
  const [updated] = await tx
    .update(reconciliationReports)
    .set({
      status: "failed",
      error: params.error.slice(0, 2000),
      finishedAt: params.now ?? sql`now()`,
    })
    .where(
      and(
        eq(reconciliationReports.id, params.reportId),
        eq(reconciliationReports.status, "running"),
      ),
    )
    .returning({ id: reconciliationReports.id });
  return Boolean(updated);
}

/**
 * An admin's request to reconcile `[from, to)`: starts the report, queues the job that
 * runs it and records `reconciliation.started`, in the caller's transaction.
 */
export async function startReconciliation(
  tx: Executor,
  params: { from: Date; to: Date; actor: Actor & { kind: "user" }; requestId?: string | null },
): Promise<ReconciliationReportRow> {
  const report = await createReconciliationReport(tx, {
    from: params.from,
    to: params.to,
    requestedBy: params.actor.userId,
  });
  await writeAudit(tx, {
    actor: params.actor,
    action: "reconciliation.started",
    subjectType: "reconciliation_report",
    subjectId: report.id,
    after: { periodFrom: report.periodFrom, periodTo: report.periodTo },
    requestId: params.requestId ?? null,
  });
  return report;
}
