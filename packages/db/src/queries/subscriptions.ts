import { and, asc, eq, inArray, isNotNull, or } from "drizzle-orm";
import { type Entitlements, type PlanText, planTextFor } from "@an/domain";
import type { Executor } from "../client";
import {
  billingCustomers,
  billingEvents,
  planPrices,
  plans,
  subscriptionInvoices,
  subscriptions,
  users,
} from "../schema";

export type SubscriptionRow = typeof subscriptions.$inferSelect;
export type SubscriptionInvoiceRow = typeof subscriptionInvoices.$inferSelect;
export type BillingCustomerRow = typeof billingCustomers.$inferSelect;

/** The billing row holding a Stripe customer id, or null when the customer isn't ours. */
export async function findBillingCustomerByStripeId(
  ex: Executor,
  params: { stripeCustomerId: string },
): Promise<BillingCustomerRow | null> {
  const [row] = await ex
    .select()
    .from(billingCustomers)
    .where(eq(billingCustomers.stripeCustomerId, params.stripeCustomerId));
  return row ?? null;
}

/** Every Stripe customer we created, for the nightly reconciliation. */
export async function listBillingCustomerIds(ex: Executor): Promise<string[]> {
  const rows = await ex
    .select({ id: billingCustomers.stripeCustomerId })
    .from(billingCustomers)
    .where(isNotNull(billingCustomers.stripeCustomerId))
    .orderBy(asc(billingCustomers.userId));
  return rows.map((r) => r.id!);
}

/** An allowlisted price: the plan price row and what its plan grants. */
export type AllowlistedPrice = {
  stripePriceId: string;
  planPriceId: string;
  planId: string;
  planKey: string;
  texts: Record<string, PlanText>;
  entitlements: Entitlements;
};

/**
 * The allowlisted prices among `priceIds`. Allowlisted means a plan_prices row holds the
 * price id, active or not, whatever the plan's status: existing subscribers keep a price
 * that was replaced and a plan that was retired.
 */
export async function findAllowlistedPrices(
  ex: Executor,
  priceIds: readonly string[],
): Promise<Map<string, AllowlistedPrice>> {
  if (priceIds.length === 0) return new Map();
  const rows = await ex
    .select({
      stripePriceId: planPrices.stripePriceId,
      planPriceId: planPrices.id,
      planId: plans.id,
      planKey: plans.key,
      texts: plans.texts,
      entitlements: plans.entitlements,
    })
    .from(planPrices)
    .innerJoin(plans, eq(plans.id, planPrices.planId))
    .where(inArray(planPrices.stripePriceId, [...new Set(priceIds)]));
  return new Map(rows.map((r) => [r.stripePriceId, r]));
}

/** Our rows of a customer's subscriptions (and of the given Stripe ids), locked for the sync. */
export async function lockCustomerSubscriptions(
  ex: Executor,
  params: { stripeCustomerId: string; stripeSubscriptionIds: readonly string[] },
): Promise<SubscriptionRow[]> {
  const byCustomer = eq(subscriptions.stripeCustomerId, params.stripeCustomerId);
  return ex
    .select()
    .from(subscriptions)
    .where(
      params.stripeSubscriptionIds.length > 0
        ? or(
            byCustomer,
            inArray(subscriptions.stripeSubscriptionId, [...params.stripeSubscriptionIds]),
          )
        : byCustomer,
    )
    .for("update");
}

/** A user's subscriptions, oldest first. */
export async function listUserSubscriptions(
  ex: Executor,
  params: { userId: string },
): Promise<SubscriptionRow[]> {
  return ex
    .select()
    .from(subscriptions)
    .where(eq(subscriptions.userId, params.userId))
    .orderBy(asc(subscriptions.createdAt));
}

export async function getSubscription(
  ex: Executor,
  params: { id: string },
): Promise<SubscriptionRow | null> {
  const [row] = await ex.select().from(subscriptions).where(eq(subscriptions.id, params.id));
  return row ?? null;
}

/** Our row of a Stripe subscription, if a sync has stored it. */
export async function findSubscriptionByStripeId(
  ex: Executor,
  params: { stripeSubscriptionId: string },
): Promise<SubscriptionRow | null> {
  const [row] = await ex
    .select()
    .from(subscriptions)
    .where(eq(subscriptions.stripeSubscriptionId, params.stripeSubscriptionId));
  return row ?? null;
}

/** Our rows of the given Stripe invoices. */
export async function findSubscriptionInvoices(
  ex: Executor,
  params: { stripeInvoiceIds: readonly string[] },
): Promise<SubscriptionInvoiceRow[]> {
  if (params.stripeInvoiceIds.length === 0) return [];
  return ex
    .select()
    .from(subscriptionInvoices)
    .where(inArray(subscriptionInvoices.stripeInvoiceId, [...params.stripeInvoiceIds]))
    .for("update");
}

/** The subscription invoice paid by a charge, for provider reconciliation. */
export async function findSubscriptionInvoicesByCharges(
  ex: Executor,
  params: { chargeIds: readonly string[] },
): Promise<SubscriptionInvoiceRow[]> {
  if (params.chargeIds.length === 0) return [];
  return ex
    .select()
    .from(subscriptionInvoices)
    .where(inArray(subscriptionInvoices.stripeChargeId, [...params.chargeIds]));
}

/** A customer's billing timeline, oldest first. */
export async function listBillingEvents(
  ex: Executor,
  params: { userId: string; kind?: string },
): Promise<(typeof billingEvents.$inferSelect)[]> {
  return ex
    .select()
    .from(billingEvents)
    .where(
      params.kind
        ? and(eq(billingEvents.userId, params.userId), eq(billingEvents.kind, params.kind))
        : eq(billingEvents.userId, params.userId),
    )
    .orderBy(asc(billingEvents.id));
}

/** A plan's name in the user's locale (for notices), or null when either is gone. */
export async function planNameForUser(
  ex: Executor,
  params: { planId: string; userId: string },
): Promise<string | null> {
  const [row] = await ex
    .select({ texts: plans.texts, locale: users.locale })
    .from(plans)
    .innerJoin(users, eq(users.id, params.userId))
    .where(eq(plans.id, params.planId));
  return row ? planTextFor(row.texts, row.locale).name : null;
}
