import { replyToReview } from "@an/db";
import { z } from "zod";
import { AppError } from "../../errors";
import { advisorProcedure } from "../../trpc/init";
import { text } from "../schemas";

export const replyInput = z.object({
  reviewId: z.uuid(),
  reply: text().trim().min(1).max(2000),
});

/** The reviewed advisor answers a review of theirs, once. */
export const reply = advisorProcedure.input(replyInput).mutation(async ({ ctx, input }) => {
  const outcome = await replyToReview(ctx.db, { advisorId: ctx.user.id, ...input });
  if (outcome === "not_found") throw new AppError("REVIEW_NOT_FOUND", { ref: input.reviewId });
  if (outcome === "already_replied") throw new AppError("REPLY_EXISTS");
  return { replied: true };
});
