import { z } from "zod";

/**
 * What Stripe sends us, in one place: the event envelope and the objects we read (Checkout
 * Sessions, payment intents, charges, refunds, disputes, Connect accounts, transfers and
 * their reversals, balance transactions). The zod shapes are what the webhook route and
 * the processor accept, parsed defensively: unknown keys are allowed (Stripe adds fields
 * over time) and only what we use is required. The object types are the full shapes as
 * Stripe returns and sends them, which the simulated Stripe builds; every full object
 * passes its shape (`wire/stripe.test.ts` holds them to that).
 */

// ---------------------------------------------------------------------------------------
// Shapes we parse

/** The little of a Stripe event ingest needs (the webhook route); the processor reads the rest. */
export const ingestEvent = z.looseObject({
  id: z.string().min(1).max(255),
  /** Connect events: the connected account (`acct_…`). */
  account: z.string().min(1).max(255).optional(),
  type: z.string().min(1).max(255),
  data: z.looseObject({
    object: z.looseObject({ id: z.string().min(1).max(255).optional() }),
  }),
});

/** A Stripe event as the processor reads it: id, type, and the object it is about. */
export const event = z.looseObject({
  id: z.string().min(1),
  type: z.string().min(1),
  /** When the event happened at Stripe, in whole seconds since the epoch. */
  created: z.number().int().nonnegative().nullish(),
  data: z.looseObject({ object: z.unknown() }),
});

/** A Connect event: Stripe's envelope plus the connected account it happened on. */
export const connectEvent = z.looseObject({
  id: z.string().min(1),
  type: z.string().min(1),
  account: z.string().min(1).nullish(),
  data: z.looseObject({
    object: z.looseObject({
      id: z.string().nullish(),
      /** `capability.updated`: the capability's account. */
      account: z.string().nullish(),
    }),
  }),
});

/** An id, or the object it names when expanded. */
const expandable = z
  .union([z.string(), z.looseObject({ id: z.string() })])
  .nullish()
  .transform((v) => (v == null ? null : typeof v === "string" ? v : v.id));

/** Stripe's metadata, keeping the string values (all Stripe stores). */
const metadata = z
  .record(z.string(), z.unknown())
  .nullish()
  .transform((m) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(m ?? {})) if (typeof v === "string") out[k] = v;
    return out;
  });

/** Stripe sends lowercase ISO codes; we store uppercase. */
const currency = z
  .string()
  .min(3)
  .max(3)
  .transform((c) => c.toUpperCase());

export const checkoutSession = z.looseObject({
  id: z.string().min(1),
  amount_total: z.number().int().nonnegative().nullish(),
  currency: currency.nullish(),
  payment_status: z.enum(["paid", "unpaid", "no_payment_required"]),
  payment_intent: expandable,
  client_reference_id: z.string().nullish(),
  metadata,
});
export type ParsedCheckoutSession = z.output<typeof checkoutSession>;

export const refund = z.looseObject({
  id: z.string().min(1),
  amount: z.number().int().nonnegative(),
  currency,
  status: z.string().nullish(),
  metadata,
});
export type ParsedRefund = z.output<typeof refund>;

export const charge = z.looseObject({
  id: z.string().min(1),
  amount: z.number().int().nonnegative(),
  amount_refunded: z.number().int().nonnegative().default(0),
  currency,
  payment_intent: expandable,
  metadata,
  /** Only present when the endpoint's API version (or an expansion) includes it. */
  refunds: z.looseObject({ data: z.array(refund) }).nullish(),
});
export type ParsedCharge = z.output<typeof charge>;

export const dispute = z.looseObject({
  id: z.string().min(1),
  amount: z.number().int().nonnegative(),
  currency,
  charge: expandable,
  payment_intent: expandable,
  status: z.string(),
  metadata,
  balance_transactions: z
    .array(z.looseObject({ fee: z.number().int().nullish(), currency: z.string().nullish() }))
    .nullish(),
});
export type ParsedDispute = z.output<typeof dispute>;

// Platform subscriptions (Stripe Billing). The worker never applies these payloads: it
// re-reads the customer's subscriptions from Stripe, so all it needs is the customer.

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
// Full objects, as Stripe returns and sends them

export type StripeMetadata = Record<string, string>;

/** The envelope of every Stripe webhook event (`Stripe.Event`, minus nothing we use). */
export type StripeEventEnvelope<T = unknown> = {
  id: string;
  object: "event";
  api_version: string;
  created: number;
  data: { object: T; previous_attributes?: Record<string, unknown> };
  livemode: boolean;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
  /** Connect events only: the connected account the event happened on. */
  account?: string;
};

/** A Checkout Session in `payment` mode. */
export type CheckoutSessionObject = {
  id: string;
  object: "checkout.session";
  amount_subtotal: number;
  amount_total: number;
  cancel_url: string;
  client_reference_id: string | null;
  created: number;
  /** Lowercase ISO code, as Stripe writes it. */
  currency: string;
  customer_details: { email: string | null; name: string | null } | null;
  customer_email: string | null;
  expires_at: number;
  livemode: boolean;
  locale: string | null;
  metadata: StripeMetadata;
  mode: "payment";
  payment_intent: string | null;
  payment_method_types: string[];
  payment_status: "paid" | "unpaid" | "no_payment_required";
  status: "open" | "complete" | "expired";
  success_url: string;
  /** Only while the session is open. */
  url: string | null;
};

export type PaymentIntentObject = {
  id: string;
  object: "payment_intent";
  amount: number;
  amount_received: number;
  created: number;
  currency: string;
  last_payment_error: { code: string; message: string; type: "card_error" } | null;
  latest_charge: string | null;
  livemode: boolean;
  metadata: StripeMetadata;
  status: "succeeded" | "requires_payment_method";
  transfer_group: string | null;
};

export type RefundObject = {
  id: string;
  object: "refund";
  amount: number;
  balance_transaction: string;
  charge: string;
  created: number;
  currency: string;
  metadata: StripeMetadata;
  payment_intent: string;
  reason: "requested_by_customer" | "duplicate" | "fraudulent" | null;
  status: "succeeded";
};

export type ChargeObject = {
  id: string;
  object: "charge";
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  balance_transaction: string;
  captured: boolean;
  created: number;
  currency: string;
  disputed: boolean;
  livemode: boolean;
  metadata: StripeMetadata;
  paid: boolean;
  payment_intent: string;
  refunded: boolean;
  /** Newest first, as Stripe lists them. */
  refunds: {
    object: "list";
    data: RefundObject[];
    has_more: false;
    total_count: number;
    url: string;
  };
  status: "succeeded";
  transfer_group: string | null;
};

/** A balance transaction of a dispute, as embedded in the dispute. */
export type DisputeBalanceTransactionObject = {
  id: string;
  object: "balance_transaction";
  /** Signed: a dispute withdraws (negative), a won dispute reinstates (positive). */
  amount: number;
  created: number;
  currency: string;
  description: string;
  fee: number;
  fee_details: { amount: number; currency: string; description: string; type: "stripe_fee" }[];
  net: number;
  reporting_category: "dispute" | "dispute_reversal";
  status: "available";
  type: "adjustment";
};

export type DisputeObject = {
  id: string;
  object: "dispute";
  amount: number;
  balance_transactions: DisputeBalanceTransactionObject[];
  charge: string;
  created: number;
  currency: string;
  evidence_details: {
    due_by: number;
    has_evidence: boolean;
    past_due: boolean;
    submission_count: number;
  };
  is_charge_refundable: boolean;
  livemode: boolean;
  metadata: StripeMetadata;
  payment_intent: string;
  reason: "fraudulent";
  status: "needs_response" | "under_review" | "won" | "lost";
};

/** A connected Express account, as Stripe returns it and sends it in `account.updated`. */
export type AccountObject = {
  id: string;
  object: "account";
  business_type: "individual";
  capabilities: { transfers: "active" | "inactive" | "pending" };
  charges_enabled: boolean;
  controller: {
    fees: { payer: "application" };
    is_controller: true;
    losses: { payments: "application" };
    requirement_collection: "stripe";
    stripe_dashboard: { type: "express" };
    type: "application";
  };
  country: string;
  created: number;
  default_currency: string;
  details_submitted: boolean;
  email: string | null;
  metadata: StripeMetadata;
  payouts_enabled: boolean;
  requirements: {
    current_deadline: number | null;
    currently_due: string[];
    disabled_reason: string | null;
    errors: never[];
    eventually_due: string[];
    past_due: string[];
    pending_verification: string[];
  };
  type: "express";
};

export type TransferReversalObject = {
  id: string;
  object: "transfer_reversal";
  amount: number;
  balance_transaction: string;
  created: number;
  currency: string;
  metadata: StripeMetadata;
  transfer: string;
};

export type TransferObject = {
  id: string;
  object: "transfer";
  amount: number;
  amount_reversed: number;
  balance_transaction: string;
  created: number;
  currency: string;
  destination: string;
  livemode: boolean;
  metadata: StripeMetadata;
  reversed: boolean;
  source_transaction: string | null;
  transfer_group: string | null;
};

/**
 * One movement of the platform's balance, as `GET /v1/balance_transactions` lists it:
 * `charge` (amount and Stripe's fee), `refund`, `adjustment` (disputes), `transfer` (to a
 * connected account, negative) and `transfer_refund` (a reversal, positive).
 */
export type BalanceTransactionObject = {
  id: string;
  object: "balance_transaction";
  type: "charge" | "refund" | "adjustment" | "transfer" | "transfer_refund";
  amount: number;
  fee: number;
  net: number;
  currency: string;
  /** The object it is for: `ch_…`, `re_…`, `dp_…`, `tr_…`, `trr_…`. */
  source: string;
  created: number;
};

/** A payout from a connected balance to the advisor's bank (`payout.*` Connect events). */
export type PayoutObject = {
  id: string;
  object: "payout";
  amount: number;
  arrival_date: number;
  created: number;
  currency: string;
  method: "standard" | "instant";
  status: "paid" | "pending" | "in_transit" | "canceled" | "failed";
  type: "bank_account" | "card";
};

// ---------------------------------------------------------------------------------------
// Platform subscriptions (Stripe Billing): full objects of API `2026-10-28.endive`

/** A list as Stripe embeds it in an object (`items`, `payments`). */
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

export type SubscriptionStatus =
  | "incomplete"
  | "incomplete_expired"
  | "trialing"
  | "active"
  | "past_due"
  | "unpaid"
  | "canceled"
  | "paused";

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
    feedback: string | null;
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
  livemode: boolean;
  metadata: StripeMetadata;
  next_payment_attempt: number | null;
  number: string | null;
  parent: {
    quote_details: null;
    subscription_details: { metadata: StripeMetadata | null; subscription: string } | null;
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
