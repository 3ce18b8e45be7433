import { updatePlan as updatePlanWorkflow } from "@an/db";
import { unwrapBilling } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { updatePlanInput } from "../billing/schemas";
import { adminActor } from "./actor";

/** Changes a plan's texts, entitlements or order. Audited with the reason. */
export const updatePlan = adminProcedure.input(updatePlanInput).mutation(async ({ ctx, input }) => {
  const outcome = await ctx.db.transaction((tx) =>
    updatePlanWorkflow(tx, {
      key: input.key,
      ...(input.texts ? { texts: input.texts } : {}),
      ...(input.entitlements ? { entitlements: input.entitlements } : {}),
      ...(input.sortOrder !== undefined ? { sortOrder: input.sortOrder } : {}),
      reason: input.reason,
      actor: adminActor(ctx.user.id),
      now: ctx.now(),
      requestId: ctx.requestId,
    }),
  );
  const plan = unwrapBilling(outcome);
  return { id: plan.id, key: plan.key };
});
