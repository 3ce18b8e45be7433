import type { BillingConfig } from "./config";
import type { PaymentPort, SchedulingPort } from "./ports";
import type { SimDelivery, SimStore } from "./simulated/store";

export type SimulatorRuntime = {
  store: SimStore;
  deliver: SimDelivery;
  now?: () => Date;
};

export type Providers = { payments: PaymentPort; scheduling: SchedulingPort };

const pending = (what: string) => () => {
  throw new Error(`${what}: not wired yet`);
};

/**
 * The payment and scheduling providers for this process: the real Stripe and Cal.com
 * adapters when keys are configured, the simulators otherwise (never in production:
 * `resolveBillingConfig` refuses that).
 */
export function createProviders(config: BillingConfig, sim: SimulatorRuntime): Providers {
  void sim;
  return {
    payments: {
      mode: config.choice.payments,
      createCheckoutSession: pending("payments"),
      expireCheckoutSession: pending("payments"),
      retrieveCheckoutSession: pending("payments"),
      retrieveCharge: pending("payments"),
      refund: pending("payments"),
    },
    scheduling: {
      mode: config.choice.scheduling,
      bookingUrl: pending("scheduling"),
      cancelBooking: pending("scheduling"),
      listBookings: pending("scheduling"),
    },
  };
}
