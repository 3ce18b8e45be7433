import { clearAdvisorReviewFlag } from "@an/db";
import { z } from "zod";
import { toAppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { userIdSchema } from "../schemas";

export const clearFlagInput = z.object({ advisorId: userIdSchema });

/** Marks an advisor's sensitive change as re-checked (audited). */
export const clearFlag = adminProcedure.input(clearFlagInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const result = await clearAdvisorReviewFlag(tx, {
      advisorId: input.advisorId,
      actor: { kind: "user", userId: ctx.user.id },
      requestId: ctx.requestId,
    });
    if (!result.ok) throw toAppError(result.error);
    return { userId: result.value.userId, flaggedForReviewAt: result.value.flaggedForReviewAt };
  }),
);
