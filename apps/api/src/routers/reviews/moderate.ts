import { setReviewHidden } from "@an/db";
import { z } from "zod";
import { unwrap } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { text } from "../schemas";

export const moderateInput = z.object({
  reviewId: z.uuid(),
  reason: text().trim().min(3).max(500),
});

function moderation(hidden: boolean) {
  return adminProcedure.input(moderateInput).mutation(({ ctx, input }) =>
    ctx.db.transaction(async (tx) => {
      const { changed } = unwrap(
        await setReviewHidden(tx, {
          reviewId: input.reviewId,
          hidden,
          reason: input.reason,
          actor: { kind: "user", userId: ctx.user.id },
          requestId: ctx.requestId,
        }),
      );
      return { changed };
    }),
  );
}

/** Hides a review from the public and from the rating (reason required, audited). */
export const hide = moderation(true);
/** Shows a hidden review again (reason required, audited). */
export const unhide = moderation(false);
