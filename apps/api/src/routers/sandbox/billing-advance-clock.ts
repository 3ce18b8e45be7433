import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import { sandboxCustomer, sandboxSubscriptions, sandboxUserInput } from "./billing-sim";

const DAY_MS = 24 * 60 * 60_000;

/**
 * Development sandbox only: advances the user's simulated test clock by `days`, so a
 * person can walk through a trial's end, a renewal, dunning and the end of access without
 * waiting. What fell due is sent as Stripe-signed webhooks to our own route, as Stripe's
 * test clocks do; `happened` lists it in order.
 */
export const billingAdvanceClock = adminProcedure
  .input(z.object({ userId: sandboxUserInput, days: z.number().min(0.01).max(400) }))
  .mutation(async ({ ctx, input }) => {
    const sim = sandboxSubscriptions(ctx);
    const customerId = await sandboxCustomer(ctx, input.userId);
    const from = await sim.clockNow(customerId);
    const result = await sim.advanceClock({
      customerId,
      to: new Date(from.getTime() + Math.round(input.days * DAY_MS)),
    });
    return { clock: result.now, happened: result.happened };
  });
