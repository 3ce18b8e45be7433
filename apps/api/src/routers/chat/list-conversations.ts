import {
  chatAuthorKey,
  countUnread,
  getLastVisibleMessage,
  listMemberConversations,
  loadChatAccess,
} from "@an/db";
import { z } from "zod";
import { AppError } from "../../errors";
import { chatProcedure } from "../../trpc/init";
import { attachmentLinks, toMessageView } from "./views";

/** Longest last-message preview, in characters. */
const PREVIEW_CHARS = 140;

export const listConversationsInput = z
  .object({ limit: z.number().int().min(1).max(100).default(50) })
  .default({ limit: 50 });

/**
 * The caller's conversations, most recently active first, each with its unread count and
 * a preview of its last message. An advisor sees only the conversations they can open
 * right now (an accepted, unexpired invitation and a live engagement).
 */
export const listConversations = chatProcedure
  .input(listConversationsInput)
  .query(async ({ ctx, input }) => {
    const caller = ctx.chatCaller;
    if (caller.kind === "assistant") throw new AppError("CHAT_LIST_NOT_FOR_ASSISTANT");
    const authorKey = chatAuthorKey(caller);
    const now = ctx.now();
    const rows = await listMemberConversations(ctx.db, {
      userId: caller.userId,
      limit: input.limit,
    });
    const items = [];
    for (const row of rows) {
      const found = await loadChatAccess(ctx.db, {
        conversationId: row.conversationId,
        caller,
        now,
      });
      if (!found?.access.allowed) continue;
      const { access } = found;
      const floor = access.historyFromSeq;
      const last = await getLastVisibleMessage(ctx.db, {
        conversationId: row.conversationId,
        floorSeq: floor,
      });
      const view = last
        ? toMessageView(last, { role: access.role, authorKey }, attachmentLinks(ctx))
        : null;
      items.push({
        conversationId: row.conversationId,
        project: { id: row.projectId, name: row.projectName, archived: row.archivedAt !== null },
        role: access.role,
        lastSeq: row.lastSeq,
        lastReadSeq: row.lastReadSeq,
        unreadCount: await countUnread(ctx.db, {
          conversationId: row.conversationId,
          afterSeq: Math.max(row.lastReadSeq, floor),
          readerKey: authorKey,
        }),
        lastMessage: view && {
          seq: view.seq,
          actorType: view.actorType,
          sender: view.sender,
          preview: [...view.body].slice(0, PREVIEW_CHARS).join(""),
          hasAttachments: view.attachments.length > 0,
          createdAt: view.createdAt,
        },
      });
    }
    return { items };
  });
