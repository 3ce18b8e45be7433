import type Stripe from "stripe";
import { describe, expectTypeOf, it } from "vitest";
import type { SdkMismatches } from "../testing/sdk-types";
import type * as sim from "./billing-objects";

/**
 * The simulator's objects are subsets of the full ones in `wire/stripe-billing.ts` (held to
 * the SDK in `wire/stripe-billing.test.ts`); what a subset narrows or nests must still be
 * the SDK's, so the code reading real Stripe objects reads the simulated ones unchanged.
 * (Nested lists and objects are held to it through their own types.)
 */
describe("simulated Stripe Billing objects", () => {
  it("have the fields and types of the pinned SDK's", () => {
    expectTypeOf<SdkMismatches<sim.SimProductObject, Stripe.Product>>().toBeNever();
    expectTypeOf<SdkMismatches<sim.SimPriceObject, Stripe.Price>>().toBeNever();
    expectTypeOf<SdkMismatches<sim.SimCustomerObject, Stripe.Customer>>().toBeNever();
    expectTypeOf<
      SdkMismatches<sim.SimSubscriptionItemObject, Stripe.SubscriptionItem, "price">
    >().toBeNever();
    expectTypeOf<
      SdkMismatches<sim.SimSubscriptionObject, Stripe.Subscription, "items">
    >().toBeNever();
    expectTypeOf<
      SdkMismatches<sim.SimInvoiceObject, Stripe.Invoice, "lines" | "payments" | "parent">
    >().toBeNever();
    expectTypeOf<
      SdkMismatches<sim.SimSubscriptionCheckoutSessionObject, Stripe.Checkout.Session>
    >().toBeNever();
    expectTypeOf<
      SdkMismatches<sim.SimPortalSessionObject, Stripe.BillingPortal.Session>
    >().toBeNever();
  });
});
