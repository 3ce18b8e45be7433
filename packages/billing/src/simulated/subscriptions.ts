import type { BillingConfig } from "../config";
import type { SubscriptionBillingPort } from "../ports";
import type { SimulatorRuntime } from "./store";

// PLACEHOLDER (foundation commit): implemented by the simulator work of issue 14.
export function createSimulatedSubscriptions(
  _config: BillingConfig,
  _runtime: SimulatorRuntime,
): SubscriptionBillingPort {
  throw new Error("not implemented yet");
}
