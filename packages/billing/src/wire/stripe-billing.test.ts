import type Stripe from "stripe";
import { describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
// Through `wire/stripe.ts`, as `stripeWire` consumers see them.
import * as wire from "./stripe";
import type { SdkMismatches } from "../testing/sdk-types";

describe("Stripe Billing wire shapes", () => {
  const at = 1_894_000_000;
  const month = 30 * 86_400;

  const price: wire.PriceObject = {
    id: "price_pro_eur_month",
    object: "price",
    active: true,
    billing_scheme: "per_unit",
    created: at,
    currency: "eur",
    custom_unit_amount: null,
    livemode: false,
    lookup_key: null,
    metadata: { plan_price_id: "pp-1" },
    nickname: null,
    product: "prod_pro",
    recurring: {
      interval: "month",
      interval_count: 1,
      meter: null,
      trial_period_days: null,
      usage_type: "licensed",
    },
    tax_behavior: "unspecified",
    tiers_mode: null,
    transform_quantity: null,
    type: "recurring",
    unit_amount: 1_900,
    unit_amount_decimal: "1900",
  };

  const subscription: wire.SubscriptionObject = {
    id: "sub_1",
    object: "subscription",
    billing_cycle_anchor: at,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
    collection_method: "charge_automatically",
    created: at,
    currency: "eur",
    customer: "cus_1",
    default_payment_method: "pm_1",
    description: null,
    discounts: [],
    ended_at: null,
    items: {
      object: "list",
      data: [
        {
          id: "si_1",
          object: "subscription_item",
          billing_thresholds: null,
          created: at,
          current_period_end: at + month,
          current_period_start: at,
          discounts: [],
          metadata: {},
          price,
          quantity: 1,
          subscription: "sub_1",
          tax_rates: [],
        },
      ],
      has_more: false,
      total_count: 1,
      url: "/v1/subscription_items?subscription=sub_1",
    },
    latest_invoice: "in_1",
    livemode: false,
    metadata: { user_id: "u-1", checkout_id: "c-1" },
    pending_update: null,
    schedule: null,
    start_date: at,
    status: "active",
    test_clock: "clock_1",
    trial_end: null,
    trial_start: null,
  };

  const invoice: wire.InvoiceObject = {
    id: "in_1",
    object: "invoice",
    amount_due: 1_900,
    amount_overpaid: 0,
    amount_paid: 1_900,
    amount_remaining: 0,
    attempt_count: 1,
    attempted: true,
    billing_reason: "subscription_create",
    collection_method: "charge_automatically",
    created: at,
    currency: "eur",
    customer: "cus_1",
    customer_email: "sam@demo.advisor.network",
    hosted_invoice_url: "https://invoice.stripe.com/i/in_1",
    invoice_pdf: null,
    lines: {
      object: "list",
      data: [
        {
          id: "il_1",
          object: "line_item",
          amount: 1_900,
          currency: "eur",
          description: "1 × Pro",
          invoice: "in_1",
          livemode: false,
          metadata: {},
          parent: {
            type: "subscription_item_details",
            subscription_item_details: {
              invoice_item: null,
              proration: false,
              subscription: "sub_1",
              subscription_item: "si_1",
            },
          },
          period: { start: at, end: at + month },
          pricing: {
            type: "price_details",
            price_details: { price: "price_pro_eur_month", product: "prod_pro" },
            unit_amount_decimal: "1900",
          },
          quantity: 1,
          subscription: "sub_1",
        },
      ],
      has_more: false,
      total_count: 1,
      url: "/v1/invoices/in_1/lines",
    },
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: "AN-0001",
    parent: {
      quote_details: null,
      subscription_details: { metadata: { user_id: "u-1" }, subscription: "sub_1" },
      type: "subscription_details",
    },
    payments: {
      object: "list",
      data: [
        {
          id: "inpay_1",
          object: "invoice_payment",
          amount_paid: 1_900,
          amount_requested: 1_900,
          created: at,
          currency: "eur",
          invoice: "in_1",
          is_default: true,
          livemode: false,
          payment: { type: "payment_intent", payment_intent: "pi_1" },
          status: "paid",
          status_transitions: { canceled_at: null, paid_at: at },
        },
      ],
      has_more: false,
      url: "/v1/invoice_payments",
    },
    period_end: at,
    period_start: at,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    status: "paid",
    status_transitions: {
      finalized_at: at,
      marked_uncollectible_at: null,
      paid_at: at,
      voided_at: null,
    },
    subtotal: 1_900,
    test_clock: "clock_1",
    total: 1_900,
  };

  const session: wire.SubscriptionCheckoutSessionObject = {
    id: "cs_sub_1",
    object: "checkout.session",
    amount_subtotal: 1_900,
    amount_total: 1_900,
    cancel_url: "http://app.test/billing",
    client_reference_id: "u-1",
    created: at,
    currency: "eur",
    customer: "cus_1",
    customer_details: { email: "sam@demo.advisor.network", name: null },
    customer_email: null,
    expires_at: at + 3_600,
    invoice: "in_1",
    livemode: false,
    locale: "de",
    metadata: { user_id: "u-1", checkout_id: "c-1" },
    mode: "subscription",
    payment_intent: null,
    payment_method_types: ["card"],
    payment_status: "paid",
    status: "complete",
    subscription: "sub_1",
    success_url: "http://app.test/billing/done",
    url: null,
  };

  const customer: wire.CustomerObject = {
    id: "cus_1",
    object: "customer",
    balance: 0,
    created: at,
    default_source: null,
    description: null,
    email: "sam@demo.advisor.network",
    invoice_settings: {
      custom_fields: null,
      default_payment_method: "pm_1",
      footer: null,
      rendering_options: null,
    },
    livemode: false,
    metadata: { user_id: "u-1" },
    name: "Sam",
    preferred_locales: ["de"],
    shipping: null,
    test_clock: "clock_1",
  };

  it("keep the full objects to the fields and types the SDK has for this API version", () => {
    // Each field has the SDK's name and a type the SDK's accepts, so the code reading real
    // Stripe objects reads these (and the simulator's subsets of them) unchanged. Lists and
    // nested objects are held to it through their own types, or are subsets of the SDK's
    // (only their names are checked); a decimal is a string in JSON, the SDK's own class.
    expectTypeOf<
      SdkMismatches<wire.SubscriptionObject, Stripe.Subscription, "items">
    >().toBeNever();
    expectTypeOf<
      SdkMismatches<wire.SubscriptionItemObject, Stripe.SubscriptionItem, "price">
    >().toBeNever();
    expectTypeOf<
      SdkMismatches<wire.SubscriptionScheduleObject, Stripe.SubscriptionSchedule, "phases">
    >().toBeNever();
    expectTypeOf<
      SdkMismatches<wire.InvoiceObject, Stripe.Invoice, "lines" | "payments" | "parent">
    >().toBeNever();
    expectTypeOf<wire.InvoiceObject["parent"]>().toExtend<Stripe.Invoice["parent"]>();
    expectTypeOf<
      SdkMismatches<wire.InvoiceLineItemObject, Stripe.InvoiceLineItem, "parent" | "pricing">
    >().toBeNever();
    expectTypeOf<SdkMismatches<wire.InvoicePaymentObject, Stripe.InvoicePayment>>().toBeNever();
    expectTypeOf<
      SdkMismatches<wire.InvoicePaymentIntentObject, Stripe.PaymentIntent>
    >().toBeNever();
    expectTypeOf<SdkMismatches<wire.CustomerObject, Stripe.Customer>>().toBeNever();
    expectTypeOf<
      SdkMismatches<wire.PriceObject, Stripe.Price, "unit_amount_decimal">
    >().toBeNever();
    expectTypeOf<SdkMismatches<wire.ProductObject, Stripe.Product>>().toBeNever();
    expectTypeOf<
      SdkMismatches<wire.PaymentMethodObject, Stripe.PaymentMethod, "billing_details" | "card">
    >().toBeNever();
    expectTypeOf<
      SdkMismatches<
        wire.SubscriptionCheckoutSessionObject,
        Stripe.Checkout.Session,
        "customer_details"
      >
    >().toBeNever();
    expectTypeOf<
      SdkMismatches<wire.BillingPortalSessionObject, Stripe.BillingPortal.Session>
    >().toBeNever();
  });

  it("accept the full objects (types)", () => {
    expectTypeOf<wire.SubscriptionObject>().toExtend<z.input<typeof wire.billingSubscription>>();
    expectTypeOf<wire.InvoiceObject>().toExtend<z.input<typeof wire.billingInvoice>>();
    expectTypeOf<wire.SubscriptionCheckoutSessionObject>().toExtend<
      z.input<typeof wire.subscriptionCheckoutSession>
    >();
    expectTypeOf<wire.SubscriptionCheckoutSessionObject>().toExtend<
      z.input<typeof wire.checkoutSession>
    >();
  });

  it("parse each full object and find its customer", () => {
    expect(wire.billingSubscription.parse(subscription)).toMatchObject({
      id: "sub_1",
      customer: "cus_1",
      status: "active",
      metadata: { user_id: "u-1", checkout_id: "c-1" },
    });
    expect(wire.billingInvoice.parse(invoice)).toMatchObject({
      customer: "cus_1",
      parent: { subscription_details: { subscription: "sub_1" } },
    });
    expect(wire.subscriptionCheckoutSession.parse(session)).toMatchObject({
      customer: "cus_1",
      subscription: "sub_1",
    });
    // A subscription-mode session still passes the payment-mode shape, so the processor must
    // branch on `mode` before handling it as a consultation payment.
    expect(wire.checkoutSession.safeParse(session).success).toBe(true);

    const envelope = (type: string, object: unknown) =>
      wire.ingestEvent.parse({ id: "evt_1", type, data: { object } });
    expect(envelope("customer.subscription.updated", subscription).data.object.id).toBe("sub_1");
    expect(wire.customerIdOf("customer.subscription.created", subscription)).toBe("cus_1");
    expect(wire.customerIdOf("customer.subscription.deleted", subscription)).toBe("cus_1");
    expect(wire.customerIdOf("invoice.payment_failed", invoice)).toBe("cus_1");
    expect(wire.customerIdOf("checkout.session.completed", session)).toBe("cus_1");
    expect(wire.customerIdOf("checkout.session.expired", session)).toBe("cus_1");
  });

  it("read an expanded customer, and nothing from other events or payment-mode sessions", () => {
    expect(wire.customerIdOf("customer.subscription.updated", { ...subscription, customer })).toBe(
      "cus_1",
    );
    expect(wire.customerIdOf("invoice.paid", { ...invoice, customer })).toBe("cus_1");
    expect(wire.customerIdOf("invoice.paid", { ...invoice, customer: null })).toBeNull();
    const paymentSession = { ...session, mode: "payment", customer: "cus_9" };
    expect(wire.customerIdOf("checkout.session.completed", paymentSession)).toBeNull();
    expect(wire.customerIdOf("charge.refunded", { id: "ch_1", customer: "cus_1" })).toBeNull();
    expect(wire.customerIdOf("customer.subscription.updated", { id: "sub_1" })).toBeNull();

    expect(wire.isBillingEvent("invoice.payment_action_required", invoice)).toBe(true);
    expect(wire.isBillingEvent("customer.subscription.trial_will_end", subscription)).toBe(true);
    expect(wire.isBillingEvent("checkout.session.completed", session)).toBe(true);
    expect(wire.isBillingEvent("checkout.session.completed", paymentSession)).toBe(false);
    expect(wire.isBillingEvent("charge.refunded", {})).toBe(false);
  });
});
