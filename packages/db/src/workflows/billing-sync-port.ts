/*
 * What the billing workflows need from the outside world, as plain structural types:
 * this package doesn't depend on @an/billing, so the API passes its
 * `SubscriptionBillingPort` (which satisfies {@link SubscriptionProviderCalls}) and a
 * function that re-reads one customer from Stripe ({@link SyncCustomer}).
 */

/**
 * Re-reads one customer's subscriptions and invoices from the provider and stores them
 * (`syncBillingCustomer` bound to the providers). Commands call it after a provider call
 * succeeded, so what they return reflects Stripe rather than what we asked for.
 */
export type SyncCustomer = (input: {
  stripeCustomerId: string;
  source: string;
}) => Promise<unknown>;

/** A provider subscription as the commands read it back (a subset of `ProviderSubscription`). */
export type ProviderSubscriptionRef = { id: string; customerId: string; status: string };

export type ProviderCheckoutRef = {
  id: string;
  url: string | null;
  status: "open" | "complete" | "expired";
  expiresAt: Date;
};

/**
 * The calls the plan, customer and checkout workflows make: structurally the
 * `SubscriptionBillingPort` of @an/billing. Every mutating call carries an idempotency key
 * derived from one of our rows, so a retry after a crash asks for the same thing again.
 */
export type SubscriptionProviderCalls = {
  createCustomer(input: {
    userId: string;
    email: string | null;
    name: string | null;
    locale: string | null;
    idempotencyKey: string;
  }): Promise<{ id: string }>;
  createSubscriptionCheckout(input: {
    checkoutId: string;
    userId: string;
    customerId: string;
    priceId: string;
    trialDays: number;
    expiresAt: Date;
    successUrl: string;
    cancelUrl: string;
    locale?: string;
  }): Promise<ProviderCheckoutRef>;
  expireSubscriptionCheckout(input: {
    sessionId: string;
    idempotencyKey: string;
  }): Promise<ProviderCheckoutRef>;
  createPortalSession(input: {
    customerId: string;
    returnUrl: string;
    locale?: string;
    allowedPrices: { productId: string; priceIds: string[] }[];
  }): Promise<{ url: string }>;
  cancelSubscription(input: {
    subscriptionId: string;
    atPeriodEnd: boolean;
    reason: string | null;
    idempotencyKey: string;
  }): Promise<ProviderSubscriptionRef>;
  resumeSubscription(input: {
    subscriptionId: string;
    idempotencyKey: string;
  }): Promise<ProviderSubscriptionRef>;
  createPlanProduct(input: {
    planId: string;
    planKey: string;
    name: string;
    idempotencyKey: string;
  }): Promise<{ id: string }>;
  createPlanPrice(input: {
    planPriceId: string;
    productId: string;
    currency: string;
    interval: "month" | "year";
    amount: number;
    idempotencyKey: string;
  }): Promise<{ id: string }>;
  deactivatePlanPrice(input: { priceId: string }): Promise<void>;
};
