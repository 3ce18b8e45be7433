import { and, asc, desc, eq, inArray, isNull, lt, lte, or, type SQL, sql } from "drizzle-orm";
import { LIVE_INVITATION_STATUSES } from "@an/domain";
import type { Executor } from "../client";
import {
  advisorInvitations,
  advisors,
  conversationMembers,
  conversations,
  projects,
  users,
} from "../schema";

export type InvitationRow = typeof advisorInvitations.$inferSelect;

/**
 * An invitation with what its rules and its readers need: the project (owner, archived),
 * the advisor's standing and display name, and the owner's first name (all an advisor may
 * see of them).
 */
export type InvitationView = InvitationRow & {
  project: { id: string; name: string; ownerId: string; archivedAt: Date | null };
  advisor: { displayName: string; status: "active" | "suspended" | null };
  owner: { firstName: string | null };
};

const viewColumns = {
  invitation: advisorInvitations,
  projectName: projects.name,
  ownerId: projects.ownerId,
  archivedAt: projects.archivedAt,
  advisorName: advisors.displayName,
  advisorStatus: advisors.status,
  ownerFirstName: users.firstName,
};

type ViewRecord = {
  invitation: InvitationRow;
  projectName: string;
  ownerId: string;
  archivedAt: Date | null;
  advisorName: string | null;
  advisorStatus: "active" | "suspended" | null;
  ownerFirstName: string | null;
};

function toView(r: ViewRecord): InvitationView {
  return {
    ...r.invitation,
    project: {
      id: r.invitation.projectId,
      name: r.projectName,
      ownerId: r.ownerId,
      archivedAt: r.archivedAt,
    },
    advisor: { displayName: r.advisorName ?? "", status: r.advisorStatus },
    owner: { firstName: r.ownerFirstName },
  };
}

function viewQuery(ex: Executor) {
  return ex
    .select(viewColumns)
    .from(advisorInvitations)
    .innerJoin(projects, eq(projects.id, advisorInvitations.projectId))
    .innerJoin(users, eq(users.id, projects.ownerId))
    .leftJoin(advisors, eq(advisors.userId, advisorInvitations.advisorId));
}

/** One invitation as {@link InvitationView}, or null. */
export async function getInvitationView(
  ex: Executor,
  params: { id: string },
): Promise<InvitationView | null> {
  const [row] = await viewQuery(ex).where(eq(advisorInvitations.id, params.id));
  return row ? toView(row) : null;
}

/** Where a page of invitations ends: the last row's (created_at, id). */
export type InvitationCursor = { createdAt: Date; id: string };
export type InvitationPage = { items: InvitationView[]; nextCursor: InvitationCursor | null };

function afterInvitation(cursor: InvitationCursor | null | undefined): SQL | undefined {
  return cursor
    ? or(
        lt(advisorInvitations.createdAt, cursor.createdAt),
        and(
          eq(advisorInvitations.createdAt, cursor.createdAt),
          lt(advisorInvitations.id, cursor.id),
        ),
      )
    : undefined;
}

/** `rows` read with `limit + 1`: the page, and a cursor when there is more. */
function invitationPage(rows: ViewRecord[], limit: number): InvitationPage {
  const items = rows.slice(0, limit).map(toView);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null,
  };
}

/** A project's invitations, newest first, keyset-paged on (created_at, id). */
export async function listInvitationsForProject(
  ex: Executor,
  params: { projectId: string; limit: number; cursor?: InvitationCursor | null },
): Promise<InvitationPage> {
  const rows = await viewQuery(ex)
    .where(and(eq(advisorInvitations.projectId, params.projectId), afterInvitation(params.cursor)))
    .orderBy(desc(advisorInvitations.createdAt), desc(advisorInvitations.id))
    .limit(params.limit + 1);
  return invitationPage(rows, params.limit);
}

/** An advisor's invitations, newest first, keyset-paged on (created_at, id). */
export async function listInvitationsForAdvisor(
  ex: Executor,
  params: { advisorId: string; limit: number; cursor?: InvitationCursor | null },
): Promise<InvitationPage> {
  const rows = await viewQuery(ex)
    .where(and(eq(advisorInvitations.advisorId, params.advisorId), afterInvitation(params.cursor)))
    .orderBy(desc(advisorInvitations.createdAt), desc(advisorInvitations.id))
    .limit(params.limit + 1);
  return invitationPage(rows, params.limit);
}

/**
 * The project row, locked against concurrent invitations to it (`no key update`, so
 * rows referencing the project can still be inserted meanwhile). Null when unknown.
 */
export async function lockProjectForInvitation(ex: Executor, params: { projectId: string }) {
  const [row] = await ex
    .select({
      id: projects.id,
      ownerId: projects.ownerId,
      name: projects.name,
      archivedAt: projects.archivedAt,
    })
    .from(projects)
    .where(eq(projects.id, params.projectId))
    .for("no key update");
  return row ?? null;
}

/** The project's owner and archive time, unlocked (for reads). Null when unknown. */
export async function getProjectForInvitations(ex: Executor, params: { projectId: string }) {
  const [row] = await ex
    .select({ id: projects.id, ownerId: projects.ownerId, archivedAt: projects.archivedAt })
    .from(projects)
    .where(eq(projects.id, params.projectId));
  return row ?? null;
}

/**
 * An advisor's standing, share-locked so a suspension can't interleave with the command
 * that reads it. Null when the user is no approved advisor.
 */
export async function getAdvisorStanding(ex: Executor, params: { advisorId: string }) {
  const [row] = await ex
    .select({ status: advisors.status, displayName: advisors.displayName })
    .from(advisors)
    .where(eq(advisors.userId, params.advisorId))
    .for("share");
  return row ?? null;
}

/** Whether the advisor holds a pending or accepted invitation to the project. */
export async function hasLiveInvitation(
  ex: Executor,
  params: { projectId: string; advisorId: string },
): Promise<boolean> {
  const [row] = await ex
    .select({ id: advisorInvitations.id })
    .from(advisorInvitations)
    .where(
      and(
        eq(advisorInvitations.projectId, params.projectId),
        eq(advisorInvitations.advisorId, params.advisorId),
        inArray(advisorInvitations.status, LIVE_INVITATION_STATUSES),
      ),
    )
    .limit(1);
  return row !== undefined;
}

/** Live (pending or accepted) invitations on the project: what the plan's advisor limit counts. */
export async function countLiveInvitations(
  ex: Executor,
  params: { projectId: string },
): Promise<number> {
  const rows = await ex
    .select({ id: advisorInvitations.id })
    .from(advisorInvitations)
    .where(
      and(
        eq(advisorInvitations.projectId, params.projectId),
        inArray(advisorInvitations.status, LIVE_INVITATION_STATUSES),
      ),
    );
  return rows.length;
}

/**
 * Inserts a pending invitation. Null when a live one for the project and advisor exists
 * (the partial unique index decides, so a race can't make two).
 */
export async function insertInvitation(
  ex: Executor,
  values: {
    projectId: string;
    advisorId: string;
    invitedBy: string;
    seesHistory: boolean;
    canPost: boolean;
    message: string | null;
    expiresAt: Date;
    now: Date;
  },
): Promise<InvitationRow | null> {
  const { now, ...fields } = values;
  const [row] = await ex
    .insert(advisorInvitations)
    .values({ ...fields, status: "pending", createdAt: now, updatedAt: now })
    .onConflictDoNothing({
      target: [advisorInvitations.projectId, advisorInvitations.advisorId],
      where: sql`status in ('pending', 'accepted')`,
    })
    .returning();
  return row ?? null;
}

/** Locks one invitation row for a command on it; null when unknown. */
export async function lockInvitation(ex: Executor, params: { id: string }) {
  const [row] = await ex
    .select()
    .from(advisorInvitations)
    .where(eq(advisorInvitations.id, params.id))
    .for("update");
  return row ?? null;
}

/** Sets an invitation's status and the fields its transition records. */
export async function updateInvitation(
  ex: Executor,
  params: {
    id: string;
    set: Partial<
      Pick<InvitationRow, "status" | "respondedAt" | "revokedAt" | "revokedBy" | "revokedReason">
    >;
    now: Date;
  },
): Promise<void> {
  await ex
    .update(advisorInvitations)
    .set({ ...params.set, updatedAt: params.now })
    .where(eq(advisorInvitations.id, params.id));
}

/** Ids of live invitations whose expiry has passed, oldest expiry first, locked (skipping
 * ones another worker holds). */
export async function lockLapsedInvitations(
  ex: Executor,
  params: { now: Date; limit: number },
): Promise<string[]> {
  const rows = await ex
    .select({ id: advisorInvitations.id })
    .from(advisorInvitations)
    .where(
      and(
        inArray(advisorInvitations.status, LIVE_INVITATION_STATUSES),
        lte(advisorInvitations.expiresAt, params.now),
      ),
    )
    .orderBy(asc(advisorInvitations.expiresAt))
    .limit(params.limit)
    .for("update", { skipLocked: true });
  return rows.map((r) => r.id);
}

/**
 * A project's conversation, share-locked: a sender takes the next seq under an update lock
 * on the same row, so `lastSeq` read here is exactly the last message before the caller
 * commits. Null when the project has no conversation.
 */
export async function lockConversationOfProject(ex: Executor, params: { projectId: string }) {
  const [row] = await ex
    .select({ id: conversations.id, lastSeq: conversations.lastSeq })
    .from(conversations)
    .where(eq(conversations.projectId, params.projectId))
    .for("share");
  return row ?? null;
}

/** The project's conversation id, if it has one. */
export async function conversationIdOfProject(
  ex: Executor,
  params: { projectId: string },
): Promise<string | null> {
  const [row] = await ex
    .select({ id: conversations.id })
    .from(conversations)
    .where(eq(conversations.projectId, params.projectId));
  return row?.id ?? null;
}

/**
 * Makes the user an advisor member of the conversation, or reactivates their earlier
 * membership (a new invitation accepted after one ended): a fresh scope and history start,
 * while the read cursor keeps only moving forward.
 */
export async function upsertAdvisorMember(
  ex: Executor,
  params: {
    conversationId: string;
    userId: string;
    canPost: boolean;
    historyFromSeq: number;
    now: Date;
  },
): Promise<void> {
  await ex
    .insert(conversationMembers)
    .values({
      conversationId: params.conversationId,
      userId: params.userId,
      role: "advisor",
      canPost: params.canPost,
      historyFromSeq: params.historyFromSeq,
      lastReadSeq: params.historyFromSeq,
      digestedSeq: params.historyFromSeq,
      joinedAt: params.now,
    })
    .onConflictDoUpdate({
      target: [conversationMembers.conversationId, conversationMembers.userId],
      set: {
        role: "advisor",
        canPost: params.canPost,
        historyFromSeq: params.historyFromSeq,
        lastReadSeq: sql`greatest(${conversationMembers.lastReadSeq}, ${params.historyFromSeq})`,
        digestedSeq: sql`greatest(${conversationMembers.digestedSeq}, ${params.historyFromSeq})`,
        joinedAt: params.now,
        removedAt: null,
      },
    });
}

/** Ends a membership (the row stays for the record). True when it was active. */
export async function removeConversationMember(
  ex: Executor,
  params: { conversationId: string; userId: string; now: Date },
): Promise<boolean> {
  const rows = await ex
    .update(conversationMembers)
    .set({ removedAt: params.now })
    .where(
      and(
        eq(conversationMembers.conversationId, params.conversationId),
        eq(conversationMembers.userId, params.userId),
        isNull(conversationMembers.removedAt),
      ),
    )
    .returning({ userId: conversationMembers.userId });
  return rows.length > 0;
}

/** The conversations a user is an active member of. */
export async function activeConversationIdsOf(
  ex: Executor,
  params: { userId: string },
): Promise<string[]> {
  const rows = await ex
    .select({ id: conversationMembers.conversationId })
    .from(conversationMembers)
    .where(
      and(eq(conversationMembers.userId, params.userId), isNull(conversationMembers.removedAt)),
    );
  return rows.map((r) => r.id);
}
