import type { CurrencyCode } from "./money";

/*
 * Platform subscriptions: the plans a client can subscribe to on Stripe Billing, what each
 * grants, and how what a user may do follows from the subscription state we synced from
 * Stripe. Pure rules: the sync, the checkout and the gate call these.
 */

/** Stripe's subscription statuses, as it sends them. */
export const SUBSCRIPTION_STATUSES = [
  "incomplete",
  "incomplete_expired",
  "trialing",
  "active",
  "past_due",
  "unpaid",
  "canceled",
  "paused",
] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/**
 * Statuses in which a subscription still exists at the provider and may bill again: a user
 * has at most one of these (a partial unique index), and a new checkout is refused while
 * one is there. `incomplete` counts: its first invoice may still be paid.
 */
export const LIVE_SUBSCRIPTION_STATUSES = [
  "incomplete",
  "trialing",
  "active",
  "past_due",
  "unpaid",
  "paused",
] as const satisfies readonly SubscriptionStatus[];

export function isLiveSubscriptionStatus(status: SubscriptionStatus): boolean {
  return (LIVE_SUBSCRIPTION_STATUSES as readonly string[]).includes(status);
}

export const BILLING_INTERVALS = ["month", "year"] as const;
export type BillingInterval = (typeof BILLING_INTERVALS)[number];

export const PLAN_STATUSES = ["active", "retired"] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/** A plan key: lowercase letters, digits and dashes, starting with a letter (2–40). */
export const PLAN_KEY_PATTERN = /^[a-z][a-z0-9-]{1,39}$/;

/**
 * The key of the plan whose entitlements apply to everyone without a subscription or a
 * grant. It has no prices and can't be checked out; admins edit what it grants like any
 * plan's. When no such plan exists, {@link DEFAULT_FREE_ENTITLEMENTS} apply.
 */
export const FREE_PLAN_KEY = "free";

/** What a plan grants. Extend with care: every plan row stores these. */
export type Entitlements = {
  /** May invite advisors into a project's chat. */
  inviteAdvisors: boolean;
  /** How many advisors may be invited into or members of one project at once (0–100). */
  maxAdvisorsPerProject: number;
  /** May buy async advice passes. */
  buyPasses: boolean;
};
export const MAX_ADVISORS_PER_PROJECT_LIMIT = 100;

/** Nothing at all: what a subscription with a price outside the allowlist grants. */
export const NO_ENTITLEMENTS: Entitlements = {
  inviteAdvisors: false,
  maxAdvisorsPerProject: 0,
  buyPasses: false,
};

/**
 * Without any subscription: one advisor in a project's chat at a time, and passes. A plan
 * keyed {@link FREE_PLAN_KEY} overrides this.
 */
export const DEFAULT_FREE_ENTITLEMENTS: Entitlements = {
  inviteAdvisors: true,
  maxAdvisorsPerProject: 1,
  buyPasses: true,
};

/** The most generous of each entitlement across everything a user holds. */
export function combineEntitlements(all: readonly Entitlements[]): Entitlements {
  return all.reduce<Entitlements>(
    (acc, e) => ({
      inviteAdvisors: acc.inviteAdvisors || e.inviteAdvisors,
      maxAdvisorsPerProject: Math.max(
        acc.maxAdvisorsPerProject,
        e.inviteAdvisors ? e.maxAdvisorsPerProject : 0,
      ),
      buyPasses: acc.buyPasses || e.buyPasses,
    }),
    NO_ENTITLEMENTS,
  );
}

/** Days a past-due subscription keeps its access while Stripe retries the card. */
export const DEFAULT_PAST_DUE_GRACE_DAYS = 7;

/** Days before a trial ends that the user is reminded. */
export const TRIAL_REMINDER_DAYS = 3;

/** A subscription as the entitlement rule sees it (our synced copy of Stripe's). */
export type SubscriptionStanding = {
  status: SubscriptionStatus;
  /** The plan its price belongs to; null when the price is not on the allowlist. */
  entitlements: Entitlements | null;
  /** When it first became past due (the oldest unpaid invoice's creation); null otherwise. */
  pastDueSince: Date | null;
  /** Set when the provider holds another live subscription for this customer that won. */
  duplicate?: boolean;
};

export type ComplimentaryGrant = {
  entitlements: Entitlements;
  startsAt: Date;
  endsAt: Date;
  revokedAt: Date | null;
};

/** Why a subscription does or doesn't give access right now. */
export type AccessReason =
  | "active"
  | "trialing"
  | "past_due_grace"
  | "past_due_expired"
  | "not_allowlisted"
  | "duplicate"
  | "inactive";

export function subscriptionAccess(
  sub: SubscriptionStanding,
  now: Date,
  graceDays: number = DEFAULT_PAST_DUE_GRACE_DAYS,
): { grants: boolean; reason: AccessReason } {
  if (sub.duplicate) return { grants: false, reason: "duplicate" };
  if (sub.status === "active") {
    return sub.entitlements
      ? { grants: true, reason: "active" }
      : { grants: false, reason: "not_allowlisted" };
  }
  if (sub.status === "trialing") {
    return sub.entitlements
      ? { grants: true, reason: "trialing" }
      : { grants: false, reason: "not_allowlisted" };
  }
  if (sub.status === "past_due") {
    if (!sub.entitlements) return { grants: false, reason: "not_allowlisted" };
    const since = sub.pastDueSince ?? now;
    const within = now.getTime() - since.getTime() < graceDays * 86_400_000;
    return within
      ? { grants: true, reason: "past_due_grace" }
      : { grants: false, reason: "past_due_expired" };
  }
  return { grants: false, reason: "inactive" };
}

export function grantIsCurrent(grant: ComplimentaryGrant, now: Date): boolean {
  return (
    grant.revokedAt === null &&
    grant.startsAt.getTime() <= now.getTime() &&
    now.getTime() < grant.endsAt.getTime()
  );
}

/**
 * What a user may do: the most generous of the free tier, every subscription that grants
 * access, and every current complimentary grant. A subscription whose price is not on the
 * allowlist adds nothing.
 */
export function entitlementsFor(input: {
  free: Entitlements;
  subscriptions: readonly SubscriptionStanding[];
  grants: readonly ComplimentaryGrant[];
  now: Date;
  graceDays?: number;
}): Entitlements {
  const held: Entitlements[] = [input.free];
  for (const sub of input.subscriptions) {
    if (subscriptionAccess(sub, input.now, input.graceDays).grants && sub.entitlements) {
      held.push(sub.entitlements);
    }
  }
  for (const grant of input.grants) {
    if (grantIsCurrent(grant, input.now)) held.push(grant.entitlements);
  }
  return combineEntitlements(held);
}

/** A plan's name and description in one locale. */
export type PlanText = { name: string; description: string };

/**
 * The plan's text in `locale`, falling back regional → base language → English → any.
 * Plans must carry English (the schema for creating one requires it).
 */
export function planTextFor(texts: Record<string, PlanText>, locale: string): PlanText {
  const base = locale.split("-")[0]!;
  return (
    texts[locale] ??
    texts[base] ??
    texts.en ??
    Object.values(texts)[0] ?? { name: "?", description: "" }
  );
}

/** One price of a plan: a Stripe price for a currency and interval. */
export type PlanPriceView = {
  currency: CurrencyCode;
  interval: BillingInterval;
  /** Minor units per interval. */
  amount: number;
  trialDays: number;
};

/**
 * Whether moving from one price to another is an upgrade (prorated and invoiced at once)
 * or a downgrade (takes effect at the end of the period). Compared per day, so a yearly
 * price and a monthly one compare fairly; same currency only (the portal switches within
 * a currency).
 */
export function planChangeKind(
  from: Pick<PlanPriceView, "amount" | "interval">,
  to: Pick<PlanPriceView, "amount" | "interval">,
): "upgrade" | "downgrade" | "same" {
  const perDay = (p: Pick<PlanPriceView, "amount" | "interval">) =>
    p.amount / (p.interval === "year" ? 365 : 30);
  const a = perDay(from);
  const b = perDay(to);
  if (b > a) return "upgrade";
  if (b < a) return "downgrade";
  return from.interval === to.interval ? "same" : to.interval === "year" ? "upgrade" : "downgrade";
}

/** Trial days a price may offer (Stripe allows up to 730; we keep it short). */
export const MAX_TRIAL_DAYS = 90;

/** Messages to a subscriber, rendered in their locale (`billing_notice`). */
export const BILLING_NOTICES = [
  "subscription_started",
  "trial_ending",
  "payment_failed",
  "payment_action_required",
  "payment_recovered",
  "subscription_canceling",
  "subscription_ended",
  "plan_changed",
  "complimentary_granted",
] as const;
export type BillingNotice = (typeof BILLING_NOTICES)[number];
