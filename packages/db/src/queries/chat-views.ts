import { and, asc, desc, eq, gt, isNull, lt, ne, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { advisors, conversationMembers, conversations, messages, projects, users } from "../schema";

/** The columns a message view is built from: the message and what names its sender. */
const messageColumns = {
  id: messages.id,
  conversationId: messages.conversationId,
  seq: messages.seq,
  actorType: messages.actorType,
  senderId: messages.senderId,
  authorKey: messages.authorKey,
  clientMsgId: messages.clientMsgId,
  body: messages.body,
  attachments: messages.attachments,
  engagementId: messages.engagementId,
  editedAt: messages.editedAt,
  deletedAt: messages.deletedAt,
  hiddenAt: messages.hiddenAt,
  createdAt: messages.createdAt,
  senderFirstName: users.firstName,
  senderLastName: users.lastName,
  senderAdvisorName: advisors.displayName,
};

export type ChatMessageRecord = {
  id: string;
  conversationId: string;
  seq: number;
  actorType: "client" | "advisor" | "assistant" | "system";
  senderId: string | null;
  authorKey: string;
  clientMsgId: string | null;
  body: string;
  attachments: { path: string; contentType: string; bytes: number; name: string }[];
  engagementId: string | null;
  editedAt: Date | null;
  deletedAt: Date | null;
  hiddenAt: Date | null;
  createdAt: Date;
  senderFirstName: string | null;
  senderLastName: string | null;
  senderAdvisorName: string | null;
};

/** A message row as a view record, with its sender's names (known to the caller already). */
export function chatMessageRecord(
  row: typeof messages.$inferSelect,
  sender: { firstName: string | null; lastName: string | null; advisorName: string | null } | null,
): ChatMessageRecord {
  return {
    id: row.id,
    conversationId: row.conversationId,
    seq: row.seq,
    actorType: row.actorType,
    senderId: row.senderId,
    authorKey: row.authorKey,
    clientMsgId: row.clientMsgId,
    body: row.body,
    attachments: row.attachments,
    engagementId: row.engagementId,
    editedAt: row.editedAt,
    deletedAt: row.deletedAt,
    hiddenAt: row.hiddenAt,
    createdAt: row.createdAt,
    senderFirstName: row.senderId ? (sender?.firstName ?? null) : null,
    senderLastName: row.senderId ? (sender?.lastName ?? null) : null,
    senderAdvisorName: row.senderId ? (sender?.advisorName ?? null) : null,
  };
}

/** One message with what names its sender, or null. */
export async function getChatMessage(
  ex: Executor,
  params: { id: string },
): Promise<ChatMessageRecord | null> {
  const [row] = await ex
    .select(messageColumns)
    .from(messages)
    .leftJoin(users, eq(users.id, messages.senderId))
    .leftJoin(advisors, eq(advisors.userId, messages.senderId))
    .where(eq(messages.id, params.id));
  return row ?? null;
}

/**
 * A page of a conversation's messages by `seq`, in ascending order. With `after`, the
 * `limit` messages following it (a poller's or a reconnect's read); otherwise the `limit`
 * messages before `before` (or the newest). Messages at or below `floorSeq` are never
 * returned (history an advisor may not see). `hasMore` says whether the page stopped
 * short of more messages in the direction read.
 */
export async function listChatMessages(
  ex: Executor,
  params: {
    conversationId: string;
    floorSeq: number;
    before?: number | undefined;
    after?: number | undefined;
    limit: number;
  },
): Promise<{ rows: ChatMessageRecord[]; hasMore: boolean }> {
  const base = ex
    .select(messageColumns)
    .from(messages)
    .leftJoin(users, eq(users.id, messages.senderId))
    .leftJoin(advisors, eq(advisors.userId, messages.senderId));
  if (params.after !== undefined) {
    const rows = await base
      .where(
        and(
          eq(messages.conversationId, params.conversationId),
          gt(messages.seq, Math.max(params.after, params.floorSeq)),
        ),
      )
      .orderBy(asc(messages.seq))
      .limit(params.limit + 1);
    return { rows: rows.slice(0, params.limit), hasMore: rows.length > params.limit };
  }
  const rows = await base
    .where(
      and(
        eq(messages.conversationId, params.conversationId),
        gt(messages.seq, params.floorSeq),
        params.before !== undefined ? lt(messages.seq, params.before) : undefined,
      ),
    )
    .orderBy(desc(messages.seq))
    .limit(params.limit + 1);
  return { rows: rows.slice(0, params.limit).reverse(), hasMore: rows.length > params.limit };
}

/** A conversation's current members (owner and advisors), with what names them. */
export async function listChatMembers(ex: Executor, params: { conversationId: string }) {
  return ex
    .select({
      userId: conversationMembers.userId,
      role: conversationMembers.role,
      canPost: conversationMembers.canPost,
      joinedAt: conversationMembers.joinedAt,
      lastReadSeq: conversationMembers.lastReadSeq,
      firstName: users.firstName,
      lastName: users.lastName,
      advisorName: advisors.displayName,
    })
    .from(conversationMembers)
    .innerJoin(users, eq(users.id, conversationMembers.userId))
    .leftJoin(advisors, eq(advisors.userId, conversationMembers.userId))
    .where(
      and(
        eq(conversationMembers.conversationId, params.conversationId),
        isNull(conversationMembers.removedAt),
      ),
    )
    .orderBy(asc(conversationMembers.joinedAt), asc(conversationMembers.userId));
}

/** The project a conversation belongs to. */
export async function getConversationProject(ex: Executor, params: { conversationId: string }) {
  const [row] = await ex
    .select({
      projectId: projects.id,
      name: projects.name,
      archivedAt: projects.archivedAt,
      lastSeq: conversations.lastSeq,
      lastMessageAt: conversations.lastMessageAt,
    })
    .from(conversations)
    .innerJoin(projects, eq(projects.id, conversations.projectId))
    .where(eq(conversations.id, params.conversationId));
  return row ?? null;
}

/** A user's own read cursor in a conversation, when they are a current member. */
export async function getReadCursor(
  ex: Executor,
  params: { conversationId: string; userId: string },
): Promise<number | null> {
  const [row] = await ex
    .select({ lastReadSeq: conversationMembers.lastReadSeq })
    .from(conversationMembers)
    .where(
      and(
        eq(conversationMembers.conversationId, params.conversationId),
        eq(conversationMembers.userId, params.userId),
        isNull(conversationMembers.removedAt),
      ),
    );
  return row?.lastReadSeq ?? null;
}

/**
 * The conversations a user is a current member of, most recently active first (at most
 * `limit`), with their read cursor. Access is decided by the caller per conversation.
 */
export async function listMemberConversations(
  ex: Executor,
  params: { userId: string; limit: number },
) {
  return ex
    .select({
      conversationId: conversations.id,
      projectId: projects.id,
      projectName: projects.name,
      archivedAt: projects.archivedAt,
      role: conversationMembers.role,
      lastSeq: conversations.lastSeq,
      lastMessageAt: conversations.lastMessageAt,
      lastReadSeq: conversationMembers.lastReadSeq,
    })
    .from(conversationMembers)
    .innerJoin(conversations, eq(conversations.id, conversationMembers.conversationId))
    .innerJoin(projects, eq(projects.id, conversations.projectId))
    .where(
      and(eq(conversationMembers.userId, params.userId), isNull(conversationMembers.removedAt)),
    )
    .orderBy(
      sql`${conversations.lastMessageAt} desc nulls last`,
      desc(conversations.createdAt),
      asc(conversations.id),
    )
    .limit(params.limit);
}

/**
 * Messages after `afterSeq` that count as unread for a reader: visible (not deleted or
 * hidden) and not their own.
 */
export async function countUnread(
  ex: Executor,
  params: { conversationId: string; afterSeq: number; readerKey: string },
): Promise<number> {
  const [row] = await ex
    .select({ n: sql<number>`count(*)::int` })
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, params.conversationId),
        gt(messages.seq, params.afterSeq),
        ne(messages.authorKey, params.readerKey),
        isNull(messages.deletedAt),
        isNull(messages.hiddenAt),
      ),
    );
  return row?.n ?? 0;
}

/** The newest message still shown (not deleted or hidden) above `floorSeq`, or null. */
export async function getLastVisibleMessage(
  ex: Executor,
  params: { conversationId: string; floorSeq: number },
): Promise<ChatMessageRecord | null> {
  const [row] = await ex
    .select(messageColumns)
    .from(messages)
    .leftJoin(users, eq(users.id, messages.senderId))
    .leftJoin(advisors, eq(advisors.userId, messages.senderId))
    .where(
      and(
        eq(messages.conversationId, params.conversationId),
        gt(messages.seq, params.floorSeq),
        isNull(messages.deletedAt),
        isNull(messages.hiddenAt),
      ),
    )
    .orderBy(desc(messages.seq))
    .limit(1);
  return row ?? null;
}
