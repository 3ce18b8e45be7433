import { and, desc, eq, ilike, inArray, lt, or, sql } from "drizzle-orm";
import { LIVE_SUBSCRIPTION_STATUSES, type SubscriptionStatus } from "@an/domain";
import type { Executor } from "../client";
import {
  billingCustomers,
  billingEvents,
  billingReconciliationRuns,
  complimentaryGrants,
  plans,
  subscriptionInvoices,
  subscriptions,
  users,
} from "../schema";

export type SubscriberListItem = {
  userId: string;
  email: string | null;
  name: string | null;
  planKey: string | null;
  planTexts: Record<string, { name: string; description: string }> | null;
  status: SubscriptionStatus;
  currency: string;
  amount: number;
  interval: "month" | "year" | null;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  syncedAt: Date;
  createdAt: Date;
  id: string;
};

/**
 * Subscriptions for the admin list, newest first, one row per subscription; `search`
 * matches the email, names or Stripe ids. Keyset-paged on (created_at, id).
 */
export async function listSubscribers(
  ex: Executor,
  params: {
    search?: string;
    status?: SubscriptionStatus | "live";
    planKey?: string;
    cursor: { createdAt: Date; id: string } | null;
    limit: number;
  },
): Promise<{ items: SubscriberListItem[]; nextCursor: { createdAt: Date; id: string } | null }> {
  const like = params.search ? `%${params.search.replace(/[\\%_]/g, "\\$&")}%` : null;
  const rows = await ex
    .select({
      id: subscriptions.id,
      userId: subscriptions.userId,
      email: users.email,
      name: sql<
        string | null
      >`nullif(btrim(concat_ws(' ', ${users.firstName}, ${users.lastName})), '')`,
      planKey: plans.key,
      planTexts: plans.texts,
      status: subscriptions.status,
      currency: subscriptions.currency,
      amount: subscriptions.amount,
      interval: subscriptions.interval,
      currentPeriodEnd: subscriptions.currentPeriodEnd,
      cancelAtPeriodEnd: subscriptions.cancelAtPeriodEnd,
      syncedAt: subscriptions.syncedAt,
      createdAt: subscriptions.createdAt,
    })
    .from(subscriptions)
    .innerJoin(users, eq(users.id, subscriptions.userId))
    .leftJoin(plans, eq(plans.id, subscriptions.planId))
    .where(
      and(
        params.status === "live"
          ? inArray(subscriptions.status, [...LIVE_SUBSCRIPTION_STATUSES])
          : params.status
            ? eq(subscriptions.status, params.status)
            : undefined,
        params.planKey ? eq(plans.key, params.planKey) : undefined,
        like
          ? or(
              ilike(users.email, like),
              ilike(users.firstName, like),
              ilike(users.lastName, like),
              ilike(subscriptions.stripeCustomerId, like),
              ilike(subscriptions.stripeSubscriptionId, like),
              ilike(users.id, like),
            )
          : undefined,
        params.cursor
          ? or(
              lt(subscriptions.createdAt, params.cursor.createdAt),
              and(
                eq(subscriptions.createdAt, params.cursor.createdAt),
                lt(subscriptions.id, params.cursor.id),
              ),
            )
          : undefined,
      ),
    )
    .orderBy(desc(subscriptions.createdAt), desc(subscriptions.id))
    .limit(params.limit + 1);
  const items = rows.slice(0, params.limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor:
      rows.length > params.limit && last ? { createdAt: last.createdAt, id: last.id } : null,
  };
}

/** Everything the subscriber view shows about one user's billing. */
export async function getSubscriberDetail(ex: Executor, userId: string) {
  const [user] = await ex
    .select({
      id: users.id,
      email: users.email,
      firstName: users.firstName,
      lastName: users.lastName,
      locale: users.locale,
    })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  if (!user) return null;
  const [customer] = await ex
    .select({
      stripeCustomerId: billingCustomers.stripeCustomerId,
      syncedAt: billingCustomers.syncedAt,
      lastSyncError: billingCustomers.lastSyncError,
    })
    .from(billingCustomers)
    .where(eq(billingCustomers.userId, userId))
    .limit(1);
  const subs = await ex
    .select({
      id: subscriptions.id,
      stripeSubscriptionId: subscriptions.stripeSubscriptionId,
      stripePriceId: subscriptions.stripePriceId,
      planKey: plans.key,
      status: subscriptions.status,
      currency: subscriptions.currency,
      interval: subscriptions.interval,
      amount: subscriptions.amount,
      currentPeriodStart: subscriptions.currentPeriodStart,
      currentPeriodEnd: subscriptions.currentPeriodEnd,
      cancelAtPeriodEnd: subscriptions.cancelAtPeriodEnd,
      canceledAt: subscriptions.canceledAt,
      endedAt: subscriptions.endedAt,
      trialEnd: subscriptions.trialEnd,
      pastDueSince: subscriptions.pastDueSince,
      duplicate: subscriptions.duplicate,
      allowlisted: sql<boolean>`${subscriptions.planPriceId} is not null`,
      syncedAt: subscriptions.syncedAt,
      createdAt: subscriptions.createdAt,
    })
    .from(subscriptions)
    .leftJoin(plans, eq(plans.id, subscriptions.planId))
    .where(eq(subscriptions.userId, userId))
    .orderBy(desc(subscriptions.createdAt));
  const invoices = await ex
    .select({
      id: subscriptionInvoices.id,
      stripeInvoiceId: subscriptionInvoices.stripeInvoiceId,
      stripeSubscriptionId: subscriptionInvoices.stripeSubscriptionId,
      status: subscriptionInvoices.status,
      billingReason: subscriptionInvoices.billingReason,
      currency: subscriptionInvoices.currency,
      amountDue: subscriptionInvoices.amountDue,
      amountPaid: subscriptionInvoices.amountPaid,
      amountReversed: subscriptionInvoices.amountReversed,
      attemptCount: subscriptionInvoices.attemptCount,
      hostedInvoiceUrl: subscriptionInvoices.hostedInvoiceUrl,
      periodStart: subscriptionInvoices.periodStart,
      periodEnd: subscriptionInvoices.periodEnd,
      paidAt: subscriptionInvoices.paidAt,
      createdAt: subscriptionInvoices.invoiceCreatedAt,
    })
    .from(subscriptionInvoices)
    .where(eq(subscriptionInvoices.userId, userId))
    .orderBy(desc(subscriptionInvoices.invoiceCreatedAt))
    .limit(100);
  const events = await ex
    .select({
      id: billingEvents.id,
      kind: billingEvents.kind,
      summary: billingEvents.summary,
      details: billingEvents.details,
      source: billingEvents.source,
      stripeSubscriptionId: billingEvents.stripeSubscriptionId,
      at: billingEvents.at,
    })
    .from(billingEvents)
    .where(eq(billingEvents.userId, userId))
    .orderBy(desc(billingEvents.at), desc(billingEvents.id))
    .limit(200);
  const grants = await ex
    .select({
      id: complimentaryGrants.id,
      planKey: plans.key,
      reason: complimentaryGrants.reason,
      grantedBy: complimentaryGrants.grantedBy,
      startsAt: complimentaryGrants.startsAt,
      endsAt: complimentaryGrants.endsAt,
      revokedAt: complimentaryGrants.revokedAt,
      revokeReason: complimentaryGrants.revokeReason,
    })
    .from(complimentaryGrants)
    .innerJoin(plans, eq(plans.id, complimentaryGrants.planId))
    .where(eq(complimentaryGrants.userId, userId))
    .orderBy(desc(complimentaryGrants.createdAt));
  return { user, customer: customer ?? null, subscriptions: subs, invoices, events, grants };
}

/** A reconciliation run an admin asked for; the worker's nightly task fills it in. */
export async function insertReconciliationRun(
  ex: Executor,
  params: { requestedBy: string | null; now: Date },
): Promise<{ id: string }> {
  const [row] = await ex
    .insert(billingReconciliationRuns)
    .values({ requestedBy: params.requestedBy, startedAt: params.now })
    .returning({ id: billingReconciliationRuns.id });
  return row!;
}

export async function listReconciliationRuns(ex: Executor, params: { limit: number }) {
  return ex
    .select()
    .from(billingReconciliationRuns)
    .orderBy(desc(billingReconciliationRuns.startedAt))
    .limit(params.limit);
}
