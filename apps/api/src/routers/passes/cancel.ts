import { cancelPassAsClient } from "@an/db";
import { z } from "zod";
import { protectedProcedure } from "../../trpc/init";
import { settle } from "../consultations/transition-error";
import { consultationIdSchema } from "../consultations/schemas";
import { text } from "../schemas";

export const cancelPassInput = z
  .object({
    consultationId: consultationIdSchema,
    reason: text().trim().max(500).optional(),
  })
  .strict();

/**
 * The client cancels their pass. The pass policy decides the refund: everything before the
 * advisor's first reply (or before payment: nothing was paid), the days not yet begun after
 * it; once the window has ended a complaint is a dispute. Anyone else: not found.
 */
export const cancel = protectedProcedure.input(cancelPassInput).mutation(async ({ ctx, input }) => {
  const outcome = await ctx.db.transaction((tx) =>
    cancelPassAsClient(tx, {
      consultationId: input.consultationId,
      clientId: ctx.user.id,
      requestId: ctx.requestId,
      now: ctx.now(),
      reason: input.reason || null,
    }),
  );
  return settle(outcome, input.consultationId);
});
