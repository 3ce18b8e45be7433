import { type PlanWithPrices, PENDING_PRICE_PREFIX } from "@an/db";
import { type BillingInterval, type Entitlements, planTextFor } from "@an/domain";
import type { Context } from "../../trpc/context";

/** A plan as the pricing page shows it, in the caller's locale. */
export type PlanView = {
  key: string;
  name: string;
  description: string;
  entitlements: Entitlements;
  prices: { currency: string; interval: BillingInterval; amount: number; trialDays: number }[];
  sortOrder: number;
};

/** Only prices a checkout may use: active and stored at the provider. */
export function planView(plan: PlanWithPrices, locale: string, currency?: string): PlanView {
  const text = planTextFor(plan.texts, locale);
  return {
    key: plan.key,
    name: text.name,
    description: text.description,
    entitlements: plan.entitlements,
    prices: plan.prices
      .filter(
        (p) =>
          p.active &&
          !p.stripePriceId.startsWith(PENDING_PRICE_PREFIX) &&
          (!currency || p.currency === currency),
      )
      .map((p) => ({
        currency: p.currency,
        interval: p.interval,
        amount: p.amount,
        trialDays: p.trialDays,
      })),
    sortOrder: plan.sortOrder,
  };
}

/** The signed-in user as the provider's customer is created for them. */
export function billingUser(ctx: Context & { user: NonNullable<Context["user"]> }) {
  const name = [ctx.user.firstName, ctx.user.lastName].filter(Boolean).join(" ");
  return {
    id: ctx.user.id,
    email: ctx.user.email,
    name: name || null,
    locale: ctx.user.locale ?? ctx.locale,
  };
}

/**
 * Where Stripe sends the user back: the client app (in development the console's sandbox,
 * which `CLIENT_APP_URL` points at, as for consultation checkouts), which calls
 * `billing.syncAfterCheckout` so access is there before the webhook arrives. Stripe fills
 * in `{CHECKOUT_SESSION_ID}`.
 */
export function billingReturnUrls(ctx: Context): {
  successUrl: string;
  cancelUrl: string;
  returnUrl: string;
} {
  const base = ctx.billing.clientAppUrl;
  return {
    successUrl: `${base}?billing=returned&session_id={CHECKOUT_SESSION_ID}`,
    cancelUrl: `${base}?billing=canceled`,
    returnUrl: `${base}?billing=portal`,
  };
}
