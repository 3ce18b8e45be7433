import { and, desc, eq, inArray } from "drizzle-orm";
import {
  type ChatAccess,
  type ChatCaller,
  decideChatAccess,
  LIVE_INVITATION_STATUSES,
} from "@an/domain";
import type { Executor } from "../client";
import {
  advisorInvitations,
  advisors,
  consultations,
  conversationMembers,
  conversations,
  projects,
} from "../schema";

export type ChatAccessResult = {
  conversation: { id: string; projectId: string; lastSeq: number };
  access: ChatAccess;
};

/**
 * Reads what decides a caller's access to a conversation and asks the domain. Null when the
 * conversation doesn't exist. Every read and every send calls this, and live streams call it
 * again when a membership changes, so a revoked, expired or suspended advisor loses access
 * at once.
 */
export async function loadChatAccess(
  ex: Executor,
  params: { conversationId: string; caller: ChatCaller; now: Date },
): Promise<ChatAccessResult | null> {
  const [conv] = await ex
    .select({
      id: conversations.id,
      projectId: conversations.projectId,
      lastSeq: conversations.lastSeq,
      ownerId: projects.ownerId,
      archivedAt: projects.archivedAt,
    })
    .from(conversations)
    .innerJoin(projects, eq(projects.id, conversations.projectId))
    .where(eq(conversations.id, params.conversationId));
  if (!conv) return null;
  const conversation = { id: conv.id, projectId: conv.projectId, lastSeq: conv.lastSeq };
  const project = { ownerId: conv.ownerId, archivedAt: conv.archivedAt };
  const caller = params.caller;
  if (caller.kind === "assistant" || caller.userId === conv.ownerId) {
    const facts = { project, invitation: null, advisorStatus: null, member: null, engagements: [] };
    return { conversation, access: decideChatAccess(caller, facts, params.now) };
  }
  const userId = caller.userId;
  const [invitation] = await ex
    .select({
      status: advisorInvitations.status,
      expiresAt: advisorInvitations.expiresAt,
      seesHistory: advisorInvitations.seesHistory,
      canPost: advisorInvitations.canPost,
    })
    .from(advisorInvitations)
    .where(
      and(
        eq(advisorInvitations.projectId, conv.projectId),
        eq(advisorInvitations.advisorId, userId),
      ),
    )
    // The live invitation (at most one) decides; else the latest ended one says why not.
    // Creation time alone can tie, and then an ended invitation could hide a live one.
    .orderBy(
      desc(inArray(advisorInvitations.status, LIVE_INVITATION_STATUSES)),
      desc(advisorInvitations.createdAt),
      desc(advisorInvitations.id),
    )
    .limit(1);
  const [advisor] = await ex
    .select({ status: advisors.status })
    .from(advisors)
    .where(eq(advisors.userId, userId));
  const [member] = await ex
    .select({
      historyFromSeq: conversationMembers.historyFromSeq,
      removedAt: conversationMembers.removedAt,
    })
    .from(conversationMembers)
    .where(
      and(eq(conversationMembers.conversationId, conv.id), eq(conversationMembers.userId, userId)),
    );
  const engagements = advisor
    ? await ex
        .select({
          id: consultations.id,
          kind: consultations.kind,
          status: consultations.status,
          startsAt: consultations.startsAt,
          endsAt: consultations.endsAt,
        })
        .from(consultations)
        .where(
          and(eq(consultations.projectId, conv.projectId), eq(consultations.advisorId, userId)),
        )
    : [];
  const facts = {
    project,
    invitation: invitation ?? null,
    advisorStatus: advisor?.status ?? null,
    member: member ?? null,
    engagements,
  };
  return { conversation, access: decideChatAccess(caller, facts, params.now) };
}
