import { cancelUserSubscription, getBillingStatus } from "@an/db";
import { unwrapBilling, withBillingProvider } from "../../errors";
import { protectedProcedure } from "../../trpc/init";
import { cancelInput } from "./schemas";

/** Cancels the caller's subscription now or at the period's end; answers with the synced status. */
export const cancel = protectedProcedure.input(cancelInput).mutation(async ({ ctx, input }) => {
  const outcome = await withBillingProvider(() =>
    cancelUserSubscription(ctx.db, ctx.providers.subscriptions, ctx.billingSync, {
      userId: ctx.user.id,
      atPeriodEnd: input.atPeriodEnd,
      reason: input.reason?.length ? input.reason : null,
      now: ctx.now(),
    }),
  );
  unwrapBilling(outcome);
  return getBillingStatus(ctx.db, ctx.user.id, ctx.locale, ctx.now());
});
