import { syncUserBilling } from "@an/db";
import { AppError, withBillingProvider } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { userInput } from "../billing/schemas";

/** Re-reads one user's customer from Stripe now; says what changed. */
export const resync = adminProcedure.input(userInput).mutation(async ({ ctx, input }) => {
  const outcome = await withBillingProvider(() =>
    syncUserBilling(ctx.db, ctx.billingSync, {
      userId: input.userId,
      source: `admin:${ctx.user.id}`,
    }),
  );
  if (!outcome.synced) throw new AppError("NO_BILLING_CUSTOMER");
  const result = (outcome.result ?? {}) as { changed?: boolean; differences?: unknown[] };
  return { changed: result.changed ?? false, differences: result.differences ?? [] };
});
