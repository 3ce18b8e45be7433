import type { BillingConfig } from "../config";
import type { SubscriptionBillingPort } from "../ports";

// PLACEHOLDER (foundation commit): implemented by the Stripe adapter work of issue 14.
export function createStripeSubscriptions(_config: BillingConfig): SubscriptionBillingPort {
  throw new Error("not implemented yet");
}
