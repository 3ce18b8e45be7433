import { startReconciliation } from "@an/db";
import { AppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { periodInput, requirePeriod } from "../finance/period";

/**
 * Starts a reconciliation of `[from, to)` (at most 93 days) against the provider's
 * records; a job runs it. Audited. Returns the running report. A period that hasn't begun
 * yet has nothing to compare: PERIOD_IN_FUTURE (one that includes today is fine).
 */
export const run = adminProcedure.input(periodInput).mutation(({ ctx, input }) => {
  requirePeriod(input, 93);
  if (input.from.getTime() > ctx.now().getTime()) throw new AppError("PERIOD_IN_FUTURE");
  return ctx.db.transaction(async (tx) => {
    const report = await startReconciliation(tx, {
      from: input.from,
      to: input.to,
      actor: { kind: "user", userId: ctx.user.id },
      requestId: ctx.requestId,
    });
    return {
      id: report.id,
      status: report.status,
      periodFrom: report.periodFrom,
      periodTo: report.periodTo,
      startedAt: report.startedAt,
    };
  });
});
