import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import {
  sandboxCardInput,
  sandboxCustomer,
  sandboxSubscriptions,
  sandboxUserInput,
} from "./billing-sim";

/**
 * Development sandbox only: chooses what the user's card on file does at the next charge
 * (pays, is declined, asks for 3-D Secure), to try a failed renewal and its recovery.
 */
export const billingSetCard = adminProcedure
  .input(z.object({ userId: sandboxUserInput, card: sandboxCardInput }))
  .mutation(async ({ ctx, input }) => {
    const sim = sandboxSubscriptions(ctx);
    const customerId = await sandboxCustomer(ctx, input.userId);
    await sim.setCard({ customerId, card: input.card });
    return { customerId, card: await sim.getCard(customerId) };
  });
