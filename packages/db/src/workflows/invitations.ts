import {
  clientForAdvisor,
  decideInviteAllowance,
  decideInvitationCommand,
  decideInvite,
  err,
  type InvitationActor,
  type InvitationCommand,
  type InvitationError,
  type InvitationStatus,
  invitationLapsed,
  mayManageInvitations,
  ok,
  type PlanGateError,
  type Result,
} from "@an/domain";
import type { Executor, Tx } from "../client";
import { enqueueJob } from "../jobs";
import { type Actor, writeAudit } from "../queries/audit";
import {
  conversationIdOfProject,
  countLiveInvitations,
  getAdvisorStanding,
  getInvitationView,
  getProjectForInvitations,
  hasLiveInvitation,
  type InvitationCursor,
  type InvitationPage,
  type InvitationView,
  insertInvitation,
  lockConversationOfProject,
  lockInvitation,
  lockLapsedInvitations,
  listInvitationsForProject,
  lockProjectForInvitation,
  removeConversationMember,
  updateInvitation,
  upsertAdvisorMember,
} from "../queries/invitations";
import { getEntitlements } from "../queries/entitlements";
import { notifyChat } from "../queries/messages";

export type { InvitationError } from "@an/domain";

type Command = { actor: InvitationActor; now: Date; requestId?: string | null };

const SUBJECT = "advisor_invitation";

const auditActor = (actor: InvitationActor): Actor => ({ kind: "user", userId: actor.userId });

/** What a notification names: never more of the client than their first name. */
function names(view: InvitationView) {
  return {
    invitationId: view.id,
    project: view.project.name.slice(0, 500),
    client: clientForAdvisor(view.owner).firstName.slice(0, 200),
    advisor: (view.advisor.displayName || "Advisor").slice(0, 200),
  };
}

async function notifyAdvisor(
  tx: Tx,
  view: InvitationView,
  template: "invitation_received" | "invitation_revoked" | "invitation_expired",
) {
  const { invitationId, project, client } = names(view);
  await enqueueJob(tx, "send_notification", {
    userId: view.advisorId,
    template,
    params: { invitationId, project, client },
    dedupeKey: `${template}:${view.id}`,
  });
}

async function notifyOwner(
  tx: Tx,
  view: InvitationView,
  template: "invitation_accepted" | "invitation_declined",
) {
  const { invitationId, project, advisor } = names(view);
  await enqueueJob(tx, "send_notification", {
    userId: view.project.ownerId,
    template,
    params: { invitationId, project, advisor },
    dedupeKey: `${template}:${view.id}`,
  });
}

async function reload(tx: Tx, id: string): Promise<InvitationView> {
  const view = await getInvitationView(tx, { id });
  if (!view) throw new Error(`invitation ${id} vanished inside its own transaction`);
  return view;
}

/**
 * The project's owner (or an admin) invites an approved, active advisor into the project's
 * chat with a scope (history, posting) and an expiry (default 30 days; between 1 hour and
 * 180 days). Locks the project so concurrent invitations of the same advisor queue: one
 * wins, the other is INVITATION_EXISTS. The owner's plan must allow it (invitations, and
 * fewer live invitations on the project than its per-project limit), checked under the
 * same project lock so two concurrent invitations can't both take the last place. Audited
 * (`invitation.created`); the advisor is notified, told the client's first name only.
 */
export async function inviteAdvisor(
  tx: Tx,
  params: Command & {
    projectId: string;
    advisorId: string;
    seesHistory: boolean;
    canPost: boolean;
    expiresAt?: Date | null;
    message?: string | null;
  },
): Promise<Result<InvitationView, InvitationError | PlanGateError>> {
  const project = await lockProjectForInvitation(tx, { projectId: params.projectId });
  const standing = await getAdvisorStanding(tx, { advisorId: params.advisorId });
  const live = project
    ? await hasLiveInvitation(tx, { projectId: project.id, advisorId: params.advisorId })
    : false;
  const decision = decideInvite({
    actor: params.actor,
    projectId: params.projectId,
    project,
    advisorId: params.advisorId,
    advisorStatus: standing?.status ?? null,
    hasLiveInvitation: live,
    expiresAt: params.expiresAt,
    now: params.now,
  });
  if (!decision.ok) return decision;
  // The plan is the project owner's, whoever sends the invitation (an admin acts for them).
  const { entitlements } = await getEntitlements(tx, project!.ownerId, params.now);
  const allowance = decideInviteAllowance(
    entitlements,
    await countLiveInvitations(tx, { projectId: params.projectId }),
  );
  if (!allowance.ok) return allowance;
  const row = await insertInvitation(tx, {
    projectId: params.projectId,
    advisorId: params.advisorId,
    invitedBy: params.actor.userId,
    seesHistory: params.seesHistory,
    canPost: params.canPost,
    message: params.message?.trim() ? params.message.trim() : null,
    expiresAt: decision.value.expiresAt,
    now: params.now,
  });
  if (!row) return err({ code: "INVITATION_EXISTS" });
  const view = await reload(tx, row.id);
  await notifyAdvisor(tx, view, "invitation_received");
  await writeAudit(tx, {
    actor: auditActor(params.actor),
    action: "invitation.created",
    subjectType: SUBJECT,
    subjectId: row.id,
    after: {
      projectId: row.projectId,
      advisorId: row.advisorId,
      seesHistory: row.seesHistory,
      canPost: row.canPost,
      expiresAt: row.expiresAt.toISOString(),
    },
    requestId: params.requestId ?? null,
  });
  return ok(view);
}

/**
 * Locks the invitation, then the advisor's standing (the order every command takes), and
 * asks the domain whether `command` is allowed.
 */
async function lockAndDecide(
  tx: Tx,
  command: InvitationCommand,
  params: Command & { invitationId: string },
): Promise<Result<{ view: InvitationView; status: InvitationStatus }, InvitationError>> {
  const row = await lockInvitation(tx, { id: params.invitationId });
  if (!row) return err({ code: "INVITATION_NOT_FOUND", ref: params.invitationId });
  const standing = await getAdvisorStanding(tx, { advisorId: row.advisorId });
  const view = await reload(tx, row.id);
  const decision = decideInvitationCommand(
    command,
    params.actor,
    {
      id: view.id,
      advisorId: view.advisorId,
      status: view.status,
      expiresAt: view.expiresAt,
      project: view.project,
      advisorStatus: standing?.status ?? null,
    },
    params.now,
  );
  if (!decision.ok) return decision;
  return ok({ view, status: decision.value.status });
}

/**
 * The invited advisor accepts: the invitation is `accepted` and the advisor becomes a
 * member of the project's conversation (or their old membership is reactivated) with the
 * invitation's posting right, history starting after the conversation's last seq now (the
 * invitation's `seesHistory` opens the earlier history at read time). Live streams are told
 * to re-check access. Audited (`invitation.accepted`); the owner is notified.
 */
export async function acceptInvitation(
  tx: Tx,
  params: Command & { invitationId: string },
): Promise<Result<InvitationView, InvitationError>> {
  const decided = await lockAndDecide(tx, "accept", params);
  if (!decided.ok) return decided;
  const { view } = decided.value;
  const conversation = await lockConversationOfProject(tx, { projectId: view.projectId });
  // Every project is created with its conversation; one without is a broken invariant.
  if (!conversation) throw new Error(`project ${view.projectId} has no conversation`);
  await updateInvitation(tx, {
    id: view.id,
    set: { status: "accepted", respondedAt: params.now },
    now: params.now,
  });
  await upsertAdvisorMember(tx, {
    conversationId: conversation.id,
    userId: view.advisorId,
    canPost: view.canPost,
    historyFromSeq: conversation.lastSeq,
    now: params.now,
  });
  await notifyChat(tx, { kind: "access", conversationId: conversation.id, userId: view.advisorId });
  const after = await reload(tx, view.id);
  await notifyOwner(tx, after, "invitation_accepted");
  await writeAudit(tx, {
    actor: auditActor(params.actor),
    action: "invitation.accepted",
    subjectType: SUBJECT,
    subjectId: view.id,
    before: { status: view.status },
    after: { status: after.status, historyFromSeq: conversation.lastSeq },
    requestId: params.requestId ?? null,
  });
  return ok(after);
}

/** The invited advisor declines a pending invitation. Audited; the owner is notified. */
export async function declineInvitation(
  tx: Tx,
  params: Command & { invitationId: string },
): Promise<Result<InvitationView, InvitationError>> {
  const decided = await lockAndDecide(tx, "decline", params);
  if (!decided.ok) return decided;
  const { view } = decided.value;
  await updateInvitation(tx, {
    id: view.id,
    set: { status: "declined", respondedAt: params.now },
    now: params.now,
  });
  const after = await reload(tx, view.id);
  await notifyOwner(tx, after, "invitation_declined");
  await writeAudit(tx, {
    actor: auditActor(params.actor),
    action: "invitation.declined",
    subjectType: SUBJECT,
    subjectId: view.id,
    before: { status: view.status },
    after: { status: after.status },
    requestId: params.requestId ?? null,
  });
  return ok(after);
}

/**
 * Ends an invitation's membership: the member row is marked removed and live streams are
 * told to re-check access (messages are left as they are).
 */
async function endMembership(tx: Tx, view: InvitationView, now: Date): Promise<void> {
  const conversationId = await conversationIdOfProject(tx, { projectId: view.projectId });
  if (!conversationId) return;
  await removeConversationMember(tx, { conversationId, userId: view.advisorId, now });
  await notifyChat(tx, { kind: "access", conversationId, userId: view.advisorId });
}

/**
 * The owner or an admin revokes a pending or accepted invitation, with an optional reason:
 * the advisor's membership ends and their live streams lose access. Audited
 * (`invitation.revoked`, with the reason); the advisor is notified.
 */
export async function revokeInvitation(
  tx: Tx,
  params: Command & { invitationId: string; reason?: string | null },
): Promise<Result<InvitationView, InvitationError>> {
  const decided = await lockAndDecide(tx, "revoke", params);
  if (!decided.ok) return decided;
  const { view } = decided.value;
  const reason = params.reason?.trim() ? params.reason.trim() : null;
  await updateInvitation(tx, {
    id: view.id,
    set: {
      status: "revoked",
      revokedAt: params.now,
      revokedBy: params.actor.userId,
      revokedReason: reason,
    },
    now: params.now,
  });
  await endMembership(tx, view, params.now);
  const after = await reload(tx, view.id);
  await notifyAdvisor(tx, after, "invitation_revoked");
  await writeAudit(tx, {
    actor: auditActor(params.actor),
    action: "invitation.revoked",
    subjectType: SUBJECT,
    subjectId: view.id,
    before: { status: view.status },
    after: { status: after.status, reason },
    requestId: params.requestId ?? null,
  });
  return ok(after);
}

/**
 * Expires up to `limit` live invitations whose expiry has passed (locked with skip locked,
 * so concurrent runs share the work): each is `expired`, its membership removed, live
 * streams told, the advisor notified, and an `invitation.expired` record written by the
 * system. Answers how many were expired; the caller runs it again until fewer than
 * `limit` come back.
 */
export async function expireInvitations(
  tx: Tx,
  params: { now: Date; limit: number },
): Promise<number> {
  const ids = await lockLapsedInvitations(tx, params);
  let expired = 0;
  for (const id of ids) {
    const view = await reload(tx, id);
    if (!invitationLapsed(view, params.now)) continue;
    await updateInvitation(tx, { id, set: { status: "expired" }, now: params.now });
    if (view.status === "accepted") await endMembership(tx, view, params.now);
    await notifyAdvisor(tx, view, "invitation_expired");
    await writeAudit(tx, {
      actor: { kind: "system", label: "expire_invitations" },
      action: "invitation.expired",
      subjectType: SUBJECT,
      subjectId: id,
      before: { status: view.status, expiresAt: view.expiresAt.toISOString() },
      after: { status: "expired" },
    });
    expired += 1;
  }
  return expired;
}

/**
 * A project's invitations, newest first, for its owner or an admin; anyone else gets
 * PROJECT_NOT_FOUND (a project's existence is not theirs to learn).
 */
export async function listProjectInvitations(
  ex: Executor,
  params: {
    actor: InvitationActor;
    projectId: string;
    limit: number;
    cursor?: InvitationCursor | null;
  },
): Promise<Result<InvitationPage, InvitationError>> {
  const project = await getProjectForInvitations(ex, { projectId: params.projectId });
  if (!project || !mayManageInvitations(params.actor, project)) {
    return err({ code: "PROJECT_NOT_FOUND", ref: params.projectId });
  }
  return ok(await listInvitationsForProject(ex, params));
}
