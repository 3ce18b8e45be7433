import { getBillingStatus, resumeUserSubscription } from "@an/db";
import { unwrapBilling, withBillingProvider } from "../../errors";
import { protectedProcedure } from "../../trpc/init";
import { emptyInput } from "./schemas";

/** Undoes a cancellation at period end; answers with the synced status. */
export const resume = protectedProcedure.input(emptyInput).mutation(async ({ ctx }) => {
  const outcome = await withBillingProvider(() =>
    resumeUserSubscription(ctx.db, ctx.providers.subscriptions, ctx.billingSync, {
      userId: ctx.user.id,
      now: ctx.now(),
    }),
  );
  unwrapBilling(outcome);
  return getBillingStatus(ctx.db, ctx.user.id, ctx.locale, ctx.now());
});
