import { and, desc, eq, gt, inArray, isNull, lte } from "drizzle-orm";
import {
  type BillingInterval,
  DAY_MS,
  DEFAULT_FREE_ENTITLEMENTS,
  DEFAULT_PAST_DUE_GRACE_DAYS,
  type Entitlements,
  entitlementsFor,
  FREE_PLAN_KEY,
  LIVE_SUBSCRIPTION_STATUSES,
  planTextFor,
  subscriptionAccess,
  type SubscriptionStatus,
} from "@an/domain";
import type { Executor } from "../client";
import { complimentaryGrants, plans, subscriptions } from "../schema";
import { findAllowlistedPrice, getPlanByKey } from "./plans";

export type SubscriptionRow = typeof subscriptions.$inferSelect;
export type EntitlementSource = "free" | "subscription" | "complimentary";

/** What a user may do now, and why. */
export type UserEntitlements = {
  entitlements: Entitlements;
  source: EntitlementSource;
  /** The live subscription that counts (not a duplicate), if any. */
  subscription: SubscriptionRow | null;
};

/** What the `free` plan grants, or the built-in default when no such plan exists. */
export async function getFreeEntitlements(ex: Executor): Promise<Entitlements> {
  const free = await getPlanByKey(ex, FREE_PLAN_KEY);
  return free?.entitlements ?? DEFAULT_FREE_ENTITLEMENTS;
}

/** The user's live subscription that counts (at most one: a partial unique index). */
export async function getLiveSubscription(
  ex: Executor,
  userId: string,
): Promise<SubscriptionRow | null> {
  const [row] = await ex
    .select()
    .from(subscriptions)
    .where(
      and(
        eq(subscriptions.userId, userId),
        inArray(subscriptions.status, [...LIVE_SUBSCRIPTION_STATUSES]),
        eq(subscriptions.duplicate, false),
      ),
    )
    .orderBy(desc(subscriptions.createdAt))
    .limit(1);
  return row ?? null;
}

/** Grants in force at `now` (not revoked, started, not ended), with their plan. */
export async function listCurrentGrants(ex: Executor, userId: string, now: Date) {
  return ex
    .select({
      id: complimentaryGrants.id,
      planId: complimentaryGrants.planId,
      planKey: plans.key,
      planTexts: plans.texts,
      entitlements: plans.entitlements,
      startsAt: complimentaryGrants.startsAt,
      endsAt: complimentaryGrants.endsAt,
      revokedAt: complimentaryGrants.revokedAt,
    })
    .from(complimentaryGrants)
    .innerJoin(plans, eq(plans.id, complimentaryGrants.planId))
    .where(
      and(
        eq(complimentaryGrants.userId, userId),
        isNull(complimentaryGrants.revokedAt),
        lte(complimentaryGrants.startsAt, now),
        gt(complimentaryGrants.endsAt, now),
      ),
    )
    .orderBy(desc(complimentaryGrants.endsAt));
}

/**
 * What `userId` may do at `now`, computed from the synced subscriptions, the current
 * complimentary grants and the free tier (the most generous of each entitlement). A
 * subscription whose price is off the allowlist (`planId` null) grants nothing; a past-due
 * one grants within the grace period. Checked on every gated command, in its transaction.
 */
export async function getEntitlements(
  ex: Executor,
  userId: string,
  now: Date,
): Promise<UserEntitlements> {
  const free = await getFreeEntitlements(ex);
  const subs = await ex
    .select({ sub: subscriptions, entitlements: plans.entitlements })
    .from(subscriptions)
    .leftJoin(plans, eq(plans.id, subscriptions.planId))
    .where(
      and(
        eq(subscriptions.userId, userId),
        inArray(subscriptions.status, [...LIVE_SUBSCRIPTION_STATUSES]),
      ),
    )
    .orderBy(desc(subscriptions.createdAt));
  const standings = subs.map(({ sub, entitlements }) => ({
    status: sub.status,
    entitlements: sub.planId ? entitlements : null,
    pastDueSince: sub.pastDueSince,
    duplicate: sub.duplicate,
  }));
  const grants = await listCurrentGrants(ex, userId, now);
  const entitlements = entitlementsFor({
    free,
    subscriptions: standings,
    grants: grants.map((g) => ({
      entitlements: g.entitlements,
      startsAt: g.startsAt,
      endsAt: g.endsAt,
      revokedAt: g.revokedAt,
    })),
    now,
  });
  const granting = standings.some((s) => subscriptionAccess(s, now).grants);
  const source: EntitlementSource = granting
    ? "subscription"
    : grants.length > 0
      ? "complimentary"
      : "free";
  const counting = subs.find(({ sub }) => !sub.duplicate)?.sub ?? null;
  return { entitlements, source, subscription: counting };
}

/** A user's billing as the client and the console show it (`billing.status`). */
export type BillingStatus = {
  subscription: null | {
    id: string;
    planKey: string | null;
    planName: string | null;
    status: SubscriptionStatus;
    currency: string;
    interval: BillingInterval | null;
    amount: number;
    currentPeriodEnd: Date | null;
    cancelAtPeriodEnd: boolean;
    trialEnd: Date | null;
    card: { brand: string; last4: string } | null;
    pastDueSince: Date | null;
    graceEndsAt: Date | null;
    hostedInvoiceUrl: string | null;
    actionRequired: boolean;
    pending: { planKey: string | null; planName: string | null; at: Date } | null;
    allowlisted: boolean;
  };
  entitlements: Entitlements;
  source: EntitlementSource;
  grants: { id: string; planKey: string; planName: string; endsAt: Date }[];
};

/** {@link BillingStatus} for `userId` at `now`, plan names in `locale`. */
export async function getBillingStatus(
  ex: Executor,
  userId: string,
  locale: string,
  now: Date,
): Promise<BillingStatus> {
  const current = await getEntitlements(ex, userId, now);
  const grants = await listCurrentGrants(ex, userId, now);
  const sub = current.subscription;
  let subscription: BillingStatus["subscription"] = null;
  if (sub) {
    const plan = sub.planId
      ? (await ex.select().from(plans).where(eq(plans.id, sub.planId)).limit(1))[0]
      : undefined;
    const pendingPlan =
      sub.pendingStripePriceId && sub.pendingChangeAt
        ? await findAllowlistedPrice(ex, sub.pendingStripePriceId)
        : null;
    subscription = {
      id: sub.id,
      planKey: plan?.key ?? null,
      planName: plan ? planTextFor(plan.texts, locale).name : null,
      status: sub.status,
      currency: sub.currency,
      interval: sub.interval,
      amount: sub.amount,
      currentPeriodEnd: sub.currentPeriodEnd,
      cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
      trialEnd: sub.trialEnd,
      card: sub.cardBrand && sub.cardLast4 ? { brand: sub.cardBrand, last4: sub.cardLast4 } : null,
      pastDueSince: sub.pastDueSince,
      graceEndsAt:
        sub.status === "past_due" && sub.pastDueSince
          ? new Date(sub.pastDueSince.getTime() + DEFAULT_PAST_DUE_GRACE_DAYS * DAY_MS)
          : null,
      hostedInvoiceUrl: sub.hostedInvoiceUrl,
      actionRequired: sub.actionRequired,
      pending:
        sub.pendingStripePriceId && sub.pendingChangeAt
          ? {
              planKey: pendingPlan?.plan.key ?? null,
              planName: pendingPlan ? planTextFor(pendingPlan.plan.texts, locale).name : null,
              at: sub.pendingChangeAt,
            }
          : null,
      allowlisted: sub.planPriceId !== null,
    };
  }
  return {
    subscription,
    entitlements: current.entitlements,
    source: current.source,
    grants: grants.map((g) => ({
      id: g.id,
      planKey: g.planKey,
      planName: planTextFor(g.planTexts, locale).name,
      endsAt: g.endsAt,
    })),
  };
}
