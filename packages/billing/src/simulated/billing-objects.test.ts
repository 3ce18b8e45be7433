import type Stripe from "stripe";
import { describe, expectTypeOf, it } from "vitest";
import type * as sim from "./billing-objects";

/**
 * Each field the simulator writes has the SDK's name and a type the SDK's accepts, so the
 * code reading real Stripe objects reads the simulated ones unchanged. (Nested lists and
 * objects are held to it through their own types.)
 */
type Mismatches<Sim, Sdk, Nested extends keyof Sim = never> = {
  [K in Exclude<keyof Sim, Nested>]: K extends keyof Sdk ? (Sim[K] extends Sdk[K] ? never : K) : K;
}[Exclude<keyof Sim, Nested>];

describe("simulated Stripe Billing objects", () => {
  it("have the fields and types of the pinned SDK's", () => {
    expectTypeOf<Mismatches<sim.SimProductObject, Stripe.Product>>().toBeNever();
    expectTypeOf<Mismatches<sim.SimPriceObject, Stripe.Price>>().toBeNever();
    expectTypeOf<Mismatches<sim.SimCustomerObject, Stripe.Customer>>().toBeNever();
    expectTypeOf<
      Mismatches<sim.SimSubscriptionItemObject, Stripe.SubscriptionItem, "price">
    >().toBeNever();
    expectTypeOf<Mismatches<sim.SimSubscriptionObject, Stripe.Subscription, "items">>().toBeNever();
    expectTypeOf<
      Mismatches<sim.SimInvoiceLineItemObject, Stripe.InvoiceLineItem, "parent" | "pricing">
    >().toBeNever();
    expectTypeOf<
      Mismatches<sim.SimInvoiceObject, Stripe.Invoice, "lines" | "payments" | "parent">
    >().toBeNever();
    expectTypeOf<sim.SimInvoiceObject["parent"]>().toExtend<Stripe.Invoice["parent"]>();
    expectTypeOf<Mismatches<sim.SimInvoicePaymentObject, Stripe.InvoicePayment>>().toBeNever();
    expectTypeOf<
      Mismatches<sim.SimSubscriptionCheckoutSessionObject, Stripe.Checkout.Session>
    >().toBeNever();
    expectTypeOf<
      Mismatches<sim.SimPortalSessionObject, Stripe.BillingPortal.Session>
    >().toBeNever();
    expectTypeOf<Mismatches<sim.SimInvoicePaymentIntentObject, Stripe.PaymentIntent>>().toBeNever();
  });
});
