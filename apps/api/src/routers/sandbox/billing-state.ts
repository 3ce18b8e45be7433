import { sandboxStripeCustomerId } from "@an/db";
import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import { sandboxSubscriptions, sandboxUserInput } from "./billing-sim";

/**
 * Development sandbox only: what the simulated Stripe holds for a user: their customer's
 * test clock, the card on file, subscriptions and invoices. A user without a customer yet
 * gets `customerId: null` and empty lists (the sandbox shows "no subscription yet").
 */
export const billingState = adminProcedure
  .input(z.object({ userId: sandboxUserInput }))
  .query(async ({ ctx, input }) => {
    const sim = sandboxSubscriptions(ctx);
    const customerId = await sandboxStripeCustomerId(ctx.db, input.userId);
    if (!customerId) {
      return {
        clock: ctx.now(),
        customerId: null,
        card: "succeeds" as const,
        subscriptions: [],
        invoices: [],
      };
    }
    const [clock, card, subscriptions, invoices] = await Promise.all([
      sim.clockNow(customerId),
      sim.getCard(customerId),
      sim.listCustomerSubscriptions(customerId),
      sim.listCustomerInvoices(customerId),
    ]);
    return { clock, customerId, card, subscriptions, invoices };
  });
