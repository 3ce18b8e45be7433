import { openBillingPortal } from "@an/db";
import { unwrapBilling, withBillingProvider } from "../../errors";
import { protectedProcedure } from "../../trpc/init";
import { emptyInput } from "./schemas";
import { billingReturnUrls } from "./views";

/** A customer portal session; plan switches limited to the allowlisted prices. */
export const portal = protectedProcedure.input(emptyInput).mutation(async ({ ctx }) => {
  const opened = await withBillingProvider(() =>
    openBillingPortal(ctx.db, ctx.providers.subscriptions, {
      userId: ctx.user.id,
      returnUrl: billingReturnUrls(ctx).returnUrl,
      locale: ctx.locale,
    }),
  );
  return { url: unwrapBilling(opened).url };
});
