/**
 * The full objects of Stripe's payments and Connect, as Stripe returns and sends them, which
 * the simulated Stripe builds; every full object passes its shape in `wire/stripe.ts`
 * (`wire/stripe.test.ts` holds them to that).
 */

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
  /** `recipient` for a cross-border account (transfers only); `full` otherwise. */
  tos_acceptance: { service_agreement: "full" | "recipient" };
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
  /**
   * Set when the money was converted (a charge in a currency the balance doesn't hold):
   * the source's amount in its currency × this rate = `amount`, in major units.
   */
  exchange_rate?: number | null;
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
