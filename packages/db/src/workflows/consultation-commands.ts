import {
  type ConsultationEvent,
  type EventPayload,
  type PartyAction,
  partyEvent,
} from "@an/domain";
import type { Executor } from "../client";
import { writeAudit } from "../queries/audit";
import { findConsultationParty } from "../queries/bookings";
import { type ConsultationRow, lockConsultation } from "../queries/consultations";
import { type ApplyOutcome, applyConsultationEvent } from "./consultation-events";

/**
 * A procedure's event id: a repeated request (same request id, same procedure) applies
 * once; different procedures batched in one HTTP request stay distinct.
 */
export const requestEventId = (requestId: string, procedure: string) =>
  `req:${requestId}:${procedure}`;

type PartyCommand = {
  consultationId: string;
  userId: string;
  requestId: string;
  now: Date;
  reason?: string | null;
};

/**
 * A party's action as the machine's event (`partyEvent`), sent as the caller's side of the
 * consultation: its rules and every effect are the machine's.
 */
async function applyAsParty(
  tx: Executor,
  input: PartyCommand & { procedure: string; action: PartyAction },
): Promise<ApplyOutcome> {
  const party = await findConsultationParty(tx, input);
  if (!party) return { kind: "not_found" };
  const event = {
    ...partyEvent(input.action, party.role),
    id: requestEventId(input.requestId, input.procedure),
    actor: party.role,
  } as ConsultationEvent;
  return applyConsultationEvent(tx, {
    consultationId: input.consultationId,
    event,
    now: input.now,
    origin: {
      source: `procedure:${input.procedure}`,
      actorUserId: input.userId,
      reason: input.reason ?? null,
    },
  });
}

/**
 * The client or the advisor cancels their consultation: the domain applies the frozen
 * refund policy (who cancelled, how late) and its effects, among them the booking's
 * cancellation on Cal.com (a `cancel_booking` job queued in the same transaction).
 */
export async function cancelConsultationAsParty(
  tx: Executor,
  input: PartyCommand,
): Promise<ApplyOutcome> {
  return applyAsParty(tx, { ...input, procedure: "consultations.cancel", action: "cancel" });
}

/** A party reports the *other* one absent: the client reports the advisor, and vice versa. */
export async function reportNoShowAsParty(
  tx: Executor,
  input: PartyCommand,
): Promise<ApplyOutcome> {
  return applyAsParty(tx, {
    ...input,
    procedure: "consultations.reportNoShow",
    action: "reportNoShow",
  });
}

/** A party opens a dispute; the domain lets only the client do it, inside the hold window. */
export async function openDisputeAsParty(
  tx: Executor,
  input: PartyCommand & { reason: string },
): Promise<ApplyOutcome> {
  return applyAsParty(tx, {
    ...input,
    procedure: "consultations.openDispute",
    action: "openDispute",
  });
}

/** What the audit log keeps of a consultation around an admin decision. */
function auditSnapshot(row: ConsultationRow) {
  return {
    status: row.status,
    currency: row.currency,
    refundable: {
      price: row.refundablePrice,
      platformFee: row.refundableFee,
      advisorShare: row.refundableShare,
    },
    dispute: row.dispute,
  };
}

/**
 * An admin's decision on a consultation (refund, dispute or no-show ruling, marking a
 * no-show) applied as an `admin` event and audited (`action`, before/after) in the same
 * transaction. `event` builds the payload from the locked row (amounts take its currency).
 * Only an applied decision is audited; a refused one stays on the timeline.
 */
export async function applyAdminDecision(
  tx: Executor,
  input: {
    consultationId: string;
    adminId: string;
    requestId: string;
    now: Date;
    reason: string;
    /** Audit action, e.g. `consultation.refund`. */
    action: string;
    procedure: string;
    event: (row: ConsultationRow) => EventPayload;
    /** Extra facts for the audit record's `after` (e.g. the amount asked for). */
    details?: Record<string, unknown>;
  },
): Promise<ApplyOutcome> {
  const before = await lockConsultation(tx, { id: input.consultationId });
  if (!before) return { kind: "not_found" };
  const event = {
    ...input.event(before),
    id: requestEventId(input.requestId, input.procedure),
    actor: "admin",
  } as ConsultationEvent;
  const outcome = await applyConsultationEvent(tx, {
    consultationId: input.consultationId,
    event,
    now: input.now,
    origin: {
      source: `procedure:${input.procedure}`,
      actorUserId: input.adminId,
      reason: input.reason,
      data: input.details ?? null,
    },
  });
  if (outcome.kind === "applied") {
    await writeAudit(tx, {
      actor: { kind: "user", userId: input.adminId },
      action: input.action,
      subjectType: "consultation",
      subjectId: input.consultationId,
      before: auditSnapshot(before),
      after: {
        ...auditSnapshot(outcome.consultation),
        reason: input.reason,
        eventId: event.id,
        ...input.details,
      },
      requestId: input.requestId,
    });
  }
  return outcome;
}
