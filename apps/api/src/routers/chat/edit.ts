import { chatAuthorKey, editChatMessage, getChatMessage } from "@an/db";
import { z } from "zod";
import { unwrap } from "../../errors";
import { chatProcedure } from "../../trpc/init";
import { text } from "../schemas";
import { attachmentLinks, toMessageView } from "./views";

export const editInput = z.object({ messageId: z.uuid(), body: text() });

/** The author edits their message; the earlier text is kept for moderation. */
export const edit = chatProcedure.input(editInput).mutation(async ({ ctx, input }) => {
  const edited = unwrap(
    await ctx.db.transaction((tx) =>
      editChatMessage(tx, {
        messageId: input.messageId,
        caller: ctx.chatCaller,
        body: input.body,
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
