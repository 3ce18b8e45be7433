import { eq } from "drizzle-orm";
import {
  type CommissionTerms,
  type ConsultationEvent,
  DEFAULT_COMMISSION,
  DEFAULT_PRICING_RULES,
  DEFAULT_REFUND_POLICY,
  err,
  type EventPayload,
  isCurrencyCode,
  ok,
  type PartyRole,
  type PricingRules,
  quoteConsultation,
  type RefundPolicy,
  type Result,
} from "@an/domain";
import type { Executor } from "../client";
import { enqueueJob } from "../jobs";
import { advisors, bookingIntents, consultations, type FrozenQuote } from "../schema";
import { writeAudit } from "./audit";
import {
  type ApplyOutcome,
  applyConsultationEvent,
  type ConsultationRow,
  lockConsultation,
} from "./consultations";

export type BookingIntentRow = typeof bookingIntents.$inferSelect;

/** Why an advisor can't be booked right now; each has a localized explanation. */
export type NotBookableReason =
  "suspended" | "paused" | "no_event_type" | "rate_out_of_limits" | "currency_not_offered";

export type PrepareBookingError =
  | { code: "ADVISOR_NOT_FOUND" }
  | { code: "CANNOT_BOOK_SELF" }
  | { code: "ADVISOR_NOT_BOOKABLE"; advisorName: string; reason: NotBookableReason }
  | { code: "DURATION_NOT_OFFERED"; allowedLengths: readonly number[] };

export type PreparedBooking = {
  intent: BookingIntentRow;
  /** The advisor's Cal.com event type, where the booking page lives. */
  eventType: string;
  advisorName: string;
};

/**
 * Freezes what a client is about to book: checks the advisor is bookable (active, taking
 * bookings, with a Cal.com event type, a rate within the pricing rules), prices the
 * consultation from the advisor's *current* rate with the platform's pricing and
 * commission, and stores it with the refund policy and hold window in force as a booking
 * intent expiring after `ttlMinutes`. No price comes from the caller. Refusals are
 * returned, nothing written.
 */
export async function prepareBookingIntent(
  tx: Executor,
  input: {
    clientId: string;
    advisorId: string;
    durationMinutes: number;
    project?: string | null;
    now: Date;
    ttlMinutes: number;
    holdWindowHours: number;
    pricing?: PricingRules;
    commission?: CommissionTerms;
    refundPolicy?: RefundPolicy;
  },
): Promise<Result<PreparedBooking, PrepareBookingError>> {
  if (input.advisorId === input.clientId) return err({ code: "CANNOT_BOOK_SELF" });
  const [advisor] = await tx
    .select({
      displayName: advisors.displayName,
      status: advisors.status,
      acceptingBookings: advisors.acceptingBookings,
      calcomEventType: advisors.calcomEventType,
      hourlyRate: advisors.hourlyRate,
      currency: advisors.currency,
    })
    .from(advisors)
    .where(eq(advisors.userId, input.advisorId));
  if (!advisor) return err({ code: "ADVISOR_NOT_FOUND" });
  const notBookable = (reason: NotBookableReason) =>
    err({ code: "ADVISOR_NOT_BOOKABLE" as const, advisorName: advisor.displayName, reason });
  if (advisor.status !== "active") return notBookable("suspended");
  if (!advisor.acceptingBookings) return notBookable("paused");
  if (!advisor.calcomEventType) return notBookable("no_event_type");
  if (!isCurrencyCode(advisor.currency)) return notBookable("currency_not_offered");

  const quote = quoteConsultation({
    hourlyRate: { amount: advisor.hourlyRate, currency: advisor.currency },
    durationMinutes: input.durationMinutes,
    pricing: input.pricing ?? DEFAULT_PRICING_RULES,
    commission: input.commission ?? DEFAULT_COMMISSION,
    // Advisors have no commission override yet: the platform's terms apply to everyone.
    advisorOverride: null,
  });
  if (!quote.ok) {
    switch (quote.error.code) {
      case "LENGTH_NOT_ALLOWED":
        return err({
          code: "DURATION_NOT_OFFERED",
          allowedLengths: quote.error.allowedLengths,
        });
      case "CURRENCY_NOT_OFFERED":
        return notBookable("currency_not_offered");
      default:
        // A rate set under older limits (or any other pricing refusal): not bookable as is.
        return notBookable("rate_out_of_limits");
    }
  }
  const q = quote.value;
  const frozen: FrozenQuote = {
    currency: q.price.currency,
    hourlyRate: q.hourlyRate.amount,
    price: q.price.amount,
    platformFee: q.platformFee.amount,
    advisorShare: q.advisorShare.amount,
    rules: q.rules,
  };
  const [intent] = await tx
    .insert(bookingIntents)
    .values({
      clientId: input.clientId,
      advisorId: input.advisorId,
      durationMinutes: input.durationMinutes,
      project: input.project ?? null,
      quote: frozen,
      refundPolicy: input.refundPolicy ?? DEFAULT_REFUND_POLICY,
      holdWindowHours: input.holdWindowHours,
      expiresAt: new Date(input.now.getTime() + input.ttlMinutes * 60_000),
      createdAt: input.now,
    })
    .returning();
  return ok({
    intent: intent!,
    eventType: advisor.calcomEventType,
    advisorName: advisor.displayName,
  });
}

/**
 * The caller's side of a consultation, or null when it isn't theirs. Someone else's
 * consultation and a missing one look the same, so existence never leaks.
 */
export async function findConsultationParty(
  ex: Executor,
  params: { consultationId: string; userId: string },
): Promise<{ role: PartyRole; consultation: ConsultationRow } | null> {
  const [row] = await ex
    .select()
    .from(consultations)
    .where(eq(consultations.id, params.consultationId));
  if (!row) return null;
  if (row.clientId === params.userId) return { role: "client", consultation: row };
  if (row.advisorId === params.userId) return { role: "advisor", consultation: row };
  return null;
}

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

async function applyAsParty(
  tx: Executor,
  input: PartyCommand & {
    procedure: string;
    event: (role: PartyRole) => EventPayload;
  },
): Promise<ApplyOutcome & { role?: PartyRole }> {
  const party = await findConsultationParty(tx, input);
  if (!party) return { kind: "not_found" };
  const event = {
    ...input.event(party.role),
    id: requestEventId(input.requestId, input.procedure),
    actor: party.role,
  } as ConsultationEvent;
  const outcome = await applyConsultationEvent(tx, {
    consultationId: input.consultationId,
    event,
    now: input.now,
    origin: {
      source: `procedure:${input.procedure}`,
      actorUserId: input.userId,
      reason: input.reason ?? null,
    },
  });
  return { ...outcome, role: party.role };
}

/**
 * The client or the advisor cancels their consultation: the domain applies the frozen
 * refund policy (who cancelled, how late) and its effects, and the booking is cancelled
 * on Cal.com by a `cancel_booking` job queued in the same transaction.
 */
export async function cancelConsultationAsParty(
  tx: Executor,
  input: PartyCommand,
): Promise<ApplyOutcome> {
  const outcome = await applyAsParty(tx, {
    ...input,
    procedure: "consultations.cancel",
    event: () => ({ type: "cancelled" }),
  });
  if (outcome.kind === "applied" && outcome.consultation.bookingUid) {
    await enqueueJob(tx, "cancel_booking", {
      bookingUid: outcome.consultation.bookingUid,
      reason: (input.reason?.trim() || `Cancelled by the ${outcome.role ?? "client"}`).slice(
        0,
        500,
      ),
    });
  }
  return outcome;
}

/** A party reports the *other* one absent: the client reports the advisor, and vice versa. */
export async function reportNoShowAsParty(
  tx: Executor,
  input: PartyCommand,
): Promise<ApplyOutcome> {
  return applyAsParty(tx, {
    ...input,
    procedure: "consultations.reportNoShow",
    event: (role) => ({
      type: "no_show_reported",
      absent: role === "client" ? "advisor" : "client",
    }),
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
    event: () => ({ type: "dispute_opened" }),
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
