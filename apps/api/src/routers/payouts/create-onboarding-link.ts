import { ProviderRejectedError, ProviderUnavailableError } from "@an/billing";
import { getPayoutAccount, insertPayoutAccount } from "@an/db";
import { z } from "zod";
import { AppError } from "../../errors";
import { advisorProcedure } from "../../trpc/init";
import { requireAdvisor } from "./advisor-guard";

/**
 * A fresh Stripe onboarding link for the calling advisor, creating their Express account
 * on first use. Links are single-use and expire within minutes, so each click mints one
 * and nothing stores or logs the url. Two clicks never make two accounts: the provider
 * call carries an idempotency key derived from the advisor, and the row is keyed by them.
 */
export const createOnboardingLink = advisorProcedure
  .input(z.object({}).strict().prefault({}))
  .mutation(async ({ ctx }) => {
    await requireAdvisor(ctx.db, ctx.user.id);
    const payments = ctx.providers.payments;
    try {
      let account = await getPayoutAccount(ctx.db, { advisorId: ctx.user.id });
      if (!account) {
        const created = await payments.createExpressAccount({
          advisorId: ctx.user.id,
          email: ctx.user.email ?? null,
          country: ctx.billing.connect.country,
          idempotencyKey: `account:${ctx.user.id}`,
        });
        account = await ctx.db.transaction((tx) =>
          insertPayoutAccount(tx, { advisorId: ctx.user.id, account: created, now: ctx.now() }),
        );
      }
      const base = `${ctx.billing.clientAppUrl}/payouts/onboarding`;
      const link = await payments.createAccountLink({
        accountId: account.providerAccountId,
        // Stripe sends the advisor to refresh_url when the link is stale: the page there asks
        // us for a new one.
        refreshUrl: `${base}?refresh=1`,
        returnUrl: `${base}?return=1`,
      });
      return { url: link.url, expiresAt: link.expiresAt };
    } catch (error) {
      if (error instanceof ProviderUnavailableError || error instanceof ProviderRejectedError) {
        throw new AppError("PAYMENT_PROVIDER_UNAVAILABLE", {}, { cause: error });
      }
      throw error;
    }
  });
