import { createPlan as createPlanWorkflow } from "@an/db";
import { unwrapBilling, withBillingProvider } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { createPlanInput } from "../billing/schemas";
import { adminActor } from "./actor";

/** A new plan with its Stripe product and prices. Audited with the reason. */
export const createPlan = adminProcedure.input(createPlanInput).mutation(async ({ ctx, input }) => {
  const outcome = await withBillingProvider(() =>
    createPlanWorkflow(ctx.db, ctx.providers.subscriptions, {
      key: input.key,
      texts: input.texts,
      entitlements: input.entitlements,
      prices: input.prices,
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
