import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, lt, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { ChatActorType, ChatMemberRole, MessageFlagReason } from "@an/domain";
import type { Executor } from "../client";
import {
  conversationMembers,
  conversations,
  type MessageAttachment,
  messageReports,
  messageRevisions,
  messages,
  projects,
  serviceCredentials,
  users,
} from "../schema";

/**
 * What admins read when moderating project chats: conversations with their flag and report
 * counts, a conversation's history with everything members no longer see (hidden and
 * deleted bodies, earlier revisions, reports), and the flagged messages. Admin-only: names
 * are full names, never the first-name projection advisors get.
 */

/** A user as an admin sees them. */
export type AdminUserRef = {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
};

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const owners = alias(users, "owners");

export type AdminConversationRow = {
  id: string;
  project: { id: string; name: string; archivedAt: Date | null };
  owner: AdminUserRef;
  lastSeq: number;
  lastMessageAt: Date | null;
  createdAt: Date;
  /** The list's order and cursor: the last message's time, or the creation time. */
  activityAt: Date;
  memberCount: number;
  /** Messages flagged for review (contact details, payment links, reports). */
  flaggedMessages: number;
  /** Messages with at least one unresolved report. */
  reportedMessages: number;
};

/**
 * Conversations for the console, most recently active first, keyset-paged on
 * (activity, id). `projectName` matches part of the project's name; `member` a member's
 * (or the owner's) user id or email exactly, or part of their name or email;
 * `flaggedOnly` keeps conversations with a flagged message or an open report.
 */
export async function listConversationsForAdmin(
  ex: Executor,
  params: {
    projectName?: string;
    member?: string;
    flaggedOnly?: boolean;
    cursor?: { createdAt: Date; id: string } | null;
    limit: number;
  },
): Promise<AdminConversationRow[]> {
  const activityAt = sql`coalesce(${conversations.lastMessageAt}, ${conversations.createdAt})`;
  const filters = [];
  if (params.projectName)
    filters.push(sql`${projects.name} ilike ${likePattern(params.projectName)}`);
  if (params.member) {
    const pattern = likePattern(params.member);
    filters.push(sql`exists (
      select 1 from users mu
      where (mu.id = ${projects.ownerId}
             or mu.id in (select cm.user_id from conversation_members cm
                          where cm.conversation_id = ${conversations.id}))
        and (mu.id = ${params.member}
             or mu.email ilike ${pattern}
             or mu.first_name ilike ${pattern}
             or mu.last_name ilike ${pattern}
             or (mu.first_name || ' ' || mu.last_name) ilike ${pattern}))`);
  }
  if (params.flaggedOnly) {
    filters.push(sql`exists (
      select 1 from messages fm
      where fm.conversation_id = ${conversations.id}
        and (fm.flagged_at is not null
             or exists (select 1 from message_reports fr
                        where fr.message_id = fm.id and fr.resolved_at is null)))`);
  }
  if (params.cursor) {
    filters.push(
      sql`(${activityAt}, ${conversations.id}) < (${params.cursor.createdAt.toISOString()}::timestamptz, ${params.cursor.id}::uuid)`,
    );
  }
  const rows = await ex
    .select({
      id: conversations.id,
      projectId: projects.id,
      projectName: projects.name,
      archivedAt: projects.archivedAt,
      ownerId: owners.id,
      ownerFirstName: owners.firstName,
      ownerLastName: owners.lastName,
      ownerEmail: owners.email,
      lastSeq: conversations.lastSeq,
      lastMessageAt: conversations.lastMessageAt,
      createdAt: conversations.createdAt,
      activityAt: activityAt.mapWith(conversations.createdAt),
      memberCount: sql<number>`(select count(*)::int from conversation_members cm
        where cm.conversation_id = ${conversations.id} and cm.removed_at is null)`,
      flaggedMessages: sql<number>`(select count(*)::int from messages fm
        where fm.conversation_id = ${conversations.id} and fm.flagged_at is not null)`,
      reportedMessages: sql<number>`(select count(distinct fr.message_id)::int
        from message_reports fr join messages fm on fm.id = fr.message_id
        where fm.conversation_id = ${conversations.id} and fr.resolved_at is null)`,
    })
    .from(conversations)
    .innerJoin(projects, eq(projects.id, conversations.projectId))
    .innerJoin(owners, eq(owners.id, projects.ownerId))
    .where(filters.length ? and(...filters) : undefined)
    .orderBy(desc(activityAt), desc(conversations.id))
    .limit(params.limit);
  return rows.map((r) => ({
    id: r.id,
    project: { id: r.projectId, name: r.projectName, archivedAt: r.archivedAt },
    owner: {
      id: r.ownerId,
      firstName: r.ownerFirstName,
      lastName: r.ownerLastName,
      email: r.ownerEmail,
    },
    lastSeq: r.lastSeq,
    lastMessageAt: r.lastMessageAt,
    createdAt: r.createdAt,
    activityAt: r.activityAt,
    memberCount: r.memberCount,
    flaggedMessages: r.flaggedMessages,
    reportedMessages: r.reportedMessages,
  }));
}

export type AdminConversationHeader = {
  id: string;
  lastSeq: number;
  project: { id: string; name: string; archivedAt: Date | null };
  owner: AdminUserRef;
  members: {
    user: AdminUserRef;
    role: ChatMemberRole;
    canPost: boolean;
    historyFromSeq: number;
    lastReadSeq: number;
    joinedAt: Date;
    removedAt: Date | null;
  }[];
};

/** A conversation's project, owner and members (past ones too; the owner first), or null when unknown. */
export async function getConversationForAdmin(
  ex: Executor,
  params: { conversationId: string },
): Promise<AdminConversationHeader | null> {
  const [conv] = await ex
    .select({
      id: conversations.id,
      lastSeq: conversations.lastSeq,
      projectId: projects.id,
      projectName: projects.name,
      archivedAt: projects.archivedAt,
      ownerId: owners.id,
      ownerFirstName: owners.firstName,
      ownerLastName: owners.lastName,
      ownerEmail: owners.email,
    })
    .from(conversations)
    .innerJoin(projects, eq(projects.id, conversations.projectId))
    .innerJoin(owners, eq(owners.id, projects.ownerId))
    .where(eq(conversations.id, params.conversationId));
  if (!conv) return null;
  const members = await ex
    .select({
      id: users.id,
      firstName: users.firstName,
      lastName: users.lastName,
      email: users.email,
      role: conversationMembers.role,
      canPost: conversationMembers.canPost,
      historyFromSeq: conversationMembers.historyFromSeq,
      lastReadSeq: conversationMembers.lastReadSeq,
      joinedAt: conversationMembers.joinedAt,
      removedAt: conversationMembers.removedAt,
    })
    .from(conversationMembers)
    .innerJoin(users, eq(users.id, conversationMembers.userId))
    .where(eq(conversationMembers.conversationId, conv.id))
    .orderBy(asc(conversationMembers.role), asc(conversationMembers.joinedAt), asc(users.id));
  return {
    id: conv.id,
    lastSeq: conv.lastSeq,
    project: { id: conv.projectId, name: conv.projectName, archivedAt: conv.archivedAt },
    owner: {
      id: conv.ownerId,
      firstName: conv.ownerFirstName,
      lastName: conv.ownerLastName,
      email: conv.ownerEmail,
    },
    members: members.map((m) => ({
      user: { id: m.id, firstName: m.firstName, lastName: m.lastName, email: m.email },
      role: m.role,
      canPost: m.canPost,
      historyFromSeq: m.historyFromSeq,
      lastReadSeq: m.lastReadSeq,
      joinedAt: m.joinedAt,
      removedAt: m.removedAt,
    })),
  };
}

/** A message as moderators see it: the stored body even when hidden or deleted. */
export type ModeratedMessage = {
  id: string;
  conversationId: string;
  seq: number;
  actorType: ChatActorType;
  sender: AdminUserRef | null;
  /** The assistant's credential, for its messages. */
  credential: { id: string; name: string } | null;
  body: string;
  attachments: MessageAttachment[];
  engagementId: string | null;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
  hidden: { at: Date; by: string | null; reason: string } | null;
  flaggedAt: Date | null;
  flagReasons: MessageFlagReason[];
  /** The text before each edit or delete, oldest first. */
  revisions: { body: string; revisedBy: string | null; revisedAt: Date }[];
  reports: {
    id: string;
    reporter: AdminUserRef;
    reason: string;
    createdAt: Date;
    resolvedAt: Date | null;
    resolvedBy: string | null;
  }[];
};

const senders = alias(users, "senders");

const moderatedColumns = {
  id: messages.id,
  conversationId: messages.conversationId,
  seq: messages.seq,
  actorType: messages.actorType,
  senderId: senders.id,
  senderFirstName: senders.firstName,
  senderLastName: senders.lastName,
  senderEmail: senders.email,
  credentialId: serviceCredentials.id,
  credentialName: serviceCredentials.name,
  body: messages.body,
  attachments: messages.attachments,
  engagementId: messages.engagementId,
  createdAt: messages.createdAt,
  editedAt: messages.editedAt,
  deletedAt: messages.deletedAt,
  hiddenAt: messages.hiddenAt,
  hiddenBy: messages.hiddenBy,
  hiddenReason: messages.hiddenReason,
  flaggedAt: messages.flaggedAt,
  flagReasons: messages.flagReasons,
};

/** Adds each message's revisions and reports (two queries for the whole page). */
async function withHistory(
  ex: Executor,
  rows: Awaited<ReturnType<typeof selectModerated>>,
): Promise<ModeratedMessage[]> {
  const ids = rows.map((r) => r.id);
  const revisions = ids.length
    ? await ex
        .select({
          messageId: messageRevisions.messageId,
          body: messageRevisions.body,
          revisedBy: messageRevisions.revisedBy,
          revisedAt: messageRevisions.revisedAt,
        })
        .from(messageRevisions)
        .where(inArray(messageRevisions.messageId, ids))
        .orderBy(asc(messageRevisions.revisedAt), asc(messageRevisions.id))
    : [];
  const reports = ids.length
    ? await ex
        .select({
          id: messageReports.id,
          messageId: messageReports.messageId,
          reporterId: users.id,
          reporterFirstName: users.firstName,
          reporterLastName: users.lastName,
          reporterEmail: users.email,
          reason: messageReports.reason,
          createdAt: messageReports.createdAt,
          resolvedAt: messageReports.resolvedAt,
          resolvedBy: messageReports.resolvedBy,
        })
        .from(messageReports)
        .innerJoin(users, eq(users.id, messageReports.reporterId))
        .where(inArray(messageReports.messageId, ids))
        .orderBy(asc(messageReports.createdAt), asc(messageReports.id))
    : [];
  return rows.map((r) => ({
    id: r.id,
    conversationId: r.conversationId,
    seq: r.seq,
    actorType: r.actorType,
    sender: r.senderId
      ? {
          id: r.senderId,
          firstName: r.senderFirstName,
          lastName: r.senderLastName,
          email: r.senderEmail,
        }
      : null,
    credential:
      r.credentialId && r.credentialName ? { id: r.credentialId, name: r.credentialName } : null,
    body: r.body,
    attachments: r.attachments,
    engagementId: r.engagementId,
    createdAt: r.createdAt,
    editedAt: r.editedAt,
    deletedAt: r.deletedAt,
    hidden:
      r.hiddenAt && r.hiddenReason !== null
        ? { at: r.hiddenAt, by: r.hiddenBy, reason: r.hiddenReason }
        : null,
    flaggedAt: r.flaggedAt,
    flagReasons: r.flagReasons,
    revisions: revisions
      .filter((v) => v.messageId === r.id)
      .map((v) => ({ body: v.body, revisedBy: v.revisedBy, revisedAt: v.revisedAt })),
    reports: reports
      .filter((p) => p.messageId === r.id)
      .map((p) => ({
        id: p.id,
        reporter: {
          id: p.reporterId,
          firstName: p.reporterFirstName,
          lastName: p.reporterLastName,
          email: p.reporterEmail,
        },
        reason: p.reason,
        createdAt: p.createdAt,
        resolvedAt: p.resolvedAt,
        resolvedBy: p.resolvedBy,
      })),
  }));
}

function selectModerated(ex: Executor) {
  return ex
    .select(moderatedColumns)
    .from(messages)
    .leftJoin(senders, eq(senders.id, messages.senderId))
    .leftJoin(serviceCredentials, eq(serviceCredentials.id, messages.credentialId));
}

/**
 * One page of a conversation's history by `seq`, in ascending order either way: after
 * `afterSeq` (the next page forward), or before `beforeSeq` (the previous page; without
 * either, the newest page).
 */
export async function readConversationPage(
  ex: Executor,
  params: { conversationId: string; afterSeq?: number; beforeSeq?: number; limit: number },
): Promise<ModeratedMessage[]> {
  const inConversation = eq(messages.conversationId, params.conversationId);
  const rows =
    params.afterSeq !== undefined
      ? await selectModerated(ex)
          .where(and(inConversation, gt(messages.seq, params.afterSeq)))
          .orderBy(asc(messages.seq))
          .limit(params.limit)
      : (
          await selectModerated(ex)
            .where(
              and(
                inConversation,
                params.beforeSeq !== undefined ? lt(messages.seq, params.beforeSeq) : undefined,
              ),
            )
            .orderBy(desc(messages.seq))
            .limit(params.limit)
        ).reverse();
  return withHistory(ex, rows);
}

export type FlaggedMessage = ModeratedMessage & {
  project: { id: string; name: string };
  openReports: number;
};

/**
 * Messages flagged for review (contact details, payment links) or reported by a member,
 * newest first, keyset-paged on (created_at, id). `reason` keeps one kind of flag
 * (`reported`: messages with a report); `openOnly` keeps messages still visible that have
 * an unresolved report or a content flag.
 */
export async function listFlaggedMessages(
  ex: Executor,
  params: {
    reason?: MessageFlagReason;
    openOnly?: boolean;
    cursor?: { createdAt: Date; id: string } | null;
    limit: number;
  },
): Promise<FlaggedMessage[]> {
  const hasReport = sql`exists (select 1 from message_reports fr where fr.message_id = ${messages.id})`;
  const hasOpenReport = sql`exists (select 1 from message_reports fr
    where fr.message_id = ${messages.id} and fr.resolved_at is null)`;
  const filters = [or(isNotNull(messages.flaggedAt), hasReport)];
  if (params.reason === "reported") {
    filters.push(or(hasReport, sql`'reported' = any(${messages.flagReasons})`));
  } else if (params.reason) {
    filters.push(sql`${params.reason}::message_flag_reason = any(${messages.flagReasons})`);
  }
  if (params.openOnly) {
    filters.push(isNull(messages.hiddenAt), or(hasOpenReport, isNotNull(messages.flaggedAt)));
  }
  if (params.cursor) {
    filters.push(
      or(
        lt(messages.createdAt, params.cursor.createdAt),
        and(eq(messages.createdAt, params.cursor.createdAt), lt(messages.id, params.cursor.id)),
      ),
    );
  }
  const rows = await ex
    .select({
      ...moderatedColumns,
      projectId: projects.id,
      projectName: projects.name,
      openReports: sql<number>`(select count(*)::int from message_reports fr
        where fr.message_id = ${messages.id} and fr.resolved_at is null)`,
    })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(projects, eq(projects.id, conversations.projectId))
    .leftJoin(senders, eq(senders.id, messages.senderId))
    .leftJoin(serviceCredentials, eq(serviceCredentials.id, messages.credentialId))
    .where(and(...filters))
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(params.limit);
  const withRevisions = await withHistory(ex, rows);
  return withRevisions.map((m, i) => ({
    ...m,
    project: { id: rows[i]!.projectId, name: rows[i]!.projectName },
    openReports: rows[i]!.openReports,
  }));
}

/** The moderation state of one message, locked for a change to it; null when unknown. */
export async function lockMessageForModeration(
  tx: Executor,
  params: { id: string },
): Promise<{
  id: string;
  conversationId: string;
  seq: number;
  hiddenAt: Date | null;
  hiddenReason: string | null;
} | null> {
  const [row] = await tx
    .select({
      id: messages.id,
      conversationId: messages.conversationId,
      seq: messages.seq,
      hiddenAt: messages.hiddenAt,
      hiddenReason: messages.hiddenReason,
    })
    .from(messages)
    .where(eq(messages.id, params.id))
    .for("update");
  return row ?? null;
}

/** Hides a message (with who and why) or shows it again. */
export async function setMessageHidden(
  tx: Executor,
  params: { id: string; hidden: { at: Date; by: string | null; reason: string } | null },
): Promise<void> {
  await tx
    .update(messages)
    .set(
      params.hidden
        ? {
            hiddenAt: params.hidden.at,
            hiddenBy: params.hidden.by,
            hiddenReason: params.hidden.reason,
          }
        : { hiddenAt: null, hiddenBy: null, hiddenReason: null },
    )
    .where(eq(messages.id, params.id));
}

/** Resolves a message's open reports; the ids of those resolved. */
export async function resolveOpenReports(
  tx: Executor,
  params: { messageId: string; by: string | null; now: Date },
): Promise<string[]> {
  const rows = await tx
    .update(messageReports)
    .set({ resolvedAt: params.now, resolvedBy: params.by })
    .where(and(eq(messageReports.messageId, params.messageId), isNull(messageReports.resolvedAt)))
    .returning({ id: messageReports.id });
  return rows.map((r) => r.id);
}
