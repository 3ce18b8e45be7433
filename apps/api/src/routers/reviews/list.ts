import { listAdvisorReviews, listReviewsForModeration } from "@an/db";
import { z } from "zod";
import { adminProcedure, publicProcedure } from "../../trpc/init";
import { cursorSchema, encodeCursor, userIdSchema } from "../schemas";

export const forAdvisorInput = z.object({
  advisorId: userIdSchema,
  limit: z.number().int().min(1).max(50).default(10),
  cursor: cursorSchema.nullish(),
});

/** An advisor's visible reviews, reviewer shown by first name only. */
export const listForAdvisor = publicProcedure
  .input(forAdvisorInput)
  .query(async ({ ctx, input }) => {
    const page = await listAdvisorReviews(ctx.db, {
      advisorId: input.advisorId,
      limit: input.limit,
      cursor: input.cursor,
    });
    return { items: page.items, nextCursor: encodeCursor(page.nextCursor) };
  });

export const moderationListInput = z
  .object({
    hidden: z.boolean().optional(),
    advisorId: userIdSchema.optional(),
    limit: z.number().int().min(1).max(100).default(25),
    cursor: cursorSchema.nullish(),
  })
  .prefault({});

/** Every review, hidden ones too, for the moderation page. */
export const listForModeration = adminProcedure
  .input(moderationListInput)
  .query(async ({ ctx, input }) => {
    const page = await listReviewsForModeration(ctx.db, input);
    return { items: page.items, nextCursor: encodeCursor(page.nextCursor) };
  });
