import { createServiceCredential, type Db, getUserWithRoles } from "@an/db";
import { advisorInvitations, conversationMembers, conversations } from "@an/db/schema";
import { insertConsultation } from "@an/db/testing";
import { eq } from "drizzle-orm";
import { authenticateServiceKey } from "../../auth/service-key";
import { createContextInner } from "../../trpc/context";
import { createCaller } from "../../trpc/router";

// Re-exported for tests written against this file before the helper moved to @an/db/testing.
export { seedProjectChat } from "@an/db/testing";

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
