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

/**
 * {@link readMessagesAfter} for many cursors in one round trip: for each
 * `(conversationId, afterSeq)`, the messages past it in seq order, at most `limit` each.
 * The live streams of a process batch their reads through here, so a busy process reads
 * once per turn of its event loop instead of once per message.
 */
export async function readMessagesAfterMany(
  ex: Executor,
  params: { cursors: readonly { conversationId: string; afterSeq: number }[]; limit: number },
): Promise<(StreamMessageRow & { afterSeq: number })[]> {
  if (params.cursors.length === 0) return [];
  // The cursors travel as one JSON parameter, whatever their number.
  const cursors = JSON.stringify(
    params.cursors.map((c) => ({ conversation_id: c.conversationId, after_seq: c.afterSeq })),
  );
  const rows = await ex.execute<RawStreamRow>(sql`
    select x.* from json_to_recordset(${cursors}::json) as r(conversation_id uuid, after_seq int)
    cross join lateral (
      select m.id, m.conversation_id as "conversationId", m.seq, m.actor_type as "actorType",
             m.sender_id as "senderId", m.author_key as "authorKey",
             m.client_msg_id as "clientMsgId", u.first_name as "senderFirstName",
             u.last_name as "senderLastName", a.display_name as "senderAdvisorName",
             m.body, m.attachments, m.engagement_id as "engagementId",
             m.edited_at as "editedAt", m.deleted_at as "deletedAt",
             m.hidden_at as "hiddenAt", m.created_at as "createdAt",
             r.after_seq as "afterSeq"
        from ${messages} m
        left join ${users} u on u.id = m.sender_id
        left join ${advisors} a on a.user_id = m.sender_id
       where m.conversation_id = r.conversation_id and m.seq > r.after_seq
       order by m.seq
       limit ${params.limit}) x
  `);
  return rows.map((r) => ({
    id: r.id,
    conversationId: r.conversationId,
    seq: r.seq,
    actorType: r.actorType,
    senderId: r.senderId,
    authorKey: r.authorKey,
    clientMsgId: r.clientMsgId,
    senderFirstName: r.senderFirstName,
    senderLastName: r.senderLastName,
    senderAdvisorName: r.senderAdvisorName,
    body: r.body,
    attachments: r.attachments,
    engagementId: r.engagementId,
    editedAt: toDateOrNull(r.editedAt),
    deletedAt: toDateOrNull(r.deletedAt),
    hiddenAt: toDateOrNull(r.hiddenAt),
    createdAt: toDateOrNull(r.createdAt)!,
    afterSeq: r.afterSeq,
  }));
}

type RawStreamRow = Omit<StreamMessageRow, "editedAt" | "deletedAt" | "hiddenAt" | "createdAt"> & {
  editedAt: Date | string | null;
  deletedAt: Date | string | null;
  hiddenAt: Date | string | null;
  createdAt: Date | string;
  afterSeq: number;
};

function toDateOrNull(value: Date | string | null): Date | null {
  return value === null ? null : value instanceof Date ? value : new Date(value);
}

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
