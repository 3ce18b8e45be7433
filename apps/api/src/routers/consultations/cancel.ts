import { cancelConsultationAsParty } from "@an/db";
import { z } from "zod";
import { protectedProcedure } from "../../trpc/init";
import { consultationIdSchema } from "./schemas";
import { settle } from "./transition-error";
import { text } from "../schemas";

export const cancelConsultationInput = z.object({
  consultationId: consultationIdSchema,
  reason: text().trim().max(500).optional(),
});

/**
 * The client or the advisor cancels their consultation before it starts. The frozen
 * policy decides the refund (the advisor cancelling refunds everything); the booking is
 * cancelled on Cal.com in the background.
 */
export const cancel = protectedProcedure
  .input(cancelConsultationInput)
  .mutation(async ({ ctx, input }) => {
    const outcome = await ctx.db.transaction((tx) =>
      cancelConsultationAsParty(tx, {
        consultationId: input.consultationId,
        userId: ctx.user.id,
        requestId: ctx.requestId,
        now: ctx.now(),
        reason: input.reason || null,
      }),
    );
    return settle(outcome, input.consultationId);
  });
