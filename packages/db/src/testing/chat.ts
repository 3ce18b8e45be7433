import type { Db } from "../client";
import { eq } from "drizzle-orm";
import { advisorInvitations, conversationMembers, conversations, projects } from "../schema";
import { insertConsultation } from "./fixtures";

/** What `seedProjectChat` inserts beyond the owner's project, conversation and membership. */
export type SeedProjectChatOptions = {
  ownerId: string;
  /** Defaults to "Storefront app". */
  name?: string;
  /** The project's and conversation's creation time and the members' join time; now by default. */
  createdAt?: Date;
  /** Archives the project at that time. */
  archivedAt?: Date;
  /** Adds this advisor as a member (joined at `createdAt`), with the column defaults. */
  advisorId?: string;
  /** Adds a confirmed async advice pass of this advisor on the project, paid by the owner. */
  pass?: { advisorId: string; days: number; startsAt: Date; endsAt: Date };
};

/**
 * A project with its conversation and the owner's membership, as the projects workflow
 * creates them, inserted directly so tests can set times and extra members. `passId` is
 * the pass's consultation id when `pass` was given.
 */
export async function seedProjectChat(
  db: Db,
  options: SeedProjectChatOptions,
): Promise<{ projectId: string; conversationId: string; passId: string | null }> {
  const { ownerId, createdAt } = options;
  const [project] = await db
    .insert(projects)
    .values({
      ownerId,
      name: options.name ?? "Storefront app",
      archivedAt: options.archivedAt ?? null,
      ...(createdAt ? { createdAt } : {}),
    })
    .returning({ id: projects.id });
  const [conversation] = await db
    .insert(conversations)
    .values({ projectId: project!.id, ...(createdAt ? { createdAt } : {}) })
    .returning({ id: conversations.id });
  const joined = createdAt ? { joinedAt: createdAt } : {};
  await db
    .insert(conversationMembers)
    .values({ conversationId: conversation!.id, userId: ownerId, role: "owner", ...joined });
  if (options.advisorId) {
    await db.insert(conversationMembers).values({
      conversationId: conversation!.id,
      userId: options.advisorId,
      role: "advisor",
      ...joined,
    });
  }
  const passId = options.pass
    ? await insertConsultation(db, {
        clientId: ownerId,
        advisorId: options.pass.advisorId,
        projectId: project!.id,
        kind: "async_pass",
        passDays: options.pass.days,
        status: "confirmed",
        startsAt: options.pass.startsAt,
        endsAt: options.pass.endsAt,
      })
    : null;
  return { projectId: project!.id, conversationId: conversation!.id, passId };
}

/** An advisor invited to a project who hasn't answered yet. */
export async function insertPendingInvitation(
  db: Db,
  params: { projectId: string; advisorId: string; invitedBy: string },
): Promise<void> {
  await db.insert(advisorInvitations).values({
    projectId: params.projectId,
    advisorId: params.advisorId,
    invitedBy: params.invitedBy,
    expiresAt: new Date(Date.now() + 30 * 86_400_000),
  });
}

/**
 * An advisor who accepted an invitation, with a running async advice pass on the project
 * paying for their time: their membership starts after the conversation's current last
 * seq, as accepting does. Returns the pass (the engagement their messages are billed to).
 */
export async function admitAdvisor(
  db: Db,
  params: {
    projectId: string;
    conversationId: string;
    advisorId: string;
    clientId: string;
    seesHistory?: boolean;
    canPost?: boolean;
  },
): Promise<string> {
  const [conversation] = await db
    .select({ lastSeq: conversations.lastSeq })
    .from(conversations)
    .where(eq(conversations.id, params.conversationId));
  await db.insert(advisorInvitations).values({
    projectId: params.projectId,
    advisorId: params.advisorId,
    invitedBy: params.clientId,
    status: "accepted",
    seesHistory: params.seesHistory ?? false,
    canPost: params.canPost ?? true,
    respondedAt: new Date(),
    expiresAt: new Date(Date.now() + 30 * 86_400_000),
  });
  await db.insert(conversationMembers).values({
    conversationId: params.conversationId,
    userId: params.advisorId,
    role: "advisor",
    canPost: params.canPost ?? true,
    historyFromSeq: conversation!.lastSeq,
  });
  const startsAt = new Date(Date.now() - 86_400_000);
  return insertConsultation(db, {
    clientId: params.clientId,
    advisorId: params.advisorId,
    projectId: params.projectId,
    kind: "async_pass",
    passDays: 7,
    status: "confirmed",
    startsAt,
    endsAt: new Date(startsAt.getTime() + 7 * 86_400_000),
  });
}
