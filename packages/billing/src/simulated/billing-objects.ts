import type { StripeMetadata } from "../wire/stripe";

/*
 * The Stripe Billing objects the simulated Stripe builds, as the pinned API version
 * (stripe@23.1.0) shapes them: the fields we read and the ones that locate data in this
 * version (period fields on subscription items; an invoice's subscription under
 * `parent.subscription_details`; its payment intents under `payments`). Subsets of the
 * SDK's `Stripe.Subscription`, `Stripe.Invoice` …: every field present has the SDK's name
 * and type. (Kept apart from `wire/stripe.ts` while that file grows the same types for the
 * real adapter; to be reconciled.)
 */

export type SimRecurringInterval = "day" | "week" | "month" | "year";

export type SimProductObject = {
  id: string;
  object: "product";
  active: boolean;
  created: number;
  livemode: boolean;
  metadata: StripeMetadata;
  name: string;
};

export type SimPriceObject = {
  id: string;
  object: "price";
  active: boolean;
  billing_scheme: "per_unit";
  created: number;
  /** Lowercase ISO code. */
  currency: string;
  livemode: boolean;
  metadata: StripeMetadata;
  product: string;
  recurring: {
    interval: SimRecurringInterval;
    interval_count: number;
    meter: string | null;
    trial_period_days: number | null;
    usage_type: "licensed";
  };
  type: "recurring";
  unit_amount: number;
};

export type SimCustomerObject = {
  id: string;
  object: "customer";
  created: number;
  email: string | null;
  invoice_settings: {
    custom_fields: null;
    default_payment_method: string | null;
    footer: null;
    rendering_options: null;
  };
  livemode: boolean;
  metadata: StripeMetadata;
  name: string | null;
  preferred_locales: string[];
  test_clock: string | null;
};

export type SimSubscriptionItemObject = {
  id: string;
  object: "subscription_item";
  created: number;
  /** In this API version the period lives on the item, not on the subscription. */
  current_period_end: number;
  current_period_start: number;
  metadata: StripeMetadata;
  price: SimPriceObject;
  quantity: number;
  subscription: string;
};

export type SimSubscriptionStatus =
  | "incomplete"
  | "incomplete_expired"
  | "trialing"
  | "active"
  | "past_due"
  | "unpaid"
  | "canceled"
  | "paused";

export type SimSubscriptionObject = {
  id: string;
  object: "subscription";
  billing_cycle_anchor: number;
  cancel_at: number | null;
  cancel_at_period_end: boolean;
  canceled_at: number | null;
  cancellation_details: {
    comment: string | null;
    /** The customer's reason from the portal's survey; the simulator asks none. */
    feedback: null;
    feedback_option: null;
    reason: "cancellation_requested" | "payment_disputed" | "payment_failed" | null;
  } | null;
  collection_method: "charge_automatically";
  created: number;
  currency: string;
  customer: string;
  default_payment_method: string | null;
  ended_at: number | null;
  items: {
    object: "list";
    data: SimSubscriptionItemObject[];
    has_more: boolean;
    total_count: number;
    url: string;
  };
  latest_invoice: string | null;
  livemode: boolean;
  metadata: StripeMetadata;
  /** The subscription schedule holding a change for a later phase (a downgrade). */
  schedule: string | null;
  start_date: number;
  status: SimSubscriptionStatus;
  test_clock: string | null;
  trial_end: number | null;
  trial_start: number | null;
};

export type SimInvoiceLineItemObject = {
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

export type SimInvoicePaymentObject = {
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
  status: "canceled" | "open" | "paid";
  status_transitions: { canceled_at: number | null; paid_at: number | null };
};

export type SimInvoiceBillingReason =
  "subscription_create" | "subscription_cycle" | "subscription_update" | "manual";

export type SimInvoiceObject = {
  id: string;
  object: "invoice";
  amount_due: number;
  amount_paid: number;
  amount_remaining: number;
  attempt_count: number;
  attempted: boolean;
  billing_reason: SimInvoiceBillingReason | null;
  collection_method: "charge_automatically";
  created: number;
  currency: string;
  customer: string;
  customer_email: string | null;
  hosted_invoice_url?: string | null;
  lines: {
    object: "list";
    data: SimInvoiceLineItemObject[];
    has_more: boolean;
    total_count: number;
    url: string;
  };
  livemode: boolean;
  metadata: StripeMetadata | null;
  next_payment_attempt: number | null;
  number: string | null;
  parent: {
    type: "subscription_details";
    quote_details: null;
    subscription_details: { metadata: StripeMetadata | null; subscription: string };
  } | null;
  payments?: {
    object: "list";
    data: SimInvoicePaymentObject[];
    has_more: boolean;
    url: string;
  };
  period_end: number;
  period_start: number;
  post_payment_credit_notes_amount: number;
  pre_payment_credit_notes_amount: number;
  status: "draft" | "open" | "paid" | "uncollectible" | "void" | null;
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

/** A Checkout Session in `subscription` mode (the fields that differ from payment mode). */
export type SimSubscriptionCheckoutSessionObject = {
  id: string;
  object: "checkout.session";
  amount_subtotal: number;
  amount_total: number;
  cancel_url: string;
  client_reference_id: string | null;
  created: number;
  currency: string;
  customer: string;
  expires_at: number;
  invoice: string | null;
  livemode: boolean;
  locale: string | null;
  metadata: StripeMetadata;
  mode: "subscription";
  payment_intent: null;
  payment_method_types: string[];
  payment_status: "paid" | "unpaid" | "no_payment_required";
  status: "open" | "complete" | "expired";
  subscription: string | null;
  success_url: string;
  url: string | null;
};

export type SimPortalSessionObject = {
  id: string;
  object: "billing_portal.session";
  configuration: string;
  created: number;
  customer: string;
  livemode: boolean;
  locale: string | null;
  return_url: string;
  url: string;
};

/** A payment intent of an invoice: 3-D Secure leaves it in `requires_action`. */
export type SimInvoicePaymentIntentObject = {
  id: string;
  object: "payment_intent";
  amount: number;
  amount_received: number;
  created: number;
  currency: string;
  customer: string;
  last_payment_error: { code: string; message: string; type: "card_error" } | null;
  latest_charge: string | null;
  livemode: boolean;
  metadata: StripeMetadata;
  status: "succeeded" | "requires_payment_method" | "requires_action";
  transfer_group: string | null;
};
