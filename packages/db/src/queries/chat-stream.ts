import { and, asc, eq, gt, gte, lte, or, sql } from "drizzle-orm";
import type { ChatActorType } from "@an/domain";
import type { Executor } from "../client";
import { advisors, type MessageAttachment, messages, users } from "../schema";

/**
 * A message as a live stream reads it: the stored row's visible columns and what names its
 * sender (the caller decides, per viewer, how much of the name to show).
 */
export type StreamMessageRow = {
  id: string;
  conversationId: string;
  seq: number;
  actorType: ChatActorType;
  senderId: string | null;
  /** Who wrote it (`user:<id>` or `assistant:<credential>`); with `clientMsgId`, its echo key. */
  authorKey: string;
  clientMsgId: string | null;
  senderFirstName: string | null;
  senderLastName: string | null;
  /** The sender's public advisor name, when the sender is an advisor. */
  senderAdvisorName: string | null;
  body: string;
  attachments: MessageAttachment[];
  engagementId: string | null;
  editedAt: Date | null;
  deletedAt: Date | null;
  hiddenAt: Date | null;
  createdAt: Date;
};

const streamColumns = {
  id: messages.id,
  conversationId: messages.conversationId,
  seq: messages.seq,
  actorType: messages.actorType,
  senderId: messages.senderId,
  authorKey: messages.authorKey,
  clientMsgId: messages.clientMsgId,
  senderFirstName: users.firstName,
  senderLastName: users.lastName,
  senderAdvisorName: advisors.displayName,
  body: messages.body,
  attachments: messages.attachments,
  engagementId: messages.engagementId,
  editedAt: messages.editedAt,
  deletedAt: messages.deletedAt,
  hiddenAt: messages.hiddenAt,
  createdAt: messages.createdAt,
};

function streamSelect(ex: Executor) {
  return ex
    .select(streamColumns)
    .from(messages)
    .leftJoin(users, eq(users.id, messages.senderId))
    .leftJoin(advisors, eq(advisors.userId, messages.senderId));
}

/**
 * Messages with `seq > afterSeq`, in seq order, at most `limit` (a stream's backfill and
 * catch-up). Seqs are gap-free and commit in order, so reading past a cursor never skips a
 * row that commits later.
 */
export async function readMessagesAfter(
  ex: Executor,
  params: { conversationId: string; afterSeq: number; limit: number },
): Promise<StreamMessageRow[]> {
  // Every live message is read through here by every API process: the query is built once
  // per executor and reused (building it each time was a tenth of a busy stream's CPU).
  let prepared: ReadAfterQuery | undefined = readAfterQueries.get(ex);
  if (!prepared) {
    prepared = streamSelect(ex)
      .where(
        and(
          eq(messages.conversationId, sql.placeholder("conversationId")),
          gt(messages.seq, sql.placeholder("afterSeq")),
        ),
      )
      .orderBy(asc(messages.seq))
      .limit(sql.placeholder("limit"))
      .prepare("chat_read_messages_after");
    readAfterQueries.set(ex, prepared);
  }
  return prepared.execute(params);
}

/** What `readMessagesAfter` keeps per executor. */
type ReadAfterQuery = {
  execute: (params: {
    conversationId: string;
    afterSeq: number;
    limit: number;
  }) => Promise<StreamMessageRow[]>;
};
const readAfterQueries = new WeakMap<Executor, ReadAfterQuery>();

/** One message of a conversation, or null (a notice naming another conversation's message finds nothing). */
export async function readStreamMessage(
  ex: Executor,
  params: { conversationId: string; messageId: string },
): Promise<StreamMessageRow | null> {
  const [row] = await streamSelect(ex).where(
    and(eq(messages.conversationId, params.conversationId), eq(messages.id, params.messageId)),
  );
  return row ?? null;
}

/**
 * Messages up to `uptoSeq` edited, deleted or hidden at or after `since`: what a stream
 * re-sends after its notifications were interrupted, since update notices can't be replayed.
 */
export async function readMessagesChangedSince(
  ex: Executor,
  params: { conversationId: string; since: Date; uptoSeq: number; limit: number },
): Promise<StreamMessageRow[]> {
  return streamSelect(ex)
    .where(
      and(
        eq(messages.conversationId, params.conversationId),
        lte(messages.seq, params.uptoSeq),
        or(
          gte(messages.editedAt, params.since),
          gte(messages.deletedAt, params.since),
          gte(messages.hiddenAt, params.since),
        ),
      ),
    )
    .orderBy(asc(messages.seq))
    .limit(params.limit);
}

/** A member's names, for a typing indicator. */
export async function readChatUserNames(
  ex: Executor,
  params: { userId: string },
): Promise<{
  firstName: string | null;
  lastName: string | null;
  advisorName: string | null;
} | null> {
  const [row] = await ex
    .select({
      firstName: users.firstName,
      lastName: users.lastName,
      advisorName: advisors.displayName,
    })
    .from(users)
    .leftJoin(advisors, eq(advisors.userId, users.id))
    .where(eq(users.id, params.userId));
  return row ?? null;
}
