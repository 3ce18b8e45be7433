import { err, ok, type Result } from "@an/domain";
import type { Executor } from "../client";
import { type Actor, writeAudit } from "../queries/audit";
import {
  type AdminConversationHeader,
  getConversationForAdmin,
  lockMessageForModeration,
  type ModeratedMessage,
  readConversationPage,
  resolveOpenReports,
  setMessageHidden,
} from "../queries/chat-moderation";
import { notifyChat } from "../queries/messages";

/**
 * Admin moderation of project chats: reading any conversation (every read audited),
 * hiding a message with a reason (soft: the row and its text stay, members see it as
 * hidden), showing it again, and resolving members' reports. Each command audits itself
 * in the caller's transaction.
 */

export type ConversationNotFound = { code: "CONVERSATION_NOT_FOUND"; ref: string };
export type MessageNotFound = { code: "MESSAGE_NOT_FOUND"; ref: string };

/**
 * One page of a conversation as an admin reads it, audited (`chat.read`, subject the
 * conversation, with the seq range read): reading is itself the act being recorded, so
 * the audit row commits with the answer or not at all. Nothing is audited for an unknown
 * conversation.
 */
export async function readConversationAsAdmin(
  tx: Executor,
  input: {
    conversationId: string;
    afterSeq?: number;
    beforeSeq?: number;
    limit: number;
    actor: Actor;
    requestId?: string | null;
  },
): Promise<
  Result<
    { conversation: AdminConversationHeader; messages: ModeratedMessage[] },
    ConversationNotFound
  >
> {
  const conversation = await getConversationForAdmin(tx, { conversationId: input.conversationId });
  if (!conversation) return err({ code: "CONVERSATION_NOT_FOUND", ref: input.conversationId });
  const messages = await readConversationPage(tx, {
    conversationId: conversation.id,
    afterSeq: input.afterSeq,
    beforeSeq: input.beforeSeq,
    limit: input.limit,
  });
  await writeAudit(tx, {
    actor: input.actor,
    action: "chat.read",
    subjectType: "conversation",
    subjectId: conversation.id,
    after: {
      afterSeq: input.afterSeq ?? null,
      beforeSeq: input.beforeSeq ?? null,
      fromSeq: messages[0]?.seq ?? null,
      toSeq: messages.at(-1)?.seq ?? null,
      count: messages.length,
    },
    requestId: input.requestId ?? null,
  });
  return ok({ conversation, messages });
}

/**
 * Hides a message from members (its body reads as hidden; the text stays for moderation),
 * or shows it again, with the reason. Live streams are told through an `update` notice.
 * Hiding a hidden message (or showing a visible one) changes nothing and audits nothing.
 * Audited (`chat.message_hidden` / `chat.message_shown`).
 */
export async function setChatMessageHidden(
  tx: Executor,
  input: {
    messageId: string;
    hidden: boolean;
    reason: string;
    now: Date;
    actor: Actor;
    requestId?: string | null;
  },
): Promise<Result<{ changed: boolean; conversationId: string; seq: number }, MessageNotFound>> {
  const message = await lockMessageForModeration(tx, { id: input.messageId });
  if (!message) return err({ code: "MESSAGE_NOT_FOUND", ref: input.messageId });
  const result = { conversationId: message.conversationId, seq: message.seq };
  if ((message.hiddenAt !== null) === input.hidden) return ok({ changed: false, ...result });
  await setMessageHidden(tx, {
    id: message.id,
    hidden: input.hidden
      ? {
          at: input.now,
          by: input.actor.kind === "user" ? input.actor.userId : null,
          reason: input.reason,
        }
      : null,
  });
  await notifyChat(tx, {
    kind: "update",
    conversationId: message.conversationId,
    messageId: message.id,
  });
  await writeAudit(tx, {
    actor: input.actor,
    action: input.hidden ? "chat.message_hidden" : "chat.message_shown",
    subjectType: "message",
    subjectId: message.id,
    before: input.hidden ? null : { hiddenReason: message.hiddenReason },
    after: { reason: input.reason, conversationId: message.conversationId, seq: message.seq },
    requestId: input.requestId ?? null,
  });
  return ok({ changed: true, ...result });
}

/**
 * Resolves every open report of a message with a note on what was done. None open: nothing
 * changes and nothing is audited. Audited (`chat.reports_resolved`, with the report ids).
 */
export async function resolveMessageReports(
  tx: Executor,
  input: {
    messageId: string;
    note: string;
    now: Date;
    actor: Actor;
    requestId?: string | null;
  },
): Promise<Result<{ resolved: number }, MessageNotFound>> {
  const message = await lockMessageForModeration(tx, { id: input.messageId });
  if (!message) return err({ code: "MESSAGE_NOT_FOUND", ref: input.messageId });
  const ids = await resolveOpenReports(tx, {
    messageId: message.id,
    by: input.actor.kind === "user" ? input.actor.userId : null,
    now: input.now,
  });
  if (ids.length > 0) {
    await writeAudit(tx, {
      actor: input.actor,
      action: "chat.reports_resolved",
      subjectType: "message",
      subjectId: message.id,
      after: { note: input.note, reportIds: ids },
      requestId: input.requestId ?? null,
    });
  }
  return ok({ resolved: ids.length });
}
