import type { SubscriptionStatus } from "@an/domain";

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
  /** The subscription a completed session created. */
  subscriptionId?: string | null;
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
  retrieveSubscriptionCheckout(sessionId: string): Promise<ProviderCheckoutRef>;
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

/*
 * Structural copies of the provider's types (`ProviderSubscription`, `ProviderInvoice`,
 * `ChargeInfo` of @an/billing, which this package doesn't depend on): the real ports and
 * the simulator fit them as they are.
 */
export type SyncedProviderSubscription = {
  id: string;
  customerId: string;
  status: SubscriptionStatus;
  priceId: string;
  amount: number;
  currency: string;
  interval: "day" | "week" | "month" | "year" | null;
  currentPeriodStart: Date | null;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  cancelAt: Date | null;
  canceledAt: Date | null;
  endedAt: Date | null;
  trialEnd: Date | null;
  startDate: Date | null;
  created: Date;
  pending: { priceId: string; at: Date } | null;
  card: { brand: string; last4: string } | null;
  latestInvoiceId: string | null;
  userId: string | null;
};

export type SyncedProviderInvoice = {
  id: string;
  customerId: string;
  subscriptionId: string | null;
  status: "draft" | "open" | "paid" | "uncollectible" | "void";
  billingReason: string | null;
  currency: string;
  amountDue: number;
  amountPaid: number;
  creditedAfterPayment: number;
  attemptCount: number;
  nextPaymentAttempt: Date | null;
  hostedInvoiceUrl: string | null;
  periodStart: Date | null;
  periodEnd: Date | null;
  paidAt: Date | null;
  created: Date;
  paymentIntentId: string | null;
  paymentIntentStatus: string | null;
};

export type BillingSyncPorts = {
  subscriptions: {
    listCustomerSubscriptions(customerId: string): Promise<SyncedProviderSubscription[]>;
    listCustomerInvoices(customerId: string): Promise<SyncedProviderInvoice[]>;
  };
  payments: {
    retrieveCharge(input: { paymentIntentId: string }): Promise<{
      chargeId: string;
      amountRefunded: number;
      processingFee: number | null;
    }>;
  };
};
