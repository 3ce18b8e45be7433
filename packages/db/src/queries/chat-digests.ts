import { and, asc, eq, gt, isNull, lte, sql } from "drizzle-orm";
import type { ChatActorType, ChatMemberRole } from "@an/domain";
import type { Executor } from "../client";
import { advisors, conversationMembers, conversations, messages, projects, users } from "../schema";

/**
 * What the chat digest reads and writes. A member's unread stretch is the messages after
 * `greatest(last_read_seq, digested_seq, history_from_seq)`: what they read, what a digest
 * already told them, and (for an advisor) where their visible history starts. Only other
 * people's visible messages count: never the member's own, never hidden or deleted ones.
 */

const floorSeq = sql`greatest(${conversationMembers.lastReadSeq}, ${conversationMembers.digestedSeq}, ${conversationMembers.historyFromSeq})`;

/** The oldest unread message that counts for this member row (a correlated subquery). */
const oldestUnreadAt = sql`(
  select m.created_at from messages m
  where m.conversation_id = ${conversationMembers.conversationId}
    and m.seq > ${floorSeq}
    and m.sender_id is distinct from ${conversationMembers.userId}
    and m.deleted_at is null and m.hidden_at is null
  order by m.seq
  limit 1)`;

/**
 * Members who may be due a digest: active, with unread messages from others whose oldest
 * was sent at or before `cutoff`. Unlocked: each is re-checked under its row lock.
 */
export async function findChatDigestCandidates(
  ex: Executor,
  params: { cutoff: Date; limit: number },
): Promise<{ conversationId: string; userId: string }[]> {
  return ex
    .select({
      conversationId: conversationMembers.conversationId,
      userId: conversationMembers.userId,
    })
    .from(conversationMembers)
    .innerJoin(conversations, eq(conversations.id, conversationMembers.conversationId))
    .where(
      and(
        isNull(conversationMembers.removedAt),
        sql`${conversations.lastSeq} > ${floorSeq}`,
        sql`${oldestUnreadAt} <= ${params.cutoff.toISOString()}::timestamptz`,
      ),
    )
    .orderBy(asc(conversationMembers.conversationId), asc(conversationMembers.userId))
    .limit(params.limit);
}

export type DigestMember = {
  conversationId: string;
  userId: string;
  role: ChatMemberRole;
  lastReadSeq: number;
  digestedSeq: number;
  historyFromSeq: number;
  lastSeq: number;
  projectName: string;
};

/**
 * Locks an active member's row for a digest, or null when it is gone or another worker
 * holds it (SKIP LOCKED: that worker is writing this digest right now).
 */
export async function lockChatDigestMember(
  tx: Executor,
  params: { conversationId: string; userId: string },
): Promise<DigestMember | null> {
  const [row] = await tx
    .select({
      conversationId: conversationMembers.conversationId,
      userId: conversationMembers.userId,
      role: conversationMembers.role,
      lastReadSeq: conversationMembers.lastReadSeq,
      digestedSeq: conversationMembers.digestedSeq,
      historyFromSeq: conversationMembers.historyFromSeq,
      lastSeq: conversations.lastSeq,
      projectName: projects.name,
    })
    .from(conversationMembers)
    .innerJoin(conversations, eq(conversations.id, conversationMembers.conversationId))
    .innerJoin(projects, eq(projects.id, conversations.projectId))
    .where(
      and(
        eq(conversationMembers.conversationId, params.conversationId),
        eq(conversationMembers.userId, params.userId),
        isNull(conversationMembers.removedAt),
      ),
    )
    .for("update", { of: conversationMembers, skipLocked: true });
  return row ?? null;
}

export type DigestMessage = {
  seq: number;
  actorType: ChatActorType;
  firstName: string | null;
  lastName: string | null;
  advisorDisplayName: string | null;
  body: string;
  createdAt: Date;
};

/**
 * The unread messages from others a digest may tell `userId` about, after `afterSeq` up to
 * `toSeq`: the count, and the first `previews` of them in seq order.
 */
export async function loadChatDigestMessages(
  ex: Executor,
  params: {
    conversationId: string;
    userId: string;
    afterSeq: number;
    toSeq: number;
    previews: number;
  },
): Promise<{ count: number; first: DigestMessage[] }> {
  const where = and(
    eq(messages.conversationId, params.conversationId),
    gt(messages.seq, params.afterSeq),
    lte(messages.seq, params.toSeq),
    sql`${messages.senderId} is distinct from ${params.userId}`,
    isNull(messages.deletedAt),
    isNull(messages.hiddenAt),
  );
  const [counted] = await ex
    .select({ count: sql<number>`count(*)::int` })
    .from(messages)
    .where(where);
  const first = await ex
    .select({
      seq: messages.seq,
      actorType: messages.actorType,
      firstName: users.firstName,
      lastName: users.lastName,
      advisorDisplayName: advisors.displayName,
      body: messages.body,
      createdAt: messages.createdAt,
    })
    .from(messages)
    .leftJoin(users, eq(users.id, messages.senderId))
    .leftJoin(advisors, eq(advisors.userId, messages.senderId))
    .where(where)
    .orderBy(asc(messages.seq))
    .limit(params.previews);
  return { count: counted?.count ?? 0, first };
}

/** Records that a digest (or the decision not to send one) covered the stretch up to `seq`. */
export async function markChatDigested(
  tx: Executor,
  params: { conversationId: string; userId: string; seq: number },
): Promise<void> {
  await tx
    .update(conversationMembers)
    .set({ digestedSeq: sql`greatest(${conversationMembers.digestedSeq}, ${params.seq})` })
    .where(
      and(
        eq(conversationMembers.conversationId, params.conversationId),
        eq(conversationMembers.userId, params.userId),
      ),
    );
}
