import type { SubscriptionStatus } from "@an/domain";
import { z } from "zod";
import { expandable, metadata } from "./stripe-fields";
import type { CheckoutSessionObject, PaymentIntentObject, StripeMetadata } from "./stripe-objects";

/**
 * Platform subscriptions (Stripe Billing) on the wire: the shapes the processor parses from
 * `customer.subscription.*`, `invoice.*` and subscription-mode `checkout.session.*` events,
 * and the full objects of API `2026-10-28.endive`: each object's one declaration, which the
 * simulated Stripe builds subsets of (`simulated/billing-objects.ts`) and
 * `wire/stripe-billing.test.ts` holds to the pinned SDK's types.
 */

// ---------------------------------------------------------------------------------------
// Shapes we parse. The worker never applies these payloads: it re-reads the customer's
// subscriptions from Stripe, so all it needs is the customer.

/** A `customer.subscription.*` event's object. */
export const billingSubscription = z.looseObject({
  id: z.string().min(1),
  customer: expandable,
  status: z.string().min(1),
  metadata,
});
export type ParsedBillingSubscription = z.output<typeof billingSubscription>;

/** An `invoice.*` event's object; its subscription is under `parent` in this API version. */
export const billingInvoice = z.looseObject({
  id: z.string().min(1),
  customer: expandable,
  parent: z
    .looseObject({
      subscription_details: z.looseObject({ subscription: expandable }).nullish(),
    })
    .nullish(),
});
export type ParsedBillingInvoice = z.output<typeof billingInvoice>;

/** Just the mode of a Checkout Session, to tell subscription checkouts from consultation payments. */
export const checkoutMode = z.looseObject({ mode: z.string().nullish() });

/** A `checkout.session.*` event's object in `subscription` mode. */
export const subscriptionCheckoutSession = z.looseObject({
  id: z.string().min(1),
  mode: z.literal("subscription"),
  customer: expandable,
  subscription: expandable,
  client_reference_id: z.string().nullish(),
  metadata,
});
export type ParsedSubscriptionCheckoutSession = z.output<typeof subscriptionCheckoutSession>;

/** Whether an event is one the subscription sync handles (subscription-mode sessions only). */
export function isBillingEvent(eventType: string, object: unknown): boolean {
  if (eventType.startsWith("customer.subscription.") || eventType.startsWith("invoice.")) {
    return true;
  }
  if (!eventType.startsWith("checkout.session.")) return false;
  const parsed = checkoutMode.safeParse(object);
  return parsed.success && parsed.data.mode === "subscription";
}

/**
 * The Stripe customer a subscription, invoice or subscription-mode checkout event is about
 * (the one whose state the worker re-reads), or null for any other event or a payload
 * without one (a payment-mode session, an invoice of a guest checkout).
 */
export function customerIdOf(eventType: string, object: unknown): string | null {
  if (eventType.startsWith("customer.subscription.")) {
    const parsed = billingSubscription.safeParse(object);
    return parsed.success ? parsed.data.customer : null;
  }
  if (eventType.startsWith("invoice.")) {
    const parsed = billingInvoice.safeParse(object);
    return parsed.success ? parsed.data.customer : null;
  }
  if (eventType.startsWith("checkout.session.")) {
    const parsed = subscriptionCheckoutSession.safeParse(object);
    return parsed.success ? parsed.data.customer : null;
  }
  return null;
}

// ---------------------------------------------------------------------------------------
// Full objects

/** Stripe's subscription statuses, declared once in the domain (which stores them as sent). */
export type { SubscriptionStatus };

/** A list as Stripe embeds it in an object (`items`, `lines`, `payments`). */
export type StripeListObject<T> = {
  object: "list";
  data: T[];
  has_more: boolean;
  total_count?: number;
  url: string;
};

export type CustomerObject = {
  id: string;
  object: "customer";
  balance: number;
  created: number;
  default_source: string | null;
  description: string | null;
  email: string | null;
  invoice_settings: {
    custom_fields: null;
    /** The card the portal's "update payment method" sets. */
    default_payment_method: string | null;
    footer: string | null;
    rendering_options: null;
  };
  livemode: boolean;
  metadata: StripeMetadata;
  name: string | null;
  preferred_locales: string[];
  shipping: null;
  test_clock: string | null;
};

export type ProductObject = {
  id: string;
  object: "product";
  active: boolean;
  created: number;
  default_price: string | null;
  description: string | null;
  images: string[];
  livemode: boolean;
  marketing_features: never[];
  metadata: StripeMetadata;
  name: string;
  type: "service";
  updated: number;
  url: string | null;
};

export type PriceObject = {
  id: string;
  object: "price";
  active: boolean;
  billing_scheme: "per_unit";
  created: number;
  /** Lowercase ISO code. */
  currency: string;
  custom_unit_amount: null;
  livemode: boolean;
  lookup_key: string | null;
  metadata: StripeMetadata;
  nickname: string | null;
  product: string;
  recurring: {
    interval: "day" | "week" | "month" | "year";
    interval_count: number;
    meter: null;
    trial_period_days: number | null;
    usage_type: "licensed";
  };
  tax_behavior: "unspecified" | "inclusive" | "exclusive";
  tiers_mode: null;
  transform_quantity: null;
  type: "recurring";
  unit_amount: number;
  unit_amount_decimal: string;
};

/** A card payment method, as `default_payment_method` expands to. */
export type PaymentMethodObject = {
  id: string;
  object: "payment_method";
  billing_details: {
    address: null;
    email: string | null;
    name: string | null;
    phone: string | null;
  };
  card: {
    brand: string;
    country: string | null;
    exp_month: number;
    exp_year: number;
    funding: "credit" | "debit" | "prepaid" | "unknown";
    last4: string;
  };
  created: number;
  customer: string | null;
  livemode: boolean;
  metadata: StripeMetadata;
  type: "card";
};

/** A subscription's item: in this API version it carries the billing period. */
export type SubscriptionItemObject = {
  id: string;
  object: "subscription_item";
  billing_thresholds: null;
  created: number;
  current_period_end: number;
  current_period_start: number;
  discounts: string[];
  metadata: StripeMetadata;
  price: PriceObject;
  quantity: number;
  subscription: string;
  tax_rates: never[];
};

/**
 * A subscription as `customer.subscription.*` events carry it and the API returns it
 * (unexpanded). No `current_period_*` here any more: they are on the items.
 */
export type SubscriptionObject = {
  id: string;
  object: "subscription";
  billing_cycle_anchor: number;
  cancel_at: number | null;
  cancel_at_period_end: boolean;
  canceled_at: number | null;
  cancellation_details: {
    comment: string | null;
    /** The customer's answer to the portal's cancellation survey. */
    feedback: string | null;
    feedback_option: string | null;
    reason: "cancellation_requested" | "payment_disputed" | "payment_failed" | null;
  };
  collection_method: "charge_automatically";
  created: number;
  currency: string;
  customer: string;
  default_payment_method: string | null;
  description: string | null;
  discounts: string[];
  ended_at: number | null;
  items: StripeListObject<SubscriptionItemObject>;
  latest_invoice: string | null;
  livemode: boolean;
  metadata: StripeMetadata;
  pending_update: null;
  schedule: string | null;
  start_date: number;
  status: SubscriptionStatus;
  test_clock: string | null;
  trial_end: number | null;
  trial_start: number | null;
};

/** A schedule the portal makes for a downgrade at period end (`schedule_at_period_end`). */
export type SubscriptionScheduleObject = {
  id: string;
  object: "subscription_schedule";
  canceled_at: number | null;
  completed_at: number | null;
  created: number;
  current_phase: { end_date: number; start_date: number } | null;
  customer: string;
  end_behavior: "release" | "cancel";
  livemode: boolean;
  metadata: StripeMetadata;
  phases: {
    currency: string;
    end_date: number;
    items: { metadata: StripeMetadata; price: string; quantity: number }[];
    metadata: StripeMetadata;
    proration_behavior: "always_invoice" | "create_prorations" | "none";
    start_date: number;
  }[];
  released_at: number | null;
  released_subscription: string | null;
  status: "not_started" | "active" | "completed" | "released" | "canceled";
  subscription: string | null;
  test_clock: string | null;
};

/** One payment attempt of an invoice (`invoice.payments`, included on request). */
export type InvoicePaymentObject = {
  id: string;
  object: "invoice_payment";
  amount_paid: number | null;
  amount_requested: number;
  created: number;
  currency: string;
  invoice: string;
  is_default: boolean;
  livemode: boolean;
  payment: { type: "payment_intent"; payment_intent: string };
  status: "open" | "paid" | "canceled";
  status_transitions: { canceled_at: number | null; paid_at: number | null };
};

/** One line of an invoice: a subscription item's charge for a period, or a proration. */
export type InvoiceLineItemObject = {
  id: string;
  object: "line_item";
  amount: number;
  currency: string;
  description: string | null;
  invoice: string | null;
  livemode: boolean;
  metadata: StripeMetadata;
  parent: {
    type: "subscription_item_details";
    subscription_item_details: {
      invoice_item: string | null;
      proration: boolean;
      subscription: string | null;
      subscription_item: string;
    };
  } | null;
  period: { end: number; start: number };
  pricing: {
    type: "price_details";
    price_details: { price: string; product: string };
    unit_amount_decimal: string | null;
  } | null;
  quantity: number | null;
  subscription: string | null;
};

/**
 * An invoice as `invoice.*` events carry it. It names its subscription under
 * `parent.subscription_details` (no top-level `subscription` in this API version), and its
 * payment intents only through `payments`.
 */
export type InvoiceObject = {
  id: string;
  object: "invoice";
  amount_due: number;
  amount_overpaid: number;
  amount_paid: number;
  amount_remaining: number;
  attempt_count: number;
  attempted: boolean;
  billing_reason:
    | "subscription_create"
    | "subscription_cycle"
    | "subscription_update"
    | "subscription_threshold"
    | "manual"
    | null;
  collection_method: "charge_automatically";
  created: number;
  currency: string;
  customer: string;
  customer_email: string | null;
  hosted_invoice_url: string | null;
  invoice_pdf: string | null;
  lines: StripeListObject<InvoiceLineItemObject>;
  livemode: boolean;
  metadata: StripeMetadata;
  next_payment_attempt: number | null;
  number: string | null;
  parent: {
    quote_details: null;
    /** Always there: `type` is `subscription_details` for the invoices we make. */
    subscription_details: { metadata: StripeMetadata | null; subscription: string };
    type: "subscription_details";
  } | null;
  /** Only when asked for (`expand[]=payments`). */
  payments?: StripeListObject<InvoicePaymentObject>;
  period_end: number;
  period_start: number;
  post_payment_credit_notes_amount: number;
  pre_payment_credit_notes_amount: number;
  status: "draft" | "open" | "paid" | "uncollectible" | "void";
  status_transitions: {
    finalized_at: number | null;
    marked_uncollectible_at: number | null;
    paid_at: number | null;
    voided_at: number | null;
  };
  subtotal: number;
  test_clock: string | null;
  total: number;
};

/** A Checkout Session in `subscription` mode (our subscription checkouts). */
export type SubscriptionCheckoutSessionObject = Omit<
  CheckoutSessionObject,
  "mode" | "payment_intent"
> & {
  mode: "subscription";
  customer: string | null;
  /** The subscription's first invoice, once the session is complete. */
  invoice: string | null;
  payment_intent: null;
  /** Set once the session is complete. */
  subscription: string | null;
};

export type BillingPortalSessionObject = {
  id: string;
  object: "billing_portal.session";
  configuration: string;
  created: number;
  customer: string;
  flow: null;
  livemode: boolean;
  locale: string | null;
  on_behalf_of: string | null;
  return_url: string | null;
  url: string;
};

/** A payment intent of an invoice: the customer's, and 3-D Secure leaves it in `requires_action`. */
export type InvoicePaymentIntentObject = Omit<PaymentIntentObject, "status"> & {
  customer: string;
  status: PaymentIntentObject["status"] | "requires_action";
};
