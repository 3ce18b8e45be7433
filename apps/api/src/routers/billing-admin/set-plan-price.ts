import { setPlanPrice as setPlanPriceWorkflow } from "@an/db";
import { unwrapBilling, withBillingProvider } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { setPlanPriceInput } from "../billing/schemas";
import { adminActor } from "./actor";

/**
 * Sets the plan's price for a currency and interval: a new amount is a new Stripe price
 * (the old one stays allowlisted for its subscribers). Audited with the reason.
 */
export const setPlanPrice = adminProcedure
  .input(setPlanPriceInput)
  .mutation(async ({ ctx, input }) => {
    const outcome = await withBillingProvider(() =>
      setPlanPriceWorkflow(ctx.db, ctx.providers.subscriptions, {
        key: input.key,
        currency: input.currency,
        interval: input.interval,
        amount: input.amount,
        trialDays: input.trialDays,
        reason: input.reason,
        actor: adminActor(ctx.user.id),
        now: ctx.now(),
        requestId: ctx.requestId,
      }),
    );
    const price = unwrapBilling(outcome);
    return { id: price.id, stripePriceId: price.stripePriceId, active: price.active };
  });
