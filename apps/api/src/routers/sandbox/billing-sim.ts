import { isSimulatedSubscriptions, SIM_CARDS, type SimulatedSubscriptions } from "@an/billing";
import { sandboxStripeCustomerId } from "@an/db";
import { z } from "zod";
import { AppError } from "../../errors";
import type { Context } from "../../trpc/context";

export const sandboxUserInput = z.string().min(1).max(200);
export const sandboxCardInput = z.enum(SIM_CARDS);

/**
 * The simulated Stripe Billing the sandbox drives, refused (DEV_ONLY) wherever
 * development sign-in is off or the real Stripe is configured: a test clock and a test
 * card exist only in the simulator.
 */
export function sandboxSubscriptions(ctx: Context): SimulatedSubscriptions {
  const port = ctx.providers.subscriptions;
  if (!ctx.devAuth.enabled || !isSimulatedSubscriptions(port)) throw new AppError("DEV_ONLY");
  return port;
}

/** The user's simulated customer; NO_BILLING_CUSTOMER (409) before their first checkout. */
export async function sandboxCustomer(ctx: Context, userId: string): Promise<string> {
  const customerId = await sandboxStripeCustomerId(ctx.db, userId);
  if (!customerId) throw new AppError("NO_BILLING_CUSTOMER");
  return customerId;
}
