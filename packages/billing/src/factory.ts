import { createCalcomScheduling } from "./calcom/scheduling";
import type { BillingConfig } from "./config";
import type { PaymentPort, SchedulingPort, SubscriptionBillingPort } from "./ports";
import { createSimulatedPayments } from "./simulated/payments";
import { createSimulatedScheduling } from "./simulated/scheduling";
import { createSimulatedSubscriptions } from "./simulated/subscriptions";
import type { SimulatorRuntime } from "./simulated/store";
import { createStripePayments } from "./stripe/payments";
import { createStripeSubscriptions } from "./stripe/subscriptions";

export type Providers = {
  payments: PaymentPort;
  scheduling: SchedulingPort;
  /** The platform's own subscriptions (Stripe Billing); real whenever payments are. */
  subscriptions: SubscriptionBillingPort;
};

/**
 * The payment and scheduling providers for this process: the real Stripe and Cal.com
 * adapters when keys are configured, the simulators otherwise (never in production:
 * `resolveBillingConfig` refuses that).
 */
export function createProviders(config: BillingConfig, sim: SimulatorRuntime): Providers {
  return {
    payments:
      config.choice.payments === "real"
        ? createStripePayments(config)
        : createSimulatedPayments(config, sim),
    subscriptions:
      config.choice.payments === "real"
        ? createStripeSubscriptions(config)
        : createSimulatedSubscriptions(config, sim),
    scheduling:
      config.choice.scheduling === "real"
        ? createCalcomScheduling(config)
        : createSimulatedScheduling(config, sim),
  };
}
