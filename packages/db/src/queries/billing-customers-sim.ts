import { eq } from "drizzle-orm";
import type { Executor } from "../client";
import { billingCustomers } from "../schema";

/**
 * The user's Stripe customer id, for the development sandbox's billing controls (the
 * simulated test clock and card); null while the user has none. The billing workflows
 * have their own, locking, reads.
 */
export async function sandboxStripeCustomerId(
  ex: Executor,
  userId: string,
): Promise<string | null> {
  const [row] = await ex
    .select({ id: billingCustomers.stripeCustomerId })
    .from(billingCustomers)
    .where(eq(billingCustomers.userId, userId));
  return row?.id ?? null;
}
