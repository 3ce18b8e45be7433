import type {
  AdvisorStatus,
  ConsultationKind,
  ConsultationStatus,
  InvitationStatus,
} from "./vocabulary";

/** Chat access around a booked consultation: from this long before it starts… */
export const BOOKING_CHAT_LEAD_MS = 3 * 24 * 3_600_000;
/** …until this long after it ends. */
export const BOOKING_CHAT_TAIL_MS = 3 * 24 * 3_600_000;

/**
 * Booking statuses that keep the chat open around the meeting. A completed booking is
 * released (then paid out) when the hold window passes (48 h by default), well inside the
 * 3-day tail: those count too, or the advisor would lose the chat early.
 */
const BOOKING_CHAT_STATUSES: readonly ConsultationStatus[] = [
  "confirmed",
  "reschedule_requested",
  "completed",
  "released",
  "paid_out",
];

/** Who asks to read or post in a project's conversation. */
export type ChatCaller =
  { kind: "user"; userId: string; isAdmin: boolean } | { kind: "assistant"; credentialId: string };

/** A consultation of the advisor's on the project: a booking or an async advice pass. */
export type ChatEngagement = {
  id: string;
  kind: ConsultationKind;
  status: ConsultationStatus;
  startsAt: Date;
  endsAt: Date;
};

/** What decides access, read from the database by the caller. */
export type ChatAccessFacts = {
  project: { ownerId: string; archivedAt: Date | null };
  /** The caller's latest invitation to this project, when the caller is an advisor. */
  invitation: {
    status: InvitationStatus;
    expiresAt: Date;
    seesHistory: boolean;
    canPost: boolean;
  } | null;
  /** The caller's advisor standing, when they are an advisor. */
  advisorStatus: AdvisorStatus | null;
  /** The caller's membership row, if any (the seq their visible history starts after). */
  member: { historyFromSeq: number; removedAt: Date | null } | null;
  /** The caller's consultations on this project (as the advisor). */
  engagements: readonly ChatEngagement[];
};

export type ChatRole = "owner" | "advisor" | "admin" | "assistant";

export type ChatAccess =
  | {
      allowed: true;
      role: ChatRole;
      canPost: boolean;
      /** Messages with `seq` above this are visible (0 = the whole history). */
      historyFromSeq: number;
      /** The engagement an advisor's message is attributed to (null for other roles). */
      engagementId: string | null;
      /** Admins reading a conversation they are not a member of: each read is audited. */
      audited: boolean;
    }
  | { allowed: false; reason: ChatDenial };

export type ChatDenial =
  | "not_a_member"
  | "invitation_pending"
  | "invitation_ended"
  | "invitation_expired"
  | "advisor_suspended"
  | "no_live_engagement";

/**
 * The engagement that pays for an advisor's time in the chat right now: an async advice pass
 * that is paid and running, else a booked consultation within its chat window (a few days
 * either side of the meeting), the one ending soonest first. Null when none is live.
 */
export function liveEngagement(
  engagements: readonly ChatEngagement[],
  now: Date,
): ChatEngagement | null {
  const t = now.getTime();
  const live = engagements.filter((e) => {
    if (e.kind === "async_pass") {
      return e.status === "confirmed" && e.startsAt.getTime() <= t && t < e.endsAt.getTime();
    }
    return (
      BOOKING_CHAT_STATUSES.includes(e.status) &&
      e.startsAt.getTime() - BOOKING_CHAT_LEAD_MS <= t &&
      t < e.endsAt.getTime() + BOOKING_CHAT_TAIL_MS
    );
  });
  live.sort(
    (a, b) =>
      Number(b.kind === "async_pass") - Number(a.kind === "async_pass") ||
      a.endsAt.getTime() - b.endsAt.getTime() ||
      a.id.localeCompare(b.id),
  );
  return live[0] ?? null;
}

/**
 * Who may read and post in a project's conversation, and how. The owner reads and posts
 * (read-only once the project is archived). An advisor needs an accepted, unexpired
 * invitation, an active standing and a live engagement: access ends with any of them, and
 * the invitation's scope decides history and posting. The assistant (a service credential)
 * reads and posts everywhere but archived projects. Admins read anything (audited when they
 * are not a member) and never post.
 */
export function decideChatAccess(
  caller: ChatCaller,
  facts: ChatAccessFacts,
  now: Date,
): ChatAccess {
  const archived = facts.project.archivedAt !== null;
  if (caller.kind === "assistant") {
    return {
      allowed: true,
      role: "assistant",
      canPost: !archived,
      historyFromSeq: 0,
      engagementId: null,
      audited: false,
    };
  }
  if (caller.userId === facts.project.ownerId) {
    return {
      allowed: true,
      role: "owner",
      canPost: !archived,
      historyFromSeq: 0,
      engagementId: null,
      audited: false,
    };
  }
  const advisor = advisorAccess(facts, now, archived);
  if (advisor.allowed) return advisor;
  if (caller.isAdmin) {
    return {
      allowed: true,
      role: "admin",
      canPost: false,
      historyFromSeq: 0,
      engagementId: null,
      audited: true,
    };
  }
  return advisor;
}

function advisorAccess(facts: ChatAccessFacts, now: Date, archived: boolean): ChatAccess {
  const inv = facts.invitation;
  if (!inv) return { allowed: false, reason: "not_a_member" };
  if (inv.status === "pending") return { allowed: false, reason: "invitation_pending" };
  if (inv.status !== "accepted") return { allowed: false, reason: "invitation_ended" };
  if (inv.expiresAt.getTime() <= now.getTime()) {
    return { allowed: false, reason: "invitation_expired" };
  }
  if (facts.advisorStatus !== "active") return { allowed: false, reason: "advisor_suspended" };
  if (!facts.member || facts.member.removedAt) return { allowed: false, reason: "not_a_member" };
  const engagement = liveEngagement(facts.engagements, now);
  if (!engagement) return { allowed: false, reason: "no_live_engagement" };
  return {
    allowed: true,
    role: "advisor",
    canPost: inv.canPost && !archived,
    historyFromSeq: inv.seesHistory ? 0 : facts.member.historyFromSeq,
    engagementId: engagement.id,
    audited: false,
  };
}

/**
 * The next moment, after `now`, at which time alone could change what {@link decideChatAccess}
 * says for these facts: the invitation's expiry, or an engagement's chat window opening or
 * closing. Null when no such moment is ahead (the owner, the assistant, or nothing dated).
 * A live stream re-checks access then, so an expiry ends it on time without polling; every
 * other change (a revocation, a suspension, an engagement's status) is announced.
 */
export function chatAccessReviewAt(
  caller: ChatCaller,
  facts: ChatAccessFacts,
  now: Date,
): Date | null {
  if (caller.kind === "assistant" || caller.userId === facts.project.ownerId) return null;
  const t = now.getTime();
  const moments: number[] = [];
  const inv = facts.invitation;
  if (inv && (inv.status === "pending" || inv.status === "accepted")) {
    moments.push(inv.expiresAt.getTime());
  }
  for (const e of facts.engagements) {
    if (e.kind === "async_pass") moments.push(e.startsAt.getTime(), e.endsAt.getTime());
    else {
      moments.push(
        e.startsAt.getTime() - BOOKING_CHAT_LEAD_MS,
        e.endsAt.getTime() + BOOKING_CHAT_TAIL_MS,
      );
    }
  }
  const ahead = moments.filter((m) => m > t);
  return ahead.length > 0 ? new Date(Math.min(...ahead)) : null;
}
