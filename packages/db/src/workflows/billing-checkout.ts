import { and, eq } from "drizzle-orm";
import {
  type BillingInterval,
  err,
  FREE_PLAN_KEY,
  isLiveSubscriptionStatus,
  ok,
  type Result,
} from "@an/domain";
import type { Db, Executor } from "../client";
import { getLiveSubscription } from "../queries/entitlements";
import { findSubscriptionByStripeId, type SubscriptionRow } from "../queries/subscriptions";
import { findActivePrice, getPlanByKey, PENDING_PRICE_PREFIX } from "../queries/plans";
import { billingCheckouts, billingCustomers, billingEvents, planPrices, plans } from "../schema";
import type { SubscriptionProviderCalls, SyncCustomer } from "./billing-sync-port";

/** Why a subscriber's command was refused; nothing was asked of the provider. */
export type BillingCommandError =
  | { code: "PLAN_NOT_FOUND"; planKey: string }
  | { code: "PLAN_RETIRED"; planKey: string }
  | { code: "PLAN_PRICE_NOT_OFFERED"; planKey: string; currency: string; interval: BillingInterval }
  | { code: "SUBSCRIPTION_EXISTS" }
  | { code: "NO_BILLING_CUSTOMER" }
  | { code: "NO_LIVE_SUBSCRIPTION" }
  | { code: "SUBSCRIPTION_NOT_CANCELING" };

export type BillingUser = {
  id: string;
  email: string | null;
  name: string | null;
  locale: string | null;
};

/** How long a subscription Checkout Session stays open (Stripe allows 30 minutes to 24 hours). */
export const SUBSCRIPTION_CHECKOUT_MINUTES = 60;
/** An open session closer than this to its expiry is replaced rather than handed out again. */
const REUSE_MARGIN_MS = 5 * 60_000;

/**
 * The user's Stripe customer id, creating the customer on first use. The row is claimed
 * first (insert on conflict do nothing); the creator then holds it `for update` across the
 * provider call, so a concurrent caller waits on the row and reuses the stored id. The
 * idempotency key `customer:<user id>` makes a retry after a crash return the same customer.
 */
export async function ensureBillingCustomer(
  db: Db,
  port: Pick<SubscriptionProviderCalls, "createCustomer">,
  user: BillingUser,
): Promise<string> {
  await db.insert(billingCustomers).values({ userId: user.id }).onConflictDoNothing();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(billingCustomers)
      .where(eq(billingCustomers.userId, user.id))
      .for("update");
    if (row?.stripeCustomerId) return row.stripeCustomerId;
    const created = await port.createCustomer({
      userId: user.id,
      email: user.email,
      name: user.name,
      locale: user.locale,
      idempotencyKey: `customer:${user.id}`,
    });
    await tx
      .update(billingCustomers)
      .set({ stripeCustomerId: created.id, updatedAt: new Date() })
      .where(eq(billingCustomers.userId, user.id));
    return created.id;
  });
}

export async function getBillingCustomer(ex: Executor, userId: string) {
  const [row] = await ex
    .select()
    .from(billingCustomers)
    .where(eq(billingCustomers.userId, userId))
    .limit(1);
  return row ?? null;
}

export type CheckoutStarted = { url: string; checkoutId: string; reused: boolean };

/**
 * Opens (or hands out again) a subscription Checkout Session for the plan's active price in
 * `currency` and `interval`. Every refusal (unknown or retired plan, price not offered, a
 * live subscription) comes before any provider call. The user's billing row is locked
 * across the session's creation, so two tabs get the same session; the unique index "one
 * open checkout per user" backs that up.
 */
export async function startSubscriptionCheckout(
  db: Db,
  port: Pick<
    SubscriptionProviderCalls,
    | "createCustomer"
    | "createSubscriptionCheckout"
    | "retrieveSubscriptionCheckout"
    | "expireSubscriptionCheckout"
  >,
  input: {
    user: BillingUser;
    planKey: string;
    currency: string;
    interval: BillingInterval;
    successUrl: string;
    cancelUrl: string;
    locale?: string;
    now: Date;
  },
): Promise<Result<CheckoutStarted, BillingCommandError>> {
  const plan = await getPlanByKey(db, input.planKey);
  if (!plan || plan.key === FREE_PLAN_KEY) {
    return err({ code: "PLAN_NOT_FOUND", planKey: input.planKey });
  }
  if (plan.status === "retired") return err({ code: "PLAN_RETIRED", planKey: input.planKey });
  const price = await findActivePrice(db, {
    planId: plan.id,
    currency: input.currency,
    interval: input.interval,
  });
  if (!price || price.stripePriceId.startsWith(PENDING_PRICE_PREFIX)) {
    return err({
      code: "PLAN_PRICE_NOT_OFFERED",
      planKey: input.planKey,
      currency: input.currency,
      interval: input.interval,
    });
  }
  if (await getLiveSubscription(db, input.user.id)) return err({ code: "SUBSCRIPTION_EXISTS" });

  const customerId = await ensureBillingCustomer(db, port, input.user);
  return db.transaction(async (tx) => {
    await tx
      .select({ userId: billingCustomers.userId })
      .from(billingCustomers)
      .where(eq(billingCustomers.userId, input.user.id))
      .for("update");
    // Re-checked under the lock: a checkout finished in another tab may have synced meanwhile.
    if (await getLiveSubscription(tx, input.user.id)) return err({ code: "SUBSCRIPTION_EXISTS" });
    const [open] = await tx
      .select()
      .from(billingCheckouts)
      .where(and(eq(billingCheckouts.userId, input.user.id), eq(billingCheckouts.status, "open")))
      .for("update");
    if (open) {
      // Our row says open; the provider says whether it still is (the client may have paid
      // it in another tab, or it expired without us hearing yet).
      const session = open.stripeSessionId
        ? await port.retrieveSubscriptionCheckout(open.stripeSessionId)
        : null;
      if (session?.status === "complete") {
        // Paid: unless the subscription it made is one we know has ended since, this is a
        // second subscription in the making. The return from Checkout syncs it.
        const made = session.subscriptionId
          ? await findSubscriptionByStripeId(tx, { stripeSubscriptionId: session.subscriptionId })
          : null;
        if (!made || isLiveSubscriptionStatus(made.status)) {
          return err({ code: "SUBSCRIPTION_EXISTS" });
        }
      }
      const fresh = open.expiresAt.getTime() - input.now.getTime() > REUSE_MARGIN_MS;
      if (session?.status === "open" && fresh && open.planPriceId === price.id && open.url) {
        return ok({ url: open.url, checkoutId: open.id, reused: true });
      }
      if (session?.status === "open") {
        // Another price was chosen (or it is about to expire): close the old session so it
        // can't also be paid.
        await port.expireSubscriptionCheckout({
          sessionId: session.id,
          idempotencyKey: `expire:${open.id}`,
        });
      }
      await tx
        .update(billingCheckouts)
        .set({
          status: session?.status === "complete" ? "complete" : "expired",
          updatedAt: input.now,
        })
        .where(eq(billingCheckouts.id, open.id));
    }
    const expiresAt = new Date(input.now.getTime() + SUBSCRIPTION_CHECKOUT_MINUTES * 60_000);
    const [row] = await tx
      .insert(billingCheckouts)
      .values({
        userId: input.user.id,
        planPriceId: price.id,
        expiresAt,
        createdAt: input.now,
        updatedAt: input.now,
      })
      .returning();
    const session = await port.createSubscriptionCheckout({
      checkoutId: row!.id,
      userId: input.user.id,
      customerId,
      priceId: price.stripePriceId,
      trialDays: price.trialDays,
      expiresAt,
      successUrl: input.successUrl,
      cancelUrl: input.cancelUrl,
      ...(input.locale ? { locale: input.locale } : {}),
    });
    await tx
      .update(billingCheckouts)
      .set({ stripeSessionId: session.id, url: session.url, expiresAt: session.expiresAt })
      .where(eq(billingCheckouts.id, row!.id));
    return ok({ url: session.url ?? "", checkoutId: row!.id, reused: false });
  });
}

/**
 * A customer portal session. Plan switches are limited to the allowlist: active prices of
 * active plans, grouped by their Stripe product, in the live subscription's currency (the
 * portal switches within a currency).
 */
export async function openBillingPortal(
  db: Db,
  port: Pick<SubscriptionProviderCalls, "createPortalSession">,
  input: { userId: string; returnUrl: string; locale?: string },
): Promise<Result<{ url: string }, BillingCommandError>> {
  const customer = await getBillingCustomer(db, input.userId);
  if (!customer?.stripeCustomerId) return err({ code: "NO_BILLING_CUSTOMER" });
  const live = await getLiveSubscription(db, input.userId);
  const rows = await db
    .select({ productId: plans.stripeProductId, priceId: planPrices.stripePriceId })
    .from(planPrices)
    .innerJoin(plans, eq(plans.id, planPrices.planId))
    .where(
      and(
        eq(planPrices.active, true),
        eq(plans.status, "active"),
        live ? eq(planPrices.currency, live.currency) : undefined,
      ),
    );
  const byProduct = new Map<string, string[]>();
  for (const r of rows) {
    if (!r.productId || r.priceId.startsWith(PENDING_PRICE_PREFIX)) continue;
    byProduct.set(r.productId, [...(byProduct.get(r.productId) ?? []), r.priceId]);
  }
  const session = await port.createPortalSession({
    customerId: customer.stripeCustomerId,
    returnUrl: input.returnUrl,
    ...(input.locale ? { locale: input.locale } : {}),
    allowedPrices: [...byProduct].map(([productId, priceIds]) => ({ productId, priceIds })),
  });
  return ok({ url: session.url });
}

async function recordBillingEvent(
  ex: Executor,
  sub: SubscriptionRow,
  kind: string,
  summary: string,
  details: Record<string, unknown>,
  source: string,
  now: Date,
) {
  await ex.insert(billingEvents).values({
    userId: sub.userId,
    stripeCustomerId: sub.stripeCustomerId,
    stripeSubscriptionId: sub.stripeSubscriptionId,
    kind,
    summary,
    details,
    source,
    at: now,
  });
}

/**
 * Cancels the user's live subscription now or at the period's end, then re-reads the
 * customer from Stripe so what the caller sees next is the provider's state.
 */
export async function cancelUserSubscription(
  db: Db,
  port: Pick<SubscriptionProviderCalls, "cancelSubscription">,
  sync: SyncCustomer,
  input: { userId: string; atPeriodEnd: boolean; reason: string | null; now: Date },
): Promise<Result<{ stripeCustomerId: string }, BillingCommandError>> {
  const sub = await getLiveSubscription(db, input.userId);
  if (!sub) return err({ code: "NO_LIVE_SUBSCRIPTION" });
  await port.cancelSubscription({
    subscriptionId: sub.stripeSubscriptionId,
    atPeriodEnd: input.atPeriodEnd,
    reason: input.reason,
    // Tied to the state we saw: the same click retried is one request, a later cancel a new one.
    idempotencyKey: `cancel:${sub.stripeSubscriptionId}:${input.atPeriodEnd ? "end" : "now"}:${sub.syncedAt.getTime()}`,
  });
  await recordBillingEvent(
    db,
    sub,
    "cancel_requested",
    input.atPeriodEnd ? "Cancellation at period end requested" : "Immediate cancellation requested",
    { atPeriodEnd: input.atPeriodEnd, reason: input.reason },
    `user:${input.userId}`,
    input.now,
  );
  await sync({ stripeCustomerId: sub.stripeCustomerId, source: `user:${input.userId}` });
  return ok({ stripeCustomerId: sub.stripeCustomerId });
}

/** Undoes a cancellation at period end, then re-reads the customer from Stripe. */
export async function resumeUserSubscription(
  db: Db,
  port: Pick<SubscriptionProviderCalls, "resumeSubscription">,
  sync: SyncCustomer,
  input: { userId: string; now: Date },
): Promise<Result<{ stripeCustomerId: string }, BillingCommandError>> {
  const sub = await getLiveSubscription(db, input.userId);
  if (!sub) return err({ code: "NO_LIVE_SUBSCRIPTION" });
  if (!sub.cancelAtPeriodEnd) return err({ code: "SUBSCRIPTION_NOT_CANCELING" });
  await port.resumeSubscription({
    subscriptionId: sub.stripeSubscriptionId,
    idempotencyKey: `resume:${sub.stripeSubscriptionId}:${sub.syncedAt.getTime()}`,
  });
  await recordBillingEvent(
    db,
    sub,
    "resume_requested",
    "Cancellation undone",
    {},
    `user:${input.userId}`,
    input.now,
  );
  await sync({ stripeCustomerId: sub.stripeCustomerId, source: `user:${input.userId}` });
  return ok({ stripeCustomerId: sub.stripeCustomerId });
}

/** Re-reads the user's customer from Stripe (after Checkout returns, or an admin's re-sync). */
export async function syncUserBilling(
  db: Db,
  sync: SyncCustomer,
  input: { userId: string; source: string },
): Promise<{ synced: boolean; result: unknown }> {
  const customer = await getBillingCustomer(db, input.userId);
  if (!customer?.stripeCustomerId) return { synced: false, result: null };
  const result = await sync({ stripeCustomerId: customer.stripeCustomerId, source: input.source });
  return { synced: true, result };
}
