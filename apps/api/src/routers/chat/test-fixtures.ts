import { createServiceCredential, type Db, getUserWithRoles } from "@an/db";
import { advisorInvitations, conversationMembers, conversations, projects } from "@an/db/schema";
import { insertConsultation } from "@an/db/testing";
import { eq } from "drizzle-orm";
import { authenticateServiceKey } from "../../auth/service-key";
import { createContextInner } from "../../trpc/context";
import { createCaller } from "../../trpc/router";

/**
 * A project with its conversation and the owner's membership, as `createProject` makes
 * them (inserted directly until that workflow is merged).
 */
export async function seedProjectChat(
  db: Db,
  params: { ownerId: string; name?: string },
): Promise<{ projectId: string; conversationId: string }> {
  const [project] = await db
    .insert(projects)
    .values({ ownerId: params.ownerId, name: params.name ?? "Storefront app" })
    .returning({ id: projects.id });
  const [conversation] = await db
    .insert(conversations)
    .values({ projectId: project!.id })
    .returning({ id: conversations.id });
  await db
    .insert(conversationMembers)
    .values({ conversationId: conversation!.id, userId: params.ownerId, role: "owner" });
  return { projectId: project!.id, conversationId: conversation!.id };
}

/** An advisor invited to a project who hasn't answered yet. */
export async function inviteAdvisor(
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

/** A caller for a demo user, or for the assistant when given its API key. */
export async function chatCaller(db: Db, who: string | { key: string }) {
  if (typeof who === "string") {
    const user = await getUserWithRoles(db, { id: who });
    return createCaller(createContextInner({ db, user, requestId: "req-chat" }));
  }
  const { service, error } = await authenticateServiceKey(db, who.key, new Date());
  return createCaller(createContextInner({ db, service, authError: error, requestId: "req-chat" }));
}

/** A live API key with the assistant scope. */
export async function assistantKey(db: Db): Promise<{ id: string; key: string }> {
  return createServiceCredential(db, { name: "Assistant", scope: "assistant", createdBy: null });
}
