import { err, ok, type Result } from "./result";
import type { AdvisorStatus, InvitationStatus } from "./vocabulary";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** How long an invitation lasts when the inviter names no expiry: 30 days. */
export const INVITATION_DEFAULT_TTL_MS = 30 * DAY_MS;
/** The shortest expiry an inviter may set, from now: 1 hour (less would lapse unseen). */
export const INVITATION_MIN_TTL_MS = HOUR_MS;
/** The longest expiry an inviter may set, from now: 180 days (access is re-granted, not open-ended). */
export const INVITATION_MAX_TTL_MS = 180 * DAY_MS;

/** Who acts on an invitation: a signed-in user (admins hold the admin role). */
export type InvitationActor = { userId: string; isAdmin: boolean };

/** What the rules need to know about an invitation and its project. */
export type InvitationFacts = {
  advisorId: string;
  status: InvitationStatus;
  expiresAt: Date;
  project: { id: string; ownerId: string; archivedAt: Date | null };
  /** The invited advisor's standing now (null: no longer an approved advisor). */
  advisorStatus: AdvisorStatus | null;
};

/** Why an invitation command was refused. */
export type InvitationError =
  /** The caller is no party to it (or it doesn't exist): shown as not found, so ids don't leak. */
  | { code: "INVITATION_NOT_FOUND"; ref: string }
  /** A party, but not the one who may do this (an owner accepting, an advisor revoking). */
  | { code: "INVITATION_FORBIDDEN" }
  | { code: "INVITATION_NOT_PENDING"; status: InvitationStatus }
  | { code: "INVITATION_NOT_REVOCABLE"; status: InvitationStatus }
  | { code: "INVITATION_EXPIRED" }
  | { code: "INVITATION_EXISTS" }
  | { code: "INVITATION_EXPIRY_OUT_OF_RANGE"; minHours: number; maxDays: number }
  | { code: "CANNOT_INVITE_SELF" }
  | { code: "PROJECT_NOT_FOUND"; ref: string }
  | { code: "PROJECT_ARCHIVED"; ref: string }
  | { code: "ADVISOR_NOT_FOUND"; ref: string }
  /** The advisor to invite is suspended. */
  | { code: "ADVISOR_NOT_INVITABLE" }
  /** The invited advisor, suspended, tries to accept. */
  | { code: "ADVISOR_ACCOUNT_SUSPENDED" };

/** The caller's part in an invitation: null when they have none (they must not see it). */
export type InvitationParty = "owner" | "admin" | "advisor";

export function invitationParty(
  actor: InvitationActor,
  facts: Pick<InvitationFacts, "advisorId" | "project">,
): InvitationParty | null {
  if (actor.userId === facts.advisorId) return "advisor";
  if (actor.userId === facts.project.ownerId) return "owner";
  if (actor.isAdmin) return "admin";
  return null;
}

/** Whether the caller may see and manage a project's invitations: its owner or an admin. */
export function mayManageInvitations(
  actor: InvitationActor,
  project: { ownerId: string },
): boolean {
  return actor.userId === project.ownerId || actor.isAdmin;
}

/**
 * When an invitation expires: `requested`, or {@link INVITATION_DEFAULT_TTL_MS} from `now`.
 * A requested expiry must lie between 1 hour and 180 days from `now` (inclusive).
 */
export function invitationExpiry(params: {
  requested?: Date | null;
  now: Date;
}): Result<Date, Extract<InvitationError, { code: "INVITATION_EXPIRY_OUT_OF_RANGE" }>> {
  const now = params.now.getTime();
  if (!params.requested) return ok(new Date(now + INVITATION_DEFAULT_TTL_MS));
  const at = params.requested.getTime();
  if (Number.isNaN(at) || at < now + INVITATION_MIN_TTL_MS || at > now + INVITATION_MAX_TTL_MS) {
    return err({
      code: "INVITATION_EXPIRY_OUT_OF_RANGE",
      minHours: INVITATION_MIN_TTL_MS / HOUR_MS,
      maxDays: INVITATION_MAX_TTL_MS / DAY_MS,
    });
  }
  return ok(new Date(at));
}

/**
 * Whether `actor` may invite `advisorId` into the project: the owner or an admin, into a
 * project that isn't archived, an approved advisor who is active and isn't the owner, with
 * no live (pending or accepted) invitation already. Answers the expiry to store.
 */
export function decideInvite(params: {
  actor: InvitationActor;
  projectId: string;
  project: { ownerId: string; archivedAt: Date | null } | null;
  advisorId: string;
  advisorStatus: AdvisorStatus | null;
  hasLiveInvitation: boolean;
  expiresAt?: Date | null;
  now: Date;
}): Result<{ expiresAt: Date }, InvitationError> {
  const { actor, project } = params;
  // A client who doesn't own the project learns nothing about it.
  if (!project || !mayManageInvitations(actor, project)) {
    return err({ code: "PROJECT_NOT_FOUND", ref: params.projectId });
  }
  if (project.archivedAt) return err({ code: "PROJECT_ARCHIVED", ref: params.projectId });
  if (params.advisorId === project.ownerId) return err({ code: "CANNOT_INVITE_SELF" });
  if (!params.advisorStatus) return err({ code: "ADVISOR_NOT_FOUND", ref: params.advisorId });
  if (params.advisorStatus !== "active") return err({ code: "ADVISOR_NOT_INVITABLE" });
  const expiry = invitationExpiry({ requested: params.expiresAt, now: params.now });
  if (!expiry.ok) return expiry;
  if (params.hasLiveInvitation) return err({ code: "INVITATION_EXISTS" });
  return ok({ expiresAt: expiry.value });
}

/** A command on an existing invitation. `expire` is the platform's, never a user's. */
export type InvitationCommand = "accept" | "decline" | "revoke";

const NEXT_STATUS = {
  accept: "accepted",
  decline: "declined",
  revoke: "revoked",
} as const satisfies Record<InvitationCommand, InvitationStatus>;

/**
 * Whether `actor` may apply `command` to the invitation now, and the status it moves to.
 * Accept and decline: only the invited advisor, while pending and unexpired (accepting
 * also needs an active advisor and a project that isn't archived). Revoke: the owner or an
 * admin, while pending or accepted. Expiry is judged on `expiresAt`, so an invitation the
 * expiry task hasn't reached yet is already expired.
 */
export function decideInvitationCommand(
  command: InvitationCommand,
  actor: InvitationActor,
  facts: InvitationFacts & { id: string },
  now: Date,
): Result<{ status: InvitationStatus }, InvitationError> {
  const party = invitationParty(actor, facts);
  if (!party) return err({ code: "INVITATION_NOT_FOUND", ref: facts.id });
  const expired = facts.expiresAt.getTime() <= now.getTime();
  if (command === "revoke") {
    if (party === "advisor") return err({ code: "INVITATION_FORBIDDEN" });
    if (facts.status !== "pending" && facts.status !== "accepted") {
      return err({ code: "INVITATION_NOT_REVOCABLE", status: facts.status });
    }
    return ok({ status: NEXT_STATUS.revoke });
  }
  if (party !== "advisor") return err({ code: "INVITATION_FORBIDDEN" });
  if (facts.status !== "pending")
    return err({ code: "INVITATION_NOT_PENDING", status: facts.status });
  if (expired) return err({ code: "INVITATION_EXPIRED" });
  if (command === "accept") {
    if (facts.project.archivedAt) return err({ code: "PROJECT_ARCHIVED", ref: facts.project.id });
    if (facts.advisorStatus !== "active") return err({ code: "ADVISOR_ACCOUNT_SUSPENDED" });
  }
  return ok({ status: NEXT_STATUS[command] });
}

/** What the caller may do with an invitation next, so the console never re-derives a rule. */
export type InvitationActions = { accept: boolean; decline: boolean; revoke: boolean };

export function invitationActions(
  actor: InvitationActor,
  facts: InvitationFacts & { id: string },
  now: Date,
): InvitationActions {
  const may = (command: InvitationCommand) =>
    decideInvitationCommand(command, actor, facts, now).ok;
  return { accept: may("accept"), decline: may("decline"), revoke: may("revoke") };
}

/**
 * Whether the expiry task ends this invitation now: a live (pending or accepted) one whose
 * `expiresAt` has passed.
 */
export function invitationLapsed(
  facts: Pick<InvitationFacts, "status" | "expiresAt">,
  now: Date,
): boolean {
  return (
    (facts.status === "pending" || facts.status === "accepted") &&
    facts.expiresAt.getTime() <= now.getTime()
  );
}
