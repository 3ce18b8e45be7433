import { startSubscriptionCheckout } from "@an/db";
import { unwrapBilling, withBillingProvider } from "../../errors";
import { protectedProcedure } from "../../trpc/init";
import { checkoutInput } from "./schemas";
import { billingReturnUrls, billingUser } from "./views";

/**
 * A Checkout Session (subscription mode) for the plan's price in that currency and
 * interval. A second tab gets the same session (`reused`); refusals happen before any
 * provider call.
 */
export const checkout = protectedProcedure.input(checkoutInput).mutation(async ({ ctx, input }) => {
  const urls = billingReturnUrls(ctx);
  const started = await withBillingProvider(() =>
    startSubscriptionCheckout(ctx.db, ctx.providers.subscriptions, {
      user: billingUser(ctx),
      planKey: input.planKey,
      currency: input.currency,
      interval: input.interval,
      successUrl: urls.successUrl,
      cancelUrl: urls.cancelUrl,
      locale: ctx.locale,
      now: ctx.now(),
    }),
  );
  const { url, checkoutId, reused } = unwrapBilling(started);
  return { url, checkoutId, reused };
});
