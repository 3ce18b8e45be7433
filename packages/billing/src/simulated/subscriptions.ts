import type { BillingConfig } from "../config";
import type { SubscriptionBillingPort } from "../ports";
import type { SimulatorRuntime } from "./store";

// PLACEHOLDER (foundation commit): implemented by the simulator work of issue 14.
// (wt-3: fails on use rather than on construction, so processes and tests that don't use
// it can build their providers; drop this change at merge in favour of the simulator.)
export function createSimulatedSubscriptions(
  _config: BillingConfig,
  _runtime: SimulatorRuntime,
): SubscriptionBillingPort {
  return new Proxy({ mode: "simulated" } as SubscriptionBillingPort, {
    get: (target, key) =>
      key in target
        ? (target as unknown as Record<string | symbol, unknown>)[key]
        : () => Promise.reject(new Error("not implemented yet")),
  });
}
