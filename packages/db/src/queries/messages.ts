import { and, eq, sql } from "drizzle-orm";
import type { ChatActorType, MessageFlagReason } from "@an/domain";
import type { Executor } from "../client";
import { conversations, type MessageAttachment, messages } from "../schema";

/** The stored shape of a message's file, for callers outside the package (no schema imports). */
export type { MessageAttachment } from "../schema";

/** The PostgreSQL channel every chat change is announced on; payloads carry ids only. */
export const CHAT_CHANNEL = "chat_events";

/**
 * What a chat notification says. Listeners read the rows from the tables; a notification
 * is only a hint that something changed (`message`: a new seq; `update`: a message edited,
 * deleted or hidden; `typing`: ephemeral, never stored; `access`: a member's access may
 * have changed, so streams re-check it).
 */
export type ChatNotice =
  | { kind: "message"; conversationId: string; seq: number }
  | { kind: "update"; conversationId: string; messageId: string }
  | { kind: "typing"; conversationId: string; userId: string }
  | { kind: "access"; conversationId: string; userId: string };

/** Announces a chat change; inside a transaction it is delivered on commit, or never. */
export async function notifyChat(ex: Executor, notice: ChatNotice): Promise<void> {
  await ex.execute(sql`select pg_notify(${CHAT_CHANNEL}, ${JSON.stringify(notice)})`);
}

export type MessageRow = typeof messages.$inferSelect;

export type AppendMessageInput = {
  conversationId: string;
  actorType: ChatActorType;
  /** The sending user for `client` and `advisor` messages. */
  senderId?: string | null;
  /** The assistant's credential for `assistant` messages. */
  credentialId?: string | null;
  /** `user:<id>`, `assistant:<credential id>` or `system`: whose `clientMsgId`s these are. */
  authorKey: string;
  clientMsgId?: string | null;
  body: string;
  attachments?: MessageAttachment[];
  engagementId?: string | null;
  flagReasons?: MessageFlagReason[];
  now: Date;
};

export type AppendMessageOutcome =
  | { kind: "created"; message: MessageRow }
  /** The same `clientMsgId` and body were stored before: the stored message. */
  | { kind: "duplicate"; message: MessageRow }
  /** The same `clientMsgId` with another body. */
  | { kind: "client_msg_id_conflict"; message: MessageRow }
  | { kind: "conversation_not_found" };

/**
 * Appends a message with the next `seq`, in the caller's transaction. The conversation row
 * is locked first, so concurrent senders queue on it: seqs are gap-free and commit in seq
 * order, and a retry of the same `clientMsgId` racing its first attempt finds it committed
 * (read committed reads it after the lock) instead of failing on the unique index. The
 * `message` notice goes out on commit.
 */
export async function appendMessage(
  tx: Executor,
  input: AppendMessageInput,
): Promise<AppendMessageOutcome> {
  const [locked] = await tx
    .select({ lastSeq: conversations.lastSeq })
    .from(conversations)
    .where(eq(conversations.id, input.conversationId))
    .for("update");
  if (!locked) return { kind: "conversation_not_found" };
  if (input.clientMsgId) {
    const [existing] = await tx
      .select()
      .from(messages)
      .where(
        and(
          eq(messages.conversationId, input.conversationId),
          eq(messages.authorKey, input.authorKey),
          eq(messages.clientMsgId, input.clientMsgId),
        ),
      );
    if (existing) {
      return existing.body === input.body
        ? { kind: "duplicate", message: existing }
        : { kind: "client_msg_id_conflict", message: existing };
    }
  }
  const seq = locked.lastSeq + 1;
  await tx
    .update(conversations)
    .set({ lastSeq: seq, lastMessageAt: input.now })
    .where(eq(conversations.id, input.conversationId));
  const [message] = await tx
    .insert(messages)
    .values({
      conversationId: input.conversationId,
      seq,
      actorType: input.actorType,
      senderId: input.senderId ?? null,
      credentialId: input.credentialId ?? null,
      authorKey: input.authorKey,
      clientMsgId: input.clientMsgId ?? null,
      body: input.body,
      attachments: input.attachments ?? [],
      engagementId: input.engagementId ?? null,
      flagReasons: input.flagReasons ?? [],
      flaggedAt: input.flagReasons && input.flagReasons.length > 0 ? input.now : null,
      createdAt: input.now,
    })
    .returning();
  await notifyChat(tx, { kind: "message", conversationId: input.conversationId, seq });
  return { kind: "created", message: message! };
}
