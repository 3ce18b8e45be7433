import { createHash } from "node:crypto";
import type Stripe from "stripe";
import type { BillingConfig } from "../config";
import {
  isProviderError,
  type ProviderInvoice,
  type ProviderSubscription,
  type SubscriptionBillingPort,
  type SubscriptionCheckout,
} from "../ports";
import { resolveRetryOptions, withRetries } from "../retry";
import { createStripeClient, mapStripeError } from "./client";
import { allPages, type StripeCall } from "./connect";
import { checkoutLocale, type StripePaymentsOptions } from "./payments";

export type StripeSubscriptionsOptions = StripePaymentsOptions;

/**
 * Bumped whenever the portal configuration below changes, so the new settings get a new
 * configuration (its hash, and so its idempotency key and metadata, differ from the old).
 */
const PORTAL_CONFIG_VERSION = "1";

/** Idempotency keys of the calls whose key the port doesn't hand us. */
export const stripeSubscriptionKeys = {
  checkout: (checkoutId: string) => `checkout:${checkoutId}`,
  portalConfiguration: (hash: string) => `portal-config:${hash}`,
  deactivatePrice: (priceId: string) => `price-deactivate:${priceId}`,
};

/**
 * The locales the customer portal accepts (`BillingPortal.SessionCreateParams.Locale` in
 * stripe 23.1.0, minus `auto`); anything else is left out so the portal picks the browser's.
 */
const PORTAL_LOCALES = [
  "bg", "cs", "da", "de", "el", "en", "en-AU", "en-CA", "en-GB", "en-IE", "en-IN", "en-NZ",
  "en-SG", "es", "es-419", "et", "fi", "fil", "fr", "fr-CA", "hr", "hu", "id", "it", "ja", "ko",
  "lt", "lv", "ms", "mt", "nb", "nl", "pl", "pt", "pt-BR", "ro", "ru", "sk", "sl", "sv", "th",
  "tr", "vi", "zh", "zh-HK", "zh-TW",
] as const; // prettier-ignore

/** Our locale tag as a portal locale, or undefined when the portal doesn't have it. */
export function portalLocale(
  tag: string | undefined,
): Stripe.BillingPortal.SessionCreateParams.Locale | undefined {
  if (!tag) return undefined;
  const lower = tag.toLowerCase();
  const exact = PORTAL_LOCALES.find((l) => l.toLowerCase() === lower);
  if (exact) return exact;
  const language = lower.split("-")[0];
  return PORTAL_LOCALES.find((l) => l === language);
}

const SUBSCRIPTION_STATUSES: readonly ProviderSubscription["status"][] = [
  "incomplete",
  "incomplete_expired",
  "trialing",
  "active",
  "past_due",
  "unpaid",
  "canceled",
  "paused",
];
const INVOICE_STATUSES: readonly ProviderInvoice["status"][] = [
  "draft",
  "open",
  "paid",
  "uncollectible",
  "void",
];
const SESSION_STATUSES: readonly SubscriptionCheckout["status"][] = ["open", "complete", "expired"];
const INTERVALS: readonly NonNullable<ProviderSubscription["interval"]>[] = [
  "day",
  "week",
  "month",
  "year",
];

/** Narrows one of Stripe's open-ended enums to ours (see payments.ts). */
function oneOf<T extends string>(known: readonly T[], value: string | null, fallback: T): T {
  return known.find((k) => k === value) ?? fallback;
}

const idOf = (value: string | { id: string } | null | undefined): string | null =>
  value === null || value === undefined ? null : typeof value === "string" ? value : value.id;

const dateOf = (seconds: number | null | undefined): Date | null =>
  seconds === null || seconds === undefined ? null : new Date(seconds * 1000);

/** The subscriptions list's expansions: each path stays within Stripe's four levels. */
const SUBSCRIPTION_EXPAND = [
  "data.default_payment_method",
  // The portal's "update payment method" sets the customer's default; a subscription
  // without its own default is charged with that one.
  "data.customer.invoice_settings.default_payment_method",
  "data.latest_invoice",
  // A downgrade scheduled at period end lives in a subscription schedule's next phase.
  "data.schedule",
];

function cardOf(
  method: string | Stripe.PaymentMethod | null | undefined,
): { brand: string; last4: string } | null {
  if (!method || typeof method === "string" || !method.card) return null;
  return { brand: method.card.brand, last4: method.card.last4 };
}

function customerDefaultMethod(
  customer: Stripe.Subscription["customer"],
): string | Stripe.PaymentMethod | null {
  if (typeof customer === "string" || customer.deleted) return null;
  return customer.invoice_settings?.default_payment_method ?? null;
}

/**
 * The phase after the current one of a subscription's schedule, when it switches to another
 * price: a downgrade the portal scheduled for the period's end.
 */
function pendingOf(
  subscription: Stripe.Subscription,
  currentPriceId: string,
): ProviderSubscription["pending"] {
  const schedule = subscription.schedule;
  if (!schedule || typeof schedule === "string") return null;
  if (schedule.status !== "active" && schedule.status !== "not_started") return null;
  const currentEnd = schedule.current_phase?.end_date ?? null;
  const next = schedule.phases
    .filter((phase) => currentEnd === null || phase.start_date >= currentEnd)
    .sort((a, b) => a.start_date - b.start_date)[0];
  const priceId = idOf(next?.items[0]?.price);
  if (!next || !priceId || priceId === currentPriceId) return null;
  return { priceId, at: new Date(next.start_date * 1000) };
}

/**
 * Stripe's subscription as the port reports it. Our subscriptions have one item; the
 * pinned API version keeps the billing period on the item, not on the subscription.
 */
export function toProviderSubscription(subscription: Stripe.Subscription): ProviderSubscription {
  const item = subscription.items.data[0];
  const price = item?.price ?? null;
  const priceId = price?.id ?? "";
  const quantity = item?.quantity ?? 1;
  const interval = price?.recurring?.interval ?? null;
  return {
    id: subscription.id,
    customerId: idOf(subscription.customer) ?? "",
    status: oneOf(SUBSCRIPTION_STATUSES, subscription.status, "incomplete"),
    priceId,
    productId: idOf(price?.product),
    amount: (price?.unit_amount ?? 0) * quantity,
    currency: (price?.currency ?? subscription.currency).toUpperCase(),
    interval: interval === null ? null : oneOf(INTERVALS, interval, "month"),
    currentPeriodStart: dateOf(item?.current_period_start),
    currentPeriodEnd: dateOf(item?.current_period_end),
    cancelAtPeriodEnd: subscription.cancel_at_period_end,
    cancelAt: dateOf(subscription.cancel_at),
    canceledAt: dateOf(subscription.canceled_at),
    endedAt: dateOf(subscription.ended_at),
    trialEnd: dateOf(subscription.trial_end),
    startDate: dateOf(subscription.start_date),
    created: new Date(subscription.created * 1000),
    pending: pendingOf(subscription, priceId),
    card:
      cardOf(subscription.default_payment_method) ??
      cardOf(customerDefaultMethod(subscription.customer)),
    latestInvoiceId: idOf(subscription.latest_invoice),
    userId: subscription.metadata?.user_id ?? null,
  };
}

/** The invoice's latest payment (InvoicePayment), when `payments` was included. */
function latestPayment(invoice: Stripe.Invoice): Stripe.InvoicePayment | null {
  const payments = invoice.payments?.data ?? [];
  return [...payments].sort((a, b) => b.created - a.created)[0] ?? null;
}

/**
 * Stripe's invoice as the port reports it. The invoice no longer names its subscription
 * itself in this API version: it is under `parent.subscription_details`.
 */
export function toProviderInvoice(
  invoice: Stripe.Invoice,
  paymentIntentStatus: string | null = null,
): ProviderInvoice {
  const payment = latestPayment(invoice);
  return {
    id: invoice.id,
    customerId: idOf(invoice.customer) ?? "",
    subscriptionId: idOf(invoice.parent?.subscription_details?.subscription),
    status: oneOf(INVOICE_STATUSES, invoice.status, "draft"),
    billingReason: invoice.billing_reason ?? null,
    currency: invoice.currency.toUpperCase(),
    amountDue: invoice.amount_due,
    amountPaid: invoice.amount_paid,
    creditedAfterPayment: invoice.post_payment_credit_notes_amount,
    attemptCount: invoice.attempt_count,
    nextPaymentAttempt: dateOf(invoice.next_payment_attempt),
    hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
    periodStart: dateOf(invoice.period_start),
    periodEnd: dateOf(invoice.period_end),
    paidAt: dateOf(invoice.status_transitions?.paid_at),
    created: new Date(invoice.created * 1000),
    paymentIntentId: idOf(payment?.payment.payment_intent),
    paymentIntentStatus,
  };
}

function toSubscriptionCheckout(session: Stripe.Checkout.Session): SubscriptionCheckout {
  return {
    id: session.id,
    url: session.url ?? null,
    status: oneOf(SESSION_STATUSES, session.status, "open"),
    customerId: idOf(session.customer),
    subscriptionId: idOf(session.subscription),
    userId: session.metadata?.user_id ?? session.client_reference_id ?? null,
    checkoutId: session.metadata?.checkout_id ?? null,
    expiresAt: new Date(session.expires_at * 1000),
  };
}

/** The portal settings for one allowlist (prices grouped by product, in a stable order). */
function portalConfiguration(allowedPrices: { productId: string; priceIds: string[] }[]): {
  params: Stripe.BillingPortal.ConfigurationCreateParams;
  hash: string;
} {
  const products = allowedPrices
    .filter((p) => p.priceIds.length > 0)
    .map((p) => ({ product: p.productId, prices: [...p.priceIds].sort() }))
    .sort((a, b) => (a.product < b.product ? -1 : a.product > b.product ? 1 : 0));
  const hash = createHash("sha256")
    .update(JSON.stringify({ version: PORTAL_CONFIG_VERSION, products }))
    .digest("hex")
    .slice(0, 32);
  return {
    hash,
    params: {
      features: {
        subscription_update: {
          enabled: true,
          default_allowed_updates: ["price"],
          products,
          // Upgrades are charged at once; downgrades wait for the period's end.
          proration_behavior: "always_invoice",
          schedule_at_period_end: {
            conditions: [{ type: "decreasing_item_amount" }, { type: "shortening_interval" }],
          },
        },
        subscription_cancel: { enabled: true, mode: "at_period_end" },
        payment_method_update: { enabled: true },
        invoice_history: { enabled: true },
      },
      metadata: { allowlist_hash: hash },
    },
  };
}

/**
 * The real platform subscriptions: Stripe Billing through the official SDK (API
 * `2026-10-28.endive`), with the same client, retry policy and error mapping as
 * {@link createStripePayments}. Every mutating call carries the idempotency key the caller
 * gives (derived from our rows), or one derived here from the request itself.
 */
export function createStripeSubscriptions(
  config: BillingConfig,
  options: StripeSubscriptionsOptions = {},
): SubscriptionBillingPort {
  const secretKey = config.stripe.secretKey;
  if (!secretKey) throw new Error("The real Stripe adapter needs STRIPE_SECRET_KEY.");
  const stripe = createStripeClient(secretKey, config.stripe.apiBase, {
    timeoutMs: options.timeoutMs,
  });
  const retry = resolveRetryOptions(options.retry);

  const call: StripeCall = <T>(what: string, run: () => Promise<T>): Promise<T> =>
    withRetries(retry, async () => {
      try {
        return await run();
      } catch (error) {
        throw mapStripeError(error, what);
      }
    });

  /** Portal configurations by allowlist hash, so a process looks each up at most once. */
  const portalConfigurations = new Map<string, string>();

  /**
   * The portal configuration for this allowlist: one we made before (found by the hash in
   * its metadata: idempotency keys only last 24 hours), else a new one keyed by the hash so
   * concurrent first calls make one.
   */
  const portalConfigurationFor = async (
    allowedPrices: { productId: string; priceIds: string[] }[],
  ): Promise<string> => {
    const { params, hash } = portalConfiguration(allowedPrices);
    const cached = portalConfigurations.get(hash);
    if (cached) return cached;
    const existing = await allPages(call, "listing portal configurations", (starting_after) =>
      stripe.billingPortal.configurations.list({
        active: true,
        limit: 100,
        ...(starting_after ? { starting_after } : {}),
      }),
    );
    const found = existing.find((c) => c.metadata?.allowlist_hash === hash);
    const id =
      found?.id ??
      (
        await call("creating portal configuration", () =>
          stripe.billingPortal.configurations.create(params, {
            idempotencyKey: stripeSubscriptionKeys.portalConfiguration(hash),
          }),
        )
      ).id;
    portalConfigurations.set(hash, id);
    return id;
  };

  const retrieveSubscriptionCheckout = async (sessionId: string) =>
    toSubscriptionCheckout(
      await call("retrieving checkout session", () => stripe.checkout.sessions.retrieve(sessionId)),
    );

  return {
    mode: "real",

    async createCustomer(input) {
      // Stripe's emails and hosted pages speak the same languages as Checkout; a locale it
      // doesn't know is left out rather than have the customer refused.
      const locale = checkoutLocale(input.locale ?? undefined);
      const customer = await call("creating customer", () =>
        stripe.customers.create(
          {
            ...(input.email ? { email: input.email } : {}),
            ...(input.name ? { name: input.name } : {}),
            ...(locale ? { preferred_locales: [locale] } : {}),
            metadata: { user_id: input.userId },
          },
          { idempotencyKey: input.idempotencyKey },
        ),
      );
      return { id: customer.id };
    },

    async createSubscriptionCheckout(input) {
      const metadata = { user_id: input.userId, checkout_id: input.checkoutId };
      const locale = checkoutLocale(input.locale);
      const params: Stripe.Checkout.SessionCreateParams = {
        mode: "subscription",
        customer: input.customerId,
        line_items: [{ price: input.priceId, quantity: 1 }],
        subscription_data: {
          metadata,
          ...(input.trialDays > 0 ? { trial_period_days: input.trialDays } : {}),
        },
        client_reference_id: input.userId,
        metadata,
        expires_at: Math.floor(input.expiresAt.getTime() / 1000),
        success_url: input.successUrl,
        cancel_url: input.cancelUrl,
        ...(locale ? { locale } : {}),
      };
      const session = await call("creating subscription checkout session", () =>
        stripe.checkout.sessions.create(params, {
          idempotencyKey: stripeSubscriptionKeys.checkout(input.checkoutId),
        }),
      );
      return toSubscriptionCheckout(session);
    },

    retrieveSubscriptionCheckout,

    async expireSubscriptionCheckout({ sessionId, idempotencyKey }) {
      try {
        return toSubscriptionCheckout(
          await call("expiring checkout session", () =>
            stripe.checkout.sessions.expire(sessionId, undefined, { idempotencyKey }),
          ),
        );
      } catch (error) {
        // As for payment sessions: Stripe refuses to expire a session that is no longer
        // open; the fresh session says whether it expired or was completed first.
        if (!isProviderError(error, "rejected")) throw error;
        const current = await retrieveSubscriptionCheckout(sessionId);
        if (current.status === "open") throw error;
        return current;
      }
    },

    async createPortalSession(input) {
      const configuration = await portalConfigurationFor(input.allowedPrices);
      const locale = portalLocale(input.locale);
      // No idempotency key: every click must get a fresh, short-lived portal session.
      const session = await call("creating portal session", () =>
        stripe.billingPortal.sessions.create({
          customer: input.customerId,
          return_url: input.returnUrl,
          configuration,
          ...(locale ? { locale } : {}),
        }),
      );
      return { url: session.url };
    },

    async listCustomerSubscriptions(customerId) {
      const subscriptions = await allPages(call, "listing subscriptions", (starting_after) =>
        stripe.subscriptions.list({
          customer: customerId,
          status: "all",
          limit: 100,
          expand: SUBSCRIPTION_EXPAND,
          ...(starting_after ? { starting_after } : {}),
        }),
      );
      return subscriptions
        .sort((a, b) => b.created - a.created)
        .map((subscription) => toProviderSubscription(subscription));
    },

    async listCustomerInvoices(customerId) {
      const list = await call("listing invoices", () =>
        stripe.invoices.list({ customer: customerId, limit: 100, expand: ["data.payments"] }),
      );
      const invoices: ProviderInvoice[] = [];
      for (const invoice of list.data) {
        // Only an open invoice's payment intent status matters (3-D Secure pending): asking
        // for the others would cost one request per invoice for nothing.
        const intentId = idOf(latestPayment(invoice)?.payment.payment_intent);
        let status: string | null = null;
        if (invoice.status === "open" && intentId) {
          const intent = await call("retrieving payment intent", () =>
            stripe.paymentIntents.retrieve(intentId),
          );
          status = intent.status;
        }
        invoices.push(toProviderInvoice(invoice, status));
      }
      return invoices.sort((a, b) => b.created.getTime() - a.created.getTime());
    },

    async cancelSubscription(input) {
      const comment = input.reason ? { comment: input.reason } : {};
      const subscription = input.atPeriodEnd
        ? await call("scheduling subscription cancellation", () =>
            stripe.subscriptions.update(
              input.subscriptionId,
              {
                cancel_at_period_end: true,
                cancellation_details: comment,
                expand: SUBSCRIPTION_EXPAND.map((p) => p.replace(/^data\./, "")),
              },
              { idempotencyKey: input.idempotencyKey },
            ),
          )
        : await call("canceling subscription", () =>
            stripe.subscriptions.cancel(
              input.subscriptionId,
              {
                cancellation_details: comment,
                expand: SUBSCRIPTION_EXPAND.map((p) => p.replace(/^data\./, "")),
              },
              { idempotencyKey: input.idempotencyKey },
            ),
          );
      return toProviderSubscription(subscription);
    },

    async resumeSubscription(input) {
      const subscription = await call("resuming subscription", () =>
        stripe.subscriptions.update(
          input.subscriptionId,
          {
            cancel_at_period_end: false,
            expand: SUBSCRIPTION_EXPAND.map((p) => p.replace(/^data\./, "")),
          },
          { idempotencyKey: input.idempotencyKey },
        ),
      );
      return toProviderSubscription(subscription);
    },

    async createPlanProduct(input) {
      const product = await call("creating product", () =>
        stripe.products.create(
          { name: input.name, metadata: { plan_id: input.planId, plan_key: input.planKey } },
          { idempotencyKey: input.idempotencyKey },
        ),
      );
      return { id: product.id };
    },

    async createPlanPrice(input) {
      const price = await call("creating price", () =>
        stripe.prices.create(
          {
            product: input.productId,
            currency: input.currency.toLowerCase(),
            unit_amount: input.amount,
            recurring: { interval: input.interval },
            metadata: { plan_price_id: input.planPriceId },
          },
          { idempotencyKey: input.idempotencyKey },
        ),
      );
      return { id: price.id };
    },

    async deactivatePlanPrice({ priceId }) {
      await call("deactivating price", () =>
        stripe.prices.update(
          priceId,
          { active: false },
          { idempotencyKey: stripeSubscriptionKeys.deactivatePrice(priceId) },
        ),
      );
    },

    async listCustomers() {
      const customers = await allPages(call, "listing customers", (starting_after) =>
        stripe.customers.list({ limit: 100, ...(starting_after ? { starting_after } : {}) }),
      );
      return customers.map((c) => ({ id: c.id, userId: c.metadata?.user_id ?? null }));
    },
  };
}
