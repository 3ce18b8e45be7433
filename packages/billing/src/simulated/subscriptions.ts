import type { BillingConfig } from "../config";
import type { SubscriptionBillingPort } from "../ports";
import { createSimBillingCancellation } from "./billing-cancellation";
import { createSimBillingCatalog } from "./billing-catalog";
import { createSimBillingCheckout, type SimBillingCheckoutControls } from "./billing-checkout";
import { createSimBillingClock, type SimBillingClockControls } from "./billing-clock";
import { createSimBillingContext } from "./billing-context";
import { createSimBillingCustomers, type SimBillingCardControls } from "./billing-customers";
import { createSimBillingInvoices, type SimBillingInvoiceControls } from "./billing-invoices";
import { createSimBillingPortal, type SimBillingPortalControls } from "./billing-portal";
import type { SimulatorRuntime } from "./store";

export {
  addBillingInterval,
  SIM_CARDS,
  SIM_DUNNING_RETRY_DAYS,
  type SimBillingCustomerRecord,
  type SimCard,
  type SimCheckoutView,
  type SimInvoiceRecord,
  type SimPortalRecord,
  type SimPortalView,
  type SimPriceView,
  simProration,
  type SimSubscriptionCheckoutRecord,
  type SimSubscriptionRecord,
} from "./billing-model";

export type SimulatedSubscriptions = SubscriptionBillingPort &
  SimBillingClockControls &
  SimBillingCardControls &
  SimBillingCheckoutControls &
  SimBillingInvoiceControls &
  SimBillingPortalControls & {
    readonly mode: "simulated";
  };

/**
 * The simulated Stripe Billing: products, prices, customers on their own test clocks,
 * subscription-mode Checkout, the customer portal, subscriptions, invoices and dunning, in
 * the `SimStore`; Stripe-shaped events handed to `runtime.deliver` (signed and posted to
 * our own `/webhooks/stripe`). Invoice payments are charges, payment intents and balance
 * transactions of the payment simulator's kinds, so `PaymentPort.retrieveCharge` and the
 * balance listings see them. Idempotency keys behave as Stripe's.
 */
export function createSimulatedSubscriptions(
  config: BillingConfig,
  runtime: SimulatorRuntime,
): SimulatedSubscriptions {
  const ctx = createSimBillingContext(config, runtime);
  const invoices = createSimBillingInvoices(ctx);
  const customers = createSimBillingCustomers(ctx);
  const cancellation = createSimBillingCancellation(ctx, invoices);
  return {
    mode: "simulated",
    ...createSimBillingCatalog(ctx),
    ...customers.api,
    ...createSimBillingCheckout(ctx, invoices),
    ...invoices.api,
    ...cancellation.api,
    ...createSimBillingClock(ctx, invoices),
    ...createSimBillingPortal(ctx, {
      invoices,
      cancellation,
      setCustomerCard: customers.setCustomerCard,
    }),
  };
}

/** Whether a subscriptions port is the simulator (whose test clock and card the sandbox drives). */
export function isSimulatedSubscriptions(
  port: SubscriptionBillingPort,
): port is SimulatedSubscriptions {
  return port.mode === "simulated" && "advanceClock" in port;
}
