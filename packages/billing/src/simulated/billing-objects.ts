import type {
  BillingPortalSessionObject,
  CustomerObject,
  InvoiceObject,
  PriceObject,
  ProductObject,
  StripeListObject,
  SubscriptionCheckoutSessionObject,
  SubscriptionItemObject,
  SubscriptionObject,
} from "../wire/stripe";

/*
 * The Stripe Billing objects the simulated Stripe builds: subsets of the full objects in
 * `wire/stripe-billing.ts` (the one declaration of each), picking the fields we read and the
 * ones that locate data in the pinned API version (period fields on subscription items; an
 * invoice's subscription under `parent.subscription_details`; its payment intents under
 * `payments`). Invoice lines, invoice payments and invoice payment intents are built whole,
 * so the simulator uses the wire types for them directly.
 */

export type SimRecurringInterval = PriceObject["recurring"]["interval"];

export type SimProductObject = Pick<
  ProductObject,
  "id" | "object" | "active" | "created" | "livemode" | "metadata" | "name"
>;

export type SimPriceObject = Pick<
  PriceObject,
  | "id"
  | "object"
  | "active"
  | "billing_scheme"
  | "created"
  | "currency"
  | "livemode"
  | "metadata"
  | "product"
  | "recurring"
  | "type"
  | "unit_amount"
>;

export type SimCustomerObject = Pick<
  CustomerObject,
  | "id"
  | "object"
  | "created"
  | "email"
  | "invoice_settings"
  | "livemode"
  | "metadata"
  | "name"
  | "preferred_locales"
  | "test_clock"
>;

export type SimSubscriptionItemObject = Pick<
  SubscriptionItemObject,
  | "id"
  | "object"
  | "created"
  | "current_period_end"
  | "current_period_start"
  | "metadata"
  | "quantity"
  | "subscription"
> & { price: SimPriceObject };

export type SimSubscriptionObject = Pick<
  SubscriptionObject,
  | "id"
  | "object"
  | "billing_cycle_anchor"
  | "cancel_at"
  | "cancel_at_period_end"
  | "canceled_at"
  | "cancellation_details"
  | "collection_method"
  | "created"
  | "currency"
  | "customer"
  | "default_payment_method"
  | "ended_at"
  | "latest_invoice"
  | "livemode"
  | "metadata"
  | "schedule"
  | "start_date"
  | "status"
  | "test_clock"
  | "trial_end"
  | "trial_start"
> & { items: StripeListObject<SimSubscriptionItemObject> };

export type SimInvoiceBillingReason = NonNullable<InvoiceObject["billing_reason"]>;

export type SimInvoiceObject = Pick<
  InvoiceObject,
  | "id"
  | "object"
  | "amount_due"
  | "amount_paid"
  | "amount_remaining"
  | "attempt_count"
  | "attempted"
  | "billing_reason"
  | "collection_method"
  | "created"
  | "currency"
  | "customer"
  | "customer_email"
  | "hosted_invoice_url"
  | "lines"
  | "livemode"
  | "metadata"
  | "next_payment_attempt"
  | "number"
  | "parent"
  | "payments"
  | "period_end"
  | "period_start"
  | "post_payment_credit_notes_amount"
  | "pre_payment_credit_notes_amount"
  | "status"
  | "status_transitions"
  | "subtotal"
  | "test_clock"
  | "total"
>;

/** The simulator's sessions are always for an existing customer (the port requires one). */
export type SimSubscriptionCheckoutSessionObject = Pick<
  SubscriptionCheckoutSessionObject,
  | "id"
  | "object"
  | "amount_subtotal"
  | "amount_total"
  | "cancel_url"
  | "client_reference_id"
  | "created"
  | "currency"
  | "expires_at"
  | "invoice"
  | "livemode"
  | "locale"
  | "metadata"
  | "mode"
  | "payment_intent"
  | "payment_method_types"
  | "payment_status"
  | "status"
  | "subscription"
  | "success_url"
  | "url"
> & { customer: string };

export type SimPortalSessionObject = Pick<
  BillingPortalSessionObject,
  | "id"
  | "object"
  | "configuration"
  | "created"
  | "customer"
  | "livemode"
  | "locale"
  | "return_url"
  | "url"
>;
