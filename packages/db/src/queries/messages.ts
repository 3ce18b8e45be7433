import { and, eq, sql } from "drizzle-orm";
import type { ChatActorType, MessageFlagReason } from "@an/domain";
import type { Executor } from "../client";
import { conversationMembers, conversations, type MessageAttachment, messages } from "../schema";

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

/**
 * Tells the live streams of `userId` in a project's conversation (if it has one) to re-check
 * access: an engagement of theirs on the project changed (status or window), which may open
 * or close their chat. Delivered on commit, like every notice.
 */
export async function notifyProjectAccess(
  ex: Executor,
  params: { projectId: string; userId: string },
): Promise<void> {
  await ex.execute(sql`
    select pg_notify(${CHAT_CHANNEL}, json_build_object(
             'kind', 'access', 'conversationId', c.id, 'userId', ${params.userId}::text)::text)
      from ${conversations} c
     where c.project_id = ${params.projectId}
  `);
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
  /** A member (the sending user) whose read cursor moves to the new message with it. */
  readBy?: string | null;
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
  const seq = locked.lastSeq + 1;
  // Inserted before the seq moves, so a duplicate costs no seq. Under the lock nothing else
  // takes this seq; a conflict can only be this author's clientMsgId, committed earlier (this
  // statement's snapshot is taken after the lock, so it sees a racing first attempt).
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
    .onConflictDoNothing()
    .returning();
  if (!message) {
    const [existing] = input.clientMsgId
      ? await tx
          .select()
          .from(messages)
          .where(
            and(
              eq(messages.conversationId, input.conversationId),
              eq(messages.authorKey, input.authorKey),
              eq(messages.clientMsgId, input.clientMsgId),
            ),
          )
      : [];
    // Without a clientMsgId nothing else can conflict under the lock.
    if (!existing) throw new Error(`message seq ${seq} conflicted without a clientMsgId match`);
    return existing.body === input.body
      ? { kind: "duplicate", message: existing }
      : { kind: "client_msg_id_conflict", message: existing };
  }
  const notice: ChatNotice = { kind: "message", conversationId: input.conversationId, seq };
  // The seq moves, the sender's read cursor follows (their own message is read) and the
  // notice is queued, in one statement; the notice is delivered on commit, or never.
  const readBy = input.readBy
    ? sql`, read as (
        update ${conversationMembers} set last_read_seq = greatest(last_read_seq, ${seq})
         where conversation_id = ${input.conversationId} and user_id = ${input.readBy}
           and removed_at is null)`
    : sql``;
  await tx.execute(sql`
    with moved as (
      update ${conversations} set last_seq = ${seq}, last_message_at = ${input.now.toISOString()}
       where id = ${input.conversationId}
       returning id)${readBy}
    select pg_notify(${CHAT_CHANNEL}, ${JSON.stringify(notice)}) from moved
  `);
  return { kind: "created", message };
}
