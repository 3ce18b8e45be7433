import { ProviderRejectedError, ProviderUnavailableError } from "@an/billing";
import { getAdvisorCountry, getPayoutAccount, insertPayoutAccount } from "@an/db";
import { planConnectAccount } from "@an/domain";
import { z } from "zod";
import { AppError, connectRegionAppError } from "../../errors";
import { advisorProcedure } from "../../trpc/init";
import { requireAdvisor } from "./advisor-guard";

/**
 * A fresh Stripe onboarding link for the calling advisor, creating their Express account
 * on first use. Links are single-use and expire within minutes, so each click mints one
 * and nothing stores or logs the url. Two clicks never make two accounts: the provider
 * call carries an idempotency key derived from the advisor, and the row is keyed by them.
 *
 * The account is created in the advisor's country (the platform's for advisors approved
 * before it was asked), under the agreement the domain's region rule gives: `full` in the
 * platform's region, `recipient` across the borders Stripe allows. Elsewhere it is
 * CONNECT_COUNTRY_NOT_SUPPORTED (400) and nothing is asked of Stripe.
 */
export const createOnboardingLink = advisorProcedure
  .input(z.object({}).strict().prefault({}))
  .mutation(async ({ ctx }) => {
    await requireAdvisor(ctx.db, ctx.user.id);
    const payments = ctx.providers.payments;
    try {
      let account = await getPayoutAccount(ctx.db, { advisorId: ctx.user.id });
      if (!account) {
        const advisor = await getAdvisorCountry(ctx.db, { advisorId: ctx.user.id });
        const plan = planConnectAccount({
          platformCountry: ctx.billing.connect.country,
          advisorCountry: advisor?.country ?? null,
        });
        if (!plan.ok) throw connectRegionAppError(plan.error, ctx.locale);
        const created = await payments.createExpressAccount({
          advisorId: ctx.user.id,
          email: ctx.user.email ?? null,
          country: plan.value.country,
          serviceAgreement: plan.value.serviceAgreement,
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
