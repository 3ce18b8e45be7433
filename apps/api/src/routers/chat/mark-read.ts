import { markChatRead } from "@an/db";
import { z } from "zod";
import { unwrap } from "../../errors";
import { chatProcedure } from "../../trpc/init";

export const markReadInput = z.object({
  conversationId: z.uuid(),
  seq: z.number().int().min(0).max(2_147_483_647),
});

/**
 * Moves the caller's read cursor up to `seq`: never back, never past the last message (a
 * seq from the future is clamped). Answers the cursor as stored.
 */
export const markRead = chatProcedure.input(markReadInput).mutation(async ({ ctx, input }) =>
  unwrap(
    await ctx.db.transaction((tx) =>
      markChatRead(tx, {
        conversationId: input.conversationId,
        caller: ctx.chatCaller,
        seq: input.seq,
        now: ctx.now(),
      }),
    ),
  ),
);
