import { replyToReview } from "@an/db";
import { z } from "zod";
import { unwrap } from "../../errors";
import { advisorProcedure } from "../../trpc/init";
import { text } from "../schemas";

export const replyInput = z.object({
  reviewId: z.uuid(),
  reply: text().trim().min(1).max(2000),
});

/** The reviewed advisor answers a review of theirs, once. */
export const reply = advisorProcedure.input(replyInput).mutation(async ({ ctx, input }) => {
  unwrap(await replyToReview(ctx.db, { advisorId: ctx.user.id, ...input }));
  return { replied: true };
});
