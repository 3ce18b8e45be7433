import { loadChatAccess, notifyChat } from "@an/db";
import { z } from "zod";
import { AppError } from "../../errors";
import { admitTyping } from "../../live/chat-stream";
import { protectedProcedure } from "../../trpc/init";

export const setTypingInput = z.object({ conversationId: z.uuid() });

/**
 * Tells the conversation's other members that the caller is typing. Ephemeral: a NOTIFY,
 * never stored. Members who may post only; one notice per member and conversation per
 * `typingIntervalMs` on this instance (more are answered `notified: false`).
 */
export const setTyping = protectedProcedure
  .input(setTypingInput)
  .mutation(async ({ ctx, input }): Promise<{ notified: boolean }> => {
    const found = await loadChatAccess(ctx.db, {
      conversationId: input.conversationId,
      caller: { kind: "user", userId: ctx.user.id, isAdmin: ctx.user.roles.includes("admin") },
      now: ctx.now(),
    });
    if (!found || (!found.access.allowed && found.access.reason === "not_a_member")) {
      throw new AppError("CONVERSATION_NOT_FOUND", { ref: input.conversationId });
    }
    const access = found.access;
    if (!access.allowed) throw new AppError("CHAT_ACCESS_DENIED", { reason: access.reason });
    if (access.audited || !access.canPost) {
      throw new AppError("CHAT_ACCESS_DENIED", {
        reason: access.audited ? "admin_read" : "read_only",
      });
    }
    if (ctx.live && !admitTyping(ctx.live, `${input.conversationId}:${ctx.user.id}`, Date.now())) {
      return { notified: false };
    }
    await notifyChat(ctx.db, {
      kind: "typing",
      conversationId: input.conversationId,
      userId: ctx.user.id,
    });
    return { notified: true };
  });
