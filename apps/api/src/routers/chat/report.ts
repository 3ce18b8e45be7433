import { reportChatMessage } from "@an/db";
import { z } from "zod";
import { unwrap } from "../../errors";
import { chatProcedure } from "../../trpc/init";
import { text } from "../schemas";

export const reportInput = z.object({
  messageId: z.uuid(),
  reason: text().trim().min(3).max(1000),
});

/**
 * A member reports a message for an admin to review; the message is flagged `reported`.
 * Reporting the same message twice is a no-op (`alreadyReported`).
 */
export const report = chatProcedure.input(reportInput).mutation(async ({ ctx, input }) =>
  unwrap(
    await ctx.db.transaction((tx) =>
      reportChatMessage(tx, {
        messageId: input.messageId,
        caller: ctx.chatCaller,
        reason: input.reason,
        now: ctx.now(),
        requestId: ctx.requestId,
      }),
    ),
  ),
);
