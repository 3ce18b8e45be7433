import { chatAuthorKey, listChatMessages, openConversation } from "@an/db";
import { z } from "zod";
import { AppError, unwrap } from "../../errors";
import { chatProcedure } from "../../trpc/init";
import { attachmentLinks, toMessageView } from "./views";

const seq = z.number().int().min(0).max(2_147_483_647);

export const listHistoryInput = z.object({
  conversationId: z.uuid(),
  /** Messages before this seq (older history); without either, the newest page. */
  before: seq.min(1).optional(),
  /** Messages after this seq (catching up), in order. */
  after: seq.optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

/**
 * A page of the conversation by `seq`, in either direction, in ascending order. An advisor
 * who may not see the history before they joined never gets it. A cursor past the end of
 * the conversation (or both directions at once) is CHAT_CURSOR_INVALID.
 */
export const listHistory = chatProcedure.input(listHistoryInput).query(async ({ ctx, input }) => {
  const opened = unwrap(
    await ctx.db.transaction((tx) =>
      openConversation(tx, {
        conversationId: input.conversationId,
        caller: ctx.chatCaller,
        now: ctx.now(),
        requestId: ctx.requestId,
      }),
    ),
  );
  const { conversation, access } = opened;
  const lastSeq = conversation.lastSeq;
  if (
    (input.before !== undefined && input.after !== undefined) ||
    (input.after !== undefined && input.after > lastSeq) ||
    (input.before !== undefined && input.before > lastSeq + 1)
  ) {
    throw new AppError("CHAT_CURSOR_INVALID", { lastSeq });
  }
  const page = await listChatMessages(ctx.db, {
    conversationId: conversation.id,
    floorSeq: access.historyFromSeq,
    before: input.before,
    after: input.after,
    limit: input.limit,
  });
  const viewer = { role: access.role, authorKey: chatAuthorKey(ctx.chatCaller) };
  const links = attachmentLinks(ctx);
  return {
    messages: page.rows.map((row) => toMessageView(row, viewer, links)),
    hasMore: page.hasMore,
    lastSeq,
    historyFromSeq: access.historyFromSeq,
  };
});
