import { removePlanPrice as removePlanPriceWorkflow } from "@an/db";
import { unwrapBilling, withBillingProvider } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { removePlanPriceInput } from "../billing/schemas";
import { adminActor } from "./actor";

/** Stops offering a price to new subscribers (existing ones keep it). Audited. */
export const removePlanPrice = adminProcedure
  .input(removePlanPriceInput)
  .mutation(async ({ ctx, input }) => {
    const outcome = await withBillingProvider(() =>
      removePlanPriceWorkflow(ctx.db, ctx.providers.subscriptions, {
        key: input.key,
        currency: input.currency,
        interval: input.interval,
        reason: input.reason,
        actor: adminActor(ctx.user.id),
        now: ctx.now(),
        requestId: ctx.requestId,
      }),
    );
    const price = unwrapBilling(outcome);
    return { id: price.id, active: price.active };
  });
