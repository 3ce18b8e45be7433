import { and, asc, count, eq, inArray, ne, sql } from "drizzle-orm";
import {
  type BillingInterval,
  type Entitlements,
  FREE_PLAN_KEY,
  LIVE_SUBSCRIPTION_STATUSES,
  type PlanStatus,
  type PlanText,
} from "@an/domain";
import type { Executor } from "../client";
import { planPrices, plans, subscriptions } from "../schema";

export type PlanRow = typeof plans.$inferSelect;
export type PlanPriceRow = typeof planPrices.$inferSelect;

/**
 * Placeholder a claimed price row carries until the provider has created the price: the
 * column is unique and not null, and no Stripe price id starts with it, so the row is
 * never matched as allowlisted and never offered (it stays inactive until stored).
 */
export const PENDING_PRICE_PREFIX = "pending:";

export async function getPlanByKey(ex: Executor, key: string): Promise<PlanRow | null> {
  const [row] = await ex.select().from(plans).where(eq(plans.key, key)).limit(1);
  return row ?? null;
}

/** The plan row locked for an admin change (the order every plan command takes). */
export async function lockPlanByKey(ex: Executor, key: string): Promise<PlanRow | null> {
  const [row] = await ex.select().from(plans).where(eq(plans.key, key)).limit(1).for("update");
  return row ?? null;
}

export async function getPlanById(ex: Executor, id: string): Promise<PlanRow | null> {
  const [row] = await ex.select().from(plans).where(eq(plans.id, id)).limit(1);
  return row ?? null;
}

/** Every price row of the given plans, active and not, oldest first. */
export async function listPlanPrices(
  ex: Executor,
  planIds: readonly string[],
): Promise<PlanPriceRow[]> {
  if (planIds.length === 0) return [];
  return ex
    .select()
    .from(planPrices)
    .where(inArray(planPrices.planId, [...planIds]))
    .orderBy(asc(planPrices.createdAt), asc(planPrices.id));
}

/**
 * The active price of a plan for a currency and interval: the one a new checkout may use.
 * `lock` takes it `for update` (an admin replacing or removing it).
 */
export async function findActivePrice(
  ex: Executor,
  params: { planId: string; currency: string; interval: BillingInterval; lock?: boolean },
): Promise<PlanPriceRow | null> {
  const query = ex
    .select()
    .from(planPrices)
    .where(
      and(
        eq(planPrices.planId, params.planId),
        eq(planPrices.currency, params.currency),
        eq(planPrices.interval, params.interval),
        eq(planPrices.active, true),
      ),
    )
    .limit(1);
  const [row] = params.lock ? await query.for("update") : await query;
  return row ?? null;
}

/**
 * The allowlist lookup: the plan a Stripe price belongs to, whatever the row's `active`
 * and the plan's status say (existing subscribers keep an old or retired price).
 */
export async function findAllowlistedPrice(
  ex: Executor,
  stripePriceId: string,
): Promise<{ price: PlanPriceRow; plan: PlanRow } | null> {
  const [row] = await ex
    .select({ price: planPrices, plan: plans })
    .from(planPrices)
    .innerJoin(plans, eq(plans.id, planPrices.planId))
    .where(eq(planPrices.stripePriceId, stripePriceId))
    .limit(1);
  return row ?? null;
}

export type PlanWithPrices = PlanRow & { prices: PlanPriceRow[] };

/** Plans with every price row, in pricing-page order; `status` filters when given. */
export async function listPlansWithPrices(
  ex: Executor,
  params: { status?: PlanStatus; includeFree?: boolean } = {},
): Promise<PlanWithPrices[]> {
  const rows = await ex
    .select()
    .from(plans)
    .where(
      and(
        params.status ? eq(plans.status, params.status) : undefined,
        params.includeFree === false ? ne(plans.key, FREE_PLAN_KEY) : undefined,
      ),
    )
    .orderBy(asc(plans.sortOrder), asc(plans.key));
  const prices = await listPlanPrices(
    ex,
    rows.map((p) => p.id),
  );
  return rows.map((p) => ({ ...p, prices: prices.filter((x) => x.planId === p.id) }));
}

/** Live subscriptions per plan (what the admin list shows beside each plan). */
export async function countLiveSubscribersByPlan(ex: Executor): Promise<Map<string, number>> {
  const rows = await ex
    .select({ planId: subscriptions.planId, n: count() })
    .from(subscriptions)
    .where(
      and(
        inArray(subscriptions.status, [...LIVE_SUBSCRIPTION_STATUSES]),
        eq(subscriptions.duplicate, false),
        sql`${subscriptions.planId} is not null`,
      ),
    )
    .groupBy(subscriptions.planId);
  return new Map(rows.map((r) => [r.planId!, r.n]));
}

export async function insertPlan(
  ex: Executor,
  values: {
    key: string;
    texts: Record<string, PlanText>;
    entitlements: Entitlements;
    sortOrder: number;
    now: Date;
  },
): Promise<PlanRow | null> {
  const [row] = await ex
    .insert(plans)
    .values({ ...values, createdAt: values.now, updatedAt: values.now })
    .onConflictDoNothing({ target: plans.key })
    .returning();
  return row ?? null;
}

export async function updatePlanRow(
  ex: Executor,
  id: string,
  set: Partial<
    Pick<PlanRow, "texts" | "entitlements" | "sortOrder" | "status" | "stripeProductId">
  >,
  now: Date,
): Promise<PlanRow> {
  const [row] = await ex
    .update(plans)
    .set({ ...set, updatedAt: now })
    .where(eq(plans.id, id))
    .returning();
  return row!;
}

/**
 * Claims a price row before the provider call, inactive with a placeholder price id. A
 * retry of the same change finds the claimed row ({@link findClaimedPrice}) and so asks the
 * provider with the same idempotency key.
 */
export async function claimPlanPrice(
  ex: Executor,
  values: {
    planId: string;
    currency: string;
    interval: BillingInterval;
    amount: number;
    trialDays: number;
    now: Date;
  },
): Promise<PlanPriceRow> {
  const id = crypto.randomUUID();
  const [row] = await ex
    .insert(planPrices)
    .values({
      id,
      ...values,
      stripePriceId: `${PENDING_PRICE_PREFIX}${id}`,
      active: false,
      createdAt: values.now,
      updatedAt: values.now,
    })
    .returning();
  return row!;
}

/** A price row claimed for the same change and not yet stored (an earlier attempt failed). */
export async function findClaimedPrice(
  ex: Executor,
  params: { planId: string; currency: string; interval: BillingInterval; amount: number },
): Promise<PlanPriceRow | null> {
  const [row] = await ex
    .select()
    .from(planPrices)
    .where(
      and(
        eq(planPrices.planId, params.planId),
        eq(planPrices.currency, params.currency),
        eq(planPrices.interval, params.interval),
        eq(planPrices.amount, params.amount),
        sql`${planPrices.stripePriceId} like ${PENDING_PRICE_PREFIX + "%"}`,
      ),
    )
    .limit(1);
  return row ?? null;
}

export async function updatePlanPriceRow(
  ex: Executor,
  id: string,
  set: Partial<Pick<PlanPriceRow, "stripePriceId" | "active" | "trialDays">>,
  now: Date,
): Promise<PlanPriceRow> {
  const [row] = await ex
    .update(planPrices)
    .set({ ...set, updatedAt: now })
    .where(eq(planPrices.id, id))
    .returning();
  return row!;
}
