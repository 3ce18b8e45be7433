import { openDisputeAsParty } from "@an/db";
import { z } from "zod";
import { protectedProcedure } from "../../trpc/init";
import { consultationIdSchema } from "./schemas";
import { settle } from "./transition-error";
import { text } from "../schemas";

export const openDisputeInput = z.object({
  consultationId: consultationIdSchema,
  reason: text().trim().min(10).max(2000),
});

/**
 * The client disputes a completed consultation inside its hold window: the money stays
 * held and admins are told. Only the client may (the machine refuses the advisor).
 */
export const openDispute = protectedProcedure
  .input(openDisputeInput)
  .mutation(async ({ ctx, input }) => {
    const outcome = await ctx.db.transaction((tx) =>
      openDisputeAsParty(tx, {
        consultationId: input.consultationId,
        userId: ctx.user.id,
        requestId: ctx.requestId,
        now: ctx.now(),
        reason: input.reason,
      }),
    );
    return settle(outcome, input.consultationId);
  });
