import { and, eq, isNull, sql } from "drizzle-orm";
import {
  type ChatAccess,
  type ChatActorType,
  type ChatBodyError,
  type ChatCaller,
  type ChatDenial,
  type ChatRole,
  detectFlagReasons,
  err,
  normalizeMessageBody,
  ok,
  type Result,
} from "@an/domain";
import type { Executor } from "../client";
import { type ChatAccessResult, loadChatAccess } from "../queries/chat-access";
import { writeAudit } from "../queries/audit";
import { type ChatMessageRecord, chatMessageRecord } from "../queries/chat-views";
import { appendMessage, type MessageRow, notifyChat } from "../queries/messages";
import {
  conversationMembers,
  type MessageAttachment,
  messageReports,
  messageRevisions,
  messages,
} from "../schema";

/** Every refusal a chat command returns; the API maps each code to a localized error once. */
export type ChatFailure = {
  kind: "chat";
  code:
    | "CONVERSATION_NOT_FOUND"
    | "MESSAGE_NOT_FOUND"
    | "CHAT_INVITATION_PENDING"
    | "CHAT_ACCESS_ENDED"
    | "CHAT_ADVISOR_SUSPENDED"
    | "CHAT_NO_ENGAGEMENT"
    | "CHAT_CANNOT_POST"
    | "CHAT_CLIENT_MSG_ID_CONFLICT"
    | "CHAT_BODY_EMPTY"
    | "CHAT_BODY_TOO_LONG"
    | "CHAT_TOO_MANY_ATTACHMENTS"
    | "TEXT_INVALID_CHARACTERS"
    | "CHAT_NOT_AUTHOR"
    | "CHAT_MESSAGE_DELETED"
    | "CHAT_MESSAGE_HIDDEN"
    | "CHAT_NO_READ_CURSOR"
    | "CHAT_CANNOT_REPORT"
    | "CHAT_REPORT_OWN";
  params: Record<string, string | number>;
};

const fail = (
  code: ChatFailure["code"],
  params: Record<string, string | number> = {},
): Result<never, ChatFailure> => err({ kind: "chat", code, params });

/** The key a caller's `clientMsgId`s and authorship are matched on. */
export function chatAuthorKey(caller: ChatCaller): string {
  return caller.kind === "assistant" ? `assistant:${caller.credentialId}` : `user:${caller.userId}`;
}

/**
 * A denial as the caller may learn it: someone with no tie to the conversation gets
 * "not found" (its existence isn't theirs to learn); an invited advisor learns why.
 */
function denied(reason: ChatDenial, conversationId: string): Result<never, ChatFailure> {
  switch (reason) {
    case "not_a_member":
      return fail("CONVERSATION_NOT_FOUND", { ref: conversationId });
    case "invitation_pending":
      return fail("CHAT_INVITATION_PENDING");
    case "invitation_ended":
    case "invitation_expired":
      return fail("CHAT_ACCESS_ENDED");
    case "advisor_suspended":
      return fail("CHAT_ADVISOR_SUSPENDED");
    case "no_live_engagement":
      return fail("CHAT_NO_ENGAGEMENT");
  }
}

type Granted = {
  conversation: ChatAccessResult["conversation"];
  access: ChatAccess & { allowed: true };
  callerNames: ChatAccessResult["callerNames"];
};

async function access(
  ex: Executor,
  params: { conversationId: string; caller: ChatCaller; now: Date },
): Promise<Result<Granted, ChatFailure>> {
  const found = await loadChatAccess(ex, params);
  if (!found) return fail("CONVERSATION_NOT_FOUND", { ref: params.conversationId });
  if (!found.access.allowed) return denied(found.access.reason, params.conversationId);
  return ok({
    conversation: found.conversation,
    access: found.access,
    callerNames: found.callerNames,
  });
}

/**
 * A caller opening a conversation to read it: their access, and an audit record when an
 * admin reads a conversation they are not a member of.
 */
export async function openConversation(
  tx: Executor,
  params: { conversationId: string; caller: ChatCaller; now: Date; requestId?: string | null },
): Promise<Result<Granted, ChatFailure>> {
  const granted = await access(tx, params);
  if (granted.ok && granted.value.access.audited && params.caller.kind === "user") {
    await writeAudit(tx, {
      actor: { kind: "user", userId: params.caller.userId },
      action: "chat.read",
      subjectType: "conversation",
      subjectId: params.conversationId,
      requestId: params.requestId ?? null,
    });
  }
  return granted;
}

function bodyFailure(error: ChatBodyError): Result<never, ChatFailure> {
  return fail(error.code, "max" in error ? { max: error.max } : {});
}

const ACTOR_FOR_ROLE: Record<Exclude<ChatRole, "admin">, ChatActorType> = {
  owner: "client",
  advisor: "advisor",
  assistant: "assistant",
};

export type SentMessage = {
  message: MessageRow;
  /** The message as a view is built from it: the sender is the caller, whose names are known. */
  record: ChatMessageRecord;
  duplicate: boolean;
  role: ChatRole;
};

/**
 * Sends a message, in the caller's transaction: access (the caller may post here), the
 * body rules, contact-details flags, then the seq-ordered append. A retry with the same
 * `clientMsgId` and body returns the stored message (`duplicate`); the same id with another
 * body is refused. An advisor's message is attributed to the engagement paying for it.
 * The sender's own read cursor moves up to their message.
 */
export async function sendChatMessage(
  tx: Executor,
  params: {
    conversationId: string;
    caller: ChatCaller;
    clientMsgId: string;
    body: string;
    attachments: MessageAttachment[];
    now: Date;
  },
): Promise<Result<SentMessage, ChatFailure>> {
  const granted = await access(tx, params);
  if (!granted.ok) return granted;
  const { access: acc } = granted.value;
  if (!acc.canPost || acc.role === "admin") return fail("CHAT_CANNOT_POST");
  const body = normalizeMessageBody(params.body, params.attachments.length);
  if (!body.ok) return bodyFailure(body.error);
  const caller = params.caller;
  const outcome = await appendMessage(tx, {
    conversationId: params.conversationId,
    actorType: ACTOR_FOR_ROLE[acc.role],
    senderId: caller.kind === "user" ? caller.userId : null,
    credentialId: caller.kind === "assistant" ? caller.credentialId : null,
    authorKey: chatAuthorKey(caller),
    clientMsgId: params.clientMsgId,
    body: body.value,
    attachments: params.attachments,
    engagementId: acc.role === "advisor" ? acc.engagementId : null,
    flagReasons: detectFlagReasons(body.value),
    // The sender has read their own message: their cursor moves in the same statement.
    readBy: caller.kind === "user" ? caller.userId : null,
    now: params.now,
  });
  switch (outcome.kind) {
    case "conversation_not_found":
      return fail("CONVERSATION_NOT_FOUND", { ref: params.conversationId });
    case "client_msg_id_conflict":
      return fail("CHAT_CLIENT_MSG_ID_CONFLICT", { clientMsgId: params.clientMsgId });
    case "duplicate":
    case "created":
      return ok({
        message: outcome.message,
        // The same author either way (the clientMsgId is theirs): the caller's names.
        record: chatMessageRecord(outcome.message, granted.value.callerNames),
        duplicate: outcome.kind === "duplicate",
        role: acc.role,
      });
  }
}

async function advanceCursor(tx: Executor, conversationId: string, userId: string, seq: number) {
  return tx
    .update(conversationMembers)
    .set({ lastReadSeq: sql`greatest(${conversationMembers.lastReadSeq}, ${seq})` })
    .where(
      and(
        eq(conversationMembers.conversationId, conversationId),
        eq(conversationMembers.userId, userId),
        isNull(conversationMembers.removedAt),
      ),
    )
    .returning({ lastReadSeq: conversationMembers.lastReadSeq });
}

/**
 * The message a caller acts on, locked, if they can see it: missing, in a conversation
 * they can't open, or before the history they may see, it is "not found".
 */
async function visibleMessageForUpdate(
  tx: Executor,
  params: { messageId: string; caller: ChatCaller; now: Date },
): Promise<Result<{ message: MessageRow } & Granted, ChatFailure>> {
  const [message] = await tx
    .select()
    .from(messages)
    .where(eq(messages.id, params.messageId))
    .for("update");
  if (!message) return fail("MESSAGE_NOT_FOUND", { ref: params.messageId });
  const granted = await access(tx, {
    conversationId: message.conversationId,
    caller: params.caller,
    now: params.now,
  });
  if (!granted.ok) {
    return granted.error.code === "CONVERSATION_NOT_FOUND"
      ? fail("MESSAGE_NOT_FOUND", { ref: params.messageId })
      : granted;
  }
  if (message.seq <= granted.value.access.historyFromSeq) {
    return fail("MESSAGE_NOT_FOUND", { ref: params.messageId });
  }
  return ok({ message, ...granted.value });
}

/**
 * The author edits their message: the earlier text is kept in `message_revisions`, the
 * new text is checked and flagged like a new message (flags only accumulate), and members'
 * streams are told. Editing needs the right to post; the same text is a no-op.
 */
export async function editChatMessage(
  tx: Executor,
  params: { messageId: string; caller: ChatCaller; body: string; now: Date },
): Promise<Result<{ message: MessageRow; role: ChatRole }, ChatFailure>> {
  const found = await visibleMessageForUpdate(tx, params);
  if (!found.ok) return found;
  const { message, access: acc } = found.value;
  if (message.authorKey !== chatAuthorKey(params.caller)) return fail("CHAT_NOT_AUTHOR");
  if (message.deletedAt) return fail("CHAT_MESSAGE_DELETED");
  if (message.hiddenAt) return fail("CHAT_MESSAGE_HIDDEN");
  if (!acc.canPost) return fail("CHAT_CANNOT_POST");
  const body = normalizeMessageBody(params.body, message.attachments.length);
  if (!body.ok) return bodyFailure(body.error);
  if (body.value === message.body) return ok({ message, role: acc.role });
  const flags = [...new Set([...message.flagReasons, ...detectFlagReasons(body.value)])];
  await tx.insert(messageRevisions).values({
    messageId: message.id,
    body: message.body,
    revisedBy: params.caller.kind === "user" ? params.caller.userId : null,
    revisedAt: params.now,
  });
  const [updated] = await tx
    .update(messages)
    .set({
      body: body.value,
      editedAt: params.now,
      flagReasons: flags,
      flaggedAt: flags.length > 0 ? (message.flaggedAt ?? params.now) : null,
    })
    .where(eq(messages.id, message.id))
    .returning();
  await notifyChat(tx, {
    kind: "update",
    conversationId: message.conversationId,
    messageId: message.id,
  });
  return ok({ message: updated!, role: acc.role });
}

/**
 * The author deletes their message (soft): it stays in the table for the record, with a
 * revision holding its text, and shows as deleted to everyone. Deleting twice is a no-op.
 */
export async function deleteChatMessage(
  tx: Executor,
  params: { messageId: string; caller: ChatCaller; now: Date },
): Promise<Result<{ message: MessageRow; role: ChatRole }, ChatFailure>> {
  const found = await visibleMessageForUpdate(tx, params);
  if (!found.ok) return found;
  const { message, access: acc } = found.value;
  if (message.authorKey !== chatAuthorKey(params.caller)) return fail("CHAT_NOT_AUTHOR");
  if (message.deletedAt) return ok({ message, role: acc.role });
  await tx.insert(messageRevisions).values({
    messageId: message.id,
    body: message.body,
    revisedBy: params.caller.kind === "user" ? params.caller.userId : null,
    revisedAt: params.now,
  });
  const [updated] = await tx
    .update(messages)
    .set({ deletedAt: params.now })
    .where(eq(messages.id, message.id))
    .returning();
  await notifyChat(tx, {
    kind: "update",
    conversationId: message.conversationId,
    messageId: message.id,
  });
  return ok({ message: updated!, role: acc.role });
}

/**
 * Moves a member's read cursor to `seq`, never back and never past the conversation's last
 * message. Only members have a cursor (the assistant and a moderating admin don't).
 */
export async function markChatRead(
  tx: Executor,
  params: { conversationId: string; caller: ChatCaller; seq: number; now: Date },
): Promise<Result<{ lastReadSeq: number; lastSeq: number }, ChatFailure>> {
  const granted = await access(tx, params);
  if (!granted.ok) return granted;
  const { conversation, access: acc } = granted.value;
  if (params.caller.kind !== "user" || acc.role === "admin" || acc.role === "assistant") {
    return fail("CHAT_NO_READ_CURSOR");
  }
  const [row] = await advanceCursor(
    tx,
    conversation.id,
    params.caller.userId,
    Math.min(params.seq, conversation.lastSeq),
  );
  if (!row) return fail("CHAT_NO_READ_CURSOR");
  return ok({ lastReadSeq: row.lastReadSeq, lastSeq: conversation.lastSeq });
}

/**
 * A member reports a message for review: one report per member and message (a second is a
 * no-op), and the message is flagged `reported`. Only people in the conversation (the
 * owner and advisors) report; admins moderate directly.
 */
export async function reportChatMessage(
  tx: Executor,
  params: {
    messageId: string;
    caller: ChatCaller;
    reason: string;
    now: Date;
    requestId?: string | null;
  },
): Promise<Result<{ reportId: string; alreadyReported: boolean }, ChatFailure>> {
  const found = await visibleMessageForUpdate(tx, params);
  if (!found.ok) return found;
  const { message, access: acc } = found.value;
  const caller = params.caller;
  if (caller.kind !== "user" || (acc.role !== "owner" && acc.role !== "advisor")) {
    return fail("CHAT_CANNOT_REPORT");
  }
  if (message.authorKey === chatAuthorKey(caller)) return fail("CHAT_REPORT_OWN");
  const [inserted] = await tx
    .insert(messageReports)
    .values({
      messageId: message.id,
      reporterId: caller.userId,
      reason: params.reason,
      createdAt: params.now,
    })
    .onConflictDoNothing()
    .returning({ id: messageReports.id });
  if (!inserted) {
    const [existing] = await tx
      .select({ id: messageReports.id })
      .from(messageReports)
      .where(
        and(eq(messageReports.messageId, message.id), eq(messageReports.reporterId, caller.userId)),
      );
    return ok({ reportId: existing!.id, alreadyReported: true });
  }
  if (!message.flagReasons.includes("reported")) {
    await tx
      .update(messages)
      .set({
        flagReasons: [...message.flagReasons, "reported"],
        flaggedAt: message.flaggedAt ?? params.now,
      })
      .where(eq(messages.id, message.id));
  }
  await writeAudit(tx, {
    actor: { kind: "user", userId: caller.userId },
    action: "chat.message.report",
    subjectType: "message",
    subjectId: message.id,
    after: { reason: params.reason },
    requestId: params.requestId ?? null,
  });
  return ok({ reportId: inserted.id, alreadyReported: false });
}
