import { enqueueJob, insertReconciliationRun } from "@an/db";
import { adminProcedure } from "../../trpc/init";
import { emptyInput } from "../billing/schemas";

/** Starts a reconciliation of every customer against Stripe now (the nightly run's task). */
export const runReconciliation = adminProcedure.input(emptyInput).mutation(({ ctx }) =>
  ctx.db.transaction(async (tx) => {
    const run = await insertReconciliationRun(tx, { requestedBy: ctx.user.id, now: ctx.now() });
    await enqueueJob(tx, "reconcile_subscriptions_nightly", { runId: run.id });
    return { runId: run.id };
  }),
);
