import { createReview, REVIEW_WINDOW_DAYS } from "@an/db";
import { z } from "zod";
import { AppError } from "../../errors";
import { protectedProcedure } from "../../trpc/init";
import { text } from "../schemas";

export const createReviewInput = z.object({
  consultationId: z.uuid(),
  rating: z.number().int().min(1).max(5),
  body: text().trim().min(1).max(2000),
});

/**
 * The client of a completed consultation reviews it, once, within 14 days of its end; the
 * advisor's rating is updated in the same transaction.
 */
export const create = protectedProcedure.input(createReviewInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const result = await createReview(tx, { clientId: ctx.user.id, ...input, now: new Date() });
    if (!result.ok) {
      throw new AppError(result.code, { ref: input.consultationId, days: REVIEW_WINDOW_DAYS });
    }
    return { reviewId: result.reviewId };
  }),
);
