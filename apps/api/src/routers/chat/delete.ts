import { chatAuthorKey, deleteChatMessage, getChatMessage } from "@an/db";
import { z } from "zod";
import { unwrap } from "../../errors";
import { chatProcedure } from "../../trpc/init";
import { attachmentLinks, toMessageView } from "./views";

export const deleteInput = z.object({ messageId: z.uuid() });

/** The author deletes their message (soft): it shows as deleted; its text is kept for moderation. */
export const deleteMessage = chatProcedure.input(deleteInput).mutation(async ({ ctx, input }) => {
  const edited = unwrap(
    await ctx.db.transaction((tx) =>
      deleteChatMessage(tx, {
        messageId: input.messageId,
        caller: ctx.chatCaller,
        now: ctx.now(),
      }),
    ),
  );
  const stored = await getChatMessage(ctx.db, { id: edited.message.id });
  return {
    message: toMessageView(
      stored!,
      {
        role: edited.role,
        authorKey: chatAuthorKey(ctx.chatCaller),
      },
      attachmentLinks(ctx),
    ),
  };
});
