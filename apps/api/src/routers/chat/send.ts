import { chatAuthorKey, sendChatMessage } from "@an/db";
import { z } from "zod";
import { unwrap } from "../../errors";
import { chatProcedure } from "../../trpc/init";
import { text } from "../schemas";
import { resolveAttachments } from "../../uploads/chat-attachments";
import { attachmentLinks, toMessageView } from "./views";

export const sendInput = z.object({
  conversationId: z.uuid(),
  clientMsgId: text().min(1).max(64),
  body: text(),
  attachments: z.array(text().max(500)).max(20).optional(),
});

/**
 * Sends a message. Idempotent on `clientMsgId`: a retry with the same text returns the
 * stored message with `duplicate: true`; the same id with another text is a conflict.
 * Sends are rate-limited per author across every API instance.
 */
export const send = chatProcedure
  // Sends spend from their own per-author budget (below), not the shared mutation budget:
  // a conversation moves faster than other changes, and a send is limited once, not twice.
  .meta({ ownRateLimit: true })
  .input(sendInput)
  .mutation(async ({ ctx, input }) => {
    const authorKey = chatAuthorKey(ctx.chatCaller);
    await ctx.rateLimiters.chatSend?.(authorKey);
    const attachments = await resolveAttachments(ctx.storage, authorKey, input.attachments ?? []);
    const sent = unwrap(
      await ctx.db.transaction((tx) =>
        sendChatMessage(tx, {
          conversationId: input.conversationId,
          caller: ctx.chatCaller,
          clientMsgId: input.clientMsgId,
          body: input.body,
          attachments,
          now: ctx.now(),
        }),
      ),
    );
    return {
      message: toMessageView(sent.record, { role: sent.role, authorKey }, attachmentLinks(ctx)),
      duplicate: sent.duplicate,
    };
  });
