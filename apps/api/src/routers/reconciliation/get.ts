import { getReconciliationReport } from "@an/db";
import { z } from "zod";
import { AppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";

export const getReconciliationInput = z.object({ id: z.uuid() });

/** One report with every difference it found, in the order found. */
export const get = adminProcedure.input(getReconciliationInput).query(async ({ ctx, input }) => {
  const report = await getReconciliationReport(ctx.db, { id: input.id });
  if (!report) throw new AppError("RECONCILIATION_NOT_FOUND", { ref: input.id });
  return report;
});
