import { getBillingStatus, syncUserBilling } from "@an/db";
import { withBillingProvider } from "../../errors";
import { protectedProcedure } from "../../trpc/init";
import { syncAfterCheckoutInput } from "./schemas";

/**
 * Re-reads the caller's customer from Stripe when they come back from Checkout, so access
 * is there at once rather than when the webhook arrives. `sessionId` is informational: the
 * sync reads everything the customer has, whatever session the caller names.
 */
export const syncAfterCheckout = protectedProcedure
  .input(syncAfterCheckoutInput)
  .mutation(async ({ ctx }) => {
    await withBillingProvider(() =>
      syncUserBilling(ctx.db, ctx.billingSync, { userId: ctx.user.id, source: "checkout-return" }),
    );
    return getBillingStatus(ctx.db, ctx.user.id, ctx.locale, ctx.now());
  });
