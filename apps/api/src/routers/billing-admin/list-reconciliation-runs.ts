import { listReconciliationRuns as listRuns } from "@an/db";
import { adminProcedure } from "../../trpc/init";
import { listReconciliationRunsInput } from "../billing/schemas";

/** The latest subscription reconciliation runs, newest first, with what differed. */
export const listReconciliationRuns = adminProcedure
  .input(listReconciliationRunsInput)
  .query(async ({ ctx, input }) => ({ runs: await listRuns(ctx.db, { limit: input.limit }) }));
