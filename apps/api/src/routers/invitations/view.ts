import type { InvitationView } from "@an/db";
import { clientForAdvisor, invitationActions, invitationParty } from "@an/domain";
import type { AuthUser } from "../../trpc/context";

/**
 * An invitation as its parties see it, with what the caller may do next (decided by the
 * domain, so the console never re-derives a rule). The client is shown by first name only,
 * to everyone; the revocation reason is for the owner and admins, not the advisor.
 */
export function invitationOutput(view: InvitationView, user: AuthUser, now: Date) {
  const actor = invitationActor(user);
  const facts = {
    id: view.id,
    advisorId: view.advisorId,
    status: view.status,
    expiresAt: view.expiresAt,
    project: view.project,
    advisorStatus: view.advisor.status,
  };
  const party = invitationParty(actor, facts);
  return {
    id: view.id,
    status: view.status,
    seesHistory: view.seesHistory,
    canPost: view.canPost,
    message: view.message,
    expiresAt: view.expiresAt,
    createdAt: view.createdAt,
    respondedAt: view.respondedAt,
    revokedAt: view.revokedAt,
    revokedReason: party === "advisor" ? null : view.revokedReason,
    project: { id: view.project.id, name: view.project.name },
    advisor: { id: view.advisorId, displayName: view.advisor.displayName },
    client: clientForAdvisor(view.owner),
    actions: invitationActions(actor, facts, now),
  };
}

/** The caller as the invitation rules know them. */
export function invitationActor(user: AuthUser) {
  return { userId: user.id, isAdmin: user.roles.includes("admin") };
}
