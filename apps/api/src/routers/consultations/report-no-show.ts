import { reportNoShowAsParty } from "@an/db";
import { z } from "zod";
import { protectedProcedure } from "../../trpc/init";
import { consultationIdSchema } from "./schemas";
import { settle } from "./transition-error";
import { text } from "../schemas";

export const reportNoShowInput = z.object({
  consultationId: consultationIdSchema,
  reason: text().trim().max(2000).optional(),
});

/**
 * After the meeting, inside the hold window, one side reports the other absent (the
 * client reports the advisor, the advisor the client); the money stays held until an
 * admin rules.
 */
export const reportNoShow = protectedProcedure
  .input(reportNoShowInput)
  .mutation(async ({ ctx, input }) => {
    const outcome = await ctx.db.transaction((tx) =>
      reportNoShowAsParty(tx, {
        consultationId: input.consultationId,
        userId: ctx.user.id,
        requestId: ctx.requestId,
        now: ctx.now(),
        reason: input.reason || null,
      }),
    );
    return settle(outcome, input.consultationId);
  });
