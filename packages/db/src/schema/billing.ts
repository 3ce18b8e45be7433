import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import {
  BILLING_INTERVALS,
  type Entitlements,
  LIVE_SUBSCRIPTION_STATUSES,
  PLAN_STATUSES,
  type PlanText,
  SUBSCRIPTION_STATUSES,
} from "@an/domain";
import { timestamps } from "./columns";
import { users } from "./users";

const at = () => timestamp({ withTimezone: true, precision: 3 });

export const planStatus = pgEnum("plan_status", PLAN_STATUSES);
export const billingInterval = pgEnum("billing_interval", BILLING_INTERVALS);
export const subscriptionStatus = pgEnum("subscription_status", SUBSCRIPTION_STATUSES);

/**
 * Platform subscription plans: the price allowlist. The server maps a plan key to one of
 * its prices and never accepts a price id from a caller; a subscription carrying a price
 * that isn't here grants nothing. The plan keyed `free` (no prices) sets what everyone
 * without a subscription may do. Retired plans keep their rows: existing subscribers keep
 * their entitlements, new checkouts are refused.
 */
export const plans = pgTable(
  "plans",
  {
    id: uuid().primaryKey().defaultRandom(),
    key: text().notNull(),
    /** Name and description per locale (`en` always present). */
    texts: jsonb().$type<Record<string, PlanText>>().notNull(),
    entitlements: jsonb().$type<Entitlements>().notNull(),
    status: planStatus().notNull().default("active"),
    /** The Stripe product the prices belong to (the portal's allowlist is per product). */
    stripeProductId: text(),
    /** Order on the pricing page, lowest first. */
    sortOrder: integer().notNull().default(0),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("plans_key_key").on(t.key),
    check("plans_key_format", sql`${t.key} ~ '^[a-z][a-z0-9-]{1,39}$'`),
  ],
);

/**
 * One Stripe price of a plan, per currency and interval. At most one active price per
 * plan, currency and interval; a price change adds a row and deactivates the old one
 * (existing subscribers on the old price keep it, and it stays allowlisted for them).
 */
export const planPrices = pgTable(
  "plan_prices",
  {
    id: uuid().primaryKey().defaultRandom(),
    planId: uuid()
      .notNull()
      .references(() => plans.id),
    currency: text().notNull(),
    interval: billingInterval().notNull(),
    /** Minor units per interval. */
    amount: bigint({ mode: "number" }).notNull(),
    trialDays: integer().notNull().default(0),
    stripePriceId: text().notNull(),
    active: boolean().notNull().default(true),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("plan_prices_stripe_price_key").on(t.stripePriceId),
    uniqueIndex("plan_prices_one_active")
      .on(t.planId, t.currency, t.interval)
      .where(sql`${t.active}`),
    check("plan_prices_amount_positive", sql`${t.amount} > 0`),
    check("plan_prices_trial_days", sql`${t.trialDays} between 0 and 90`),
    check("plan_prices_currency_code", sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);

/**
 * A user's Stripe Customer. The row is claimed first (insert, `stripe_customer_id` null),
 * then the customer is created at Stripe with the idempotency key `customer:<user id>`,
 * then the id is stored: two concurrent checkouts make one customer.
 */
export const billingCustomers = pgTable(
  "billing_customers",
  {
    userId: text()
      .primaryKey()
      .references(() => users.id),
    stripeCustomerId: text(),
    /** The last time a sync read this customer's subscriptions from Stripe and stored them. */
    syncedAt: at(),
    /** Why the last sync failed (provider unavailable …); null when it succeeded. */
    lastSyncError: text(),
    ...timestamps,
  },
  (t) => [uniqueIndex("billing_customers_stripe_key").on(t.stripeCustomerId)],
);

/**
 * A subscription Checkout Session we opened. At most one open per user (a unique index):
 * a second tab asking for a checkout gets the same session, so two tabs can't make two
 * subscriptions.
 */
export const billingCheckouts = pgTable(
  "billing_checkouts",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: text()
      .notNull()
      .references(() => users.id),
    planPriceId: uuid()
      .notNull()
      .references(() => planPrices.id),
    stripeSessionId: text(),
    url: text(),
    status: text({ enum: ["open", "complete", "expired"] })
      .notNull()
      .default("open"),
    expiresAt: at().notNull(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("billing_checkouts_one_open")
      .on(t.userId)
      .where(sql`${t.status} = 'open'`),
    uniqueIndex("billing_checkouts_session_key").on(t.stripeSessionId),
  ],
);

/**
 * Our copy of a subscription as Stripe has it, rewritten by every sync (never patched
 * from an event's payload). `planId`/`planPriceId` null: the price is not on the
 * allowlist, so it grants nothing. Period fields come from the subscription item (where
 * the pinned API version keeps them).
 */
export const subscriptions = pgTable(
  "subscriptions",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: text()
      .notNull()
      .references(() => users.id),
    stripeSubscriptionId: text().notNull(),
    stripeCustomerId: text().notNull(),
    stripePriceId: text().notNull(),
    planId: uuid().references(() => plans.id),
    planPriceId: uuid().references(() => planPrices.id),
    status: subscriptionStatus().notNull(),
    currency: text().notNull(),
    interval: billingInterval(),
    amount: bigint({ mode: "number" }).notNull(),
    currentPeriodStart: at(),
    currentPeriodEnd: at(),
    cancelAtPeriodEnd: boolean().notNull().default(false),
    cancelAt: at(),
    canceledAt: at(),
    endedAt: at(),
    trialEnd: at(),
    /** The oldest unpaid invoice's creation while past due; the grace period runs from it. */
    pastDueSince: at(),
    /** A change scheduled for the period's end (a downgrade): the price it switches to. */
    pendingStripePriceId: text(),
    pendingChangeAt: at(),
    cardBrand: text(),
    cardLast4: text(),
    latestInvoiceId: text(),
    /** The hosted invoice page while the latest invoice is open (fix the card, 3-D Secure). */
    hostedInvoiceUrl: text(),
    /** The latest invoice's payment needs the customer (3-D Secure). */
    actionRequired: boolean().notNull().default(false),
    /** Another live subscription of the same customer is the one that counts. */
    duplicate: boolean().notNull().default(false),
    startedAt: at(),
    syncedAt: at().notNull(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("subscriptions_stripe_key").on(t.stripeSubscriptionId),
    // At most one live subscription per user, enforced by the database.
    uniqueIndex("subscriptions_one_live_per_user")
      .on(t.userId)
      .where(
        sql`${t.status} in (${sql.raw(LIVE_SUBSCRIPTION_STATUSES.map((s) => `'${s}'`).join(", "))}) and not ${t.duplicate}`,
      ),
    index("subscriptions_customer_idx").on(t.stripeCustomerId),
    index("subscriptions_status_idx").on(t.status, t.currentPeriodEnd),
  ],
);

/** Subscription invoices as Stripe has them, and what of each is posted to the ledger. */
export const subscriptionInvoices = pgTable(
  "subscription_invoices",
  {
    id: uuid().primaryKey().defaultRandom(),
    stripeInvoiceId: text().notNull(),
    userId: text()
      .notNull()
      .references(() => users.id),
    stripeCustomerId: text().notNull(),
    stripeSubscriptionId: text(),
    status: text().notNull(),
    billingReason: text(),
    currency: text().notNull(),
    amountDue: bigint({ mode: "number" }).notNull(),
    amountPaid: bigint({ mode: "number" }).notNull(),
    /** Refunded or credited back after payment (the larger of the two; they overlap). */
    amountReversed: bigint({ mode: "number" }).notNull().default(0),
    attemptCount: integer().notNull().default(0),
    nextPaymentAttempt: at(),
    hostedInvoiceUrl: text(),
    periodStart: at(),
    periodEnd: at(),
    paidAt: at(),
    stripeChargeId: text(),
    processingFee: bigint({ mode: "number" }),
    /** What the ledger holds for it: paid amount posted, and reversals posted so far. */
    postedPaid: bigint({ mode: "number" }).notNull().default(0),
    postedReversed: bigint({ mode: "number" }).notNull().default(0),
    invoiceCreatedAt: at().notNull(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("subscription_invoices_stripe_key").on(t.stripeInvoiceId),
    index("subscription_invoices_user_idx").on(t.userId, t.invoiceCreatedAt),
    index("subscription_invoices_charge_idx").on(t.stripeChargeId),
    check("subscription_invoices_currency_code", sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);

/**
 * A plan given without payment, by an admin, with a reason and an end date (audited).
 * Revoking keeps the row.
 */
export const complimentaryGrants = pgTable(
  "complimentary_grants",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: text()
      .notNull()
      .references(() => users.id),
    planId: uuid()
      .notNull()
      .references(() => plans.id),
    reason: text().notNull(),
    grantedBy: text().references(() => users.id),
    startsAt: at().notNull().defaultNow(),
    endsAt: at().notNull(),
    revokedAt: at(),
    revokedBy: text().references(() => users.id),
    revokeReason: text(),
    ...timestamps,
  },
  (t) => [
    index("complimentary_grants_user_idx").on(t.userId, t.endsAt),
    check("complimentary_grants_period", sql`${t.endsAt} > ${t.startsAt}`),
    check("complimentary_grants_reason", sql`length(btrim(${t.reason})) > 0`),
  ],
);

/**
 * What happened to a customer's billing, as we saw it: each sync's changes (status, plan,
 * invoice paid or failed), notices sent, incidents raised, admin actions. The subscriber
 * view's timeline.
 */
export const billingEvents = pgTable(
  "billing_events",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    userId: text().notNull(),
    stripeCustomerId: text(),
    stripeSubscriptionId: text(),
    kind: text().notNull(),
    summary: text().notNull(),
    details: jsonb().notNull().default({}),
    /** What caused it: `webhook:<id>`, `checkout-return`, `reconcile:<run>`, `admin:<user>`. */
    source: text().notNull(),
    at: at().notNull().defaultNow(),
  },
  (t) => [
    index("billing_events_user_idx").on(t.userId, t.at),
    index("billing_events_at_idx").on(t.at),
  ],
);

/** A nightly (or admin-started) re-sync of every customer, and what differed from Stripe. */
export const billingReconciliationRuns = pgTable("billing_reconciliation_runs", {
  id: uuid().primaryKey().defaultRandom(),
  startedAt: at().notNull().defaultNow(),
  finishedAt: at(),
  customersChecked: integer().notNull().default(0),
  customersDiffering: integer().notNull().default(0),
  failures: integer().notNull().default(0),
  /** Per differing customer: the fields that differed, ours and Stripe's. */
  differences: jsonb().notNull().default([]),
  requestedBy: text(),
});
