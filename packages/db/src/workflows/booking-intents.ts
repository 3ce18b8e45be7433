import {
  type CurrencyCode,
  err,
  isCurrencyCode,
  newConsultation,
  ok,
  quoteConsultation,
  type Result,
} from "@an/domain";
import type { Executor } from "../client";
import { enqueueJob } from "../jobs";
import {
  type BookingIntentRow,
  getAdvisorBookingTerms,
  insertBookingIntent,
  linkIntentToConsultation,
  lockBookingIntent,
} from "../queries/bookings";
import {
  type ConsultationRow,
  type EventOrigin,
  findConsultationIdByBookingUid,
  insertConsultation,
} from "../queries/consultations";
import { insertConsultationEvent } from "../queries/consultation-events";
import { getMoneyRulesInForce } from "../queries/money-rules";
import { getProjectOwnership } from "../queries/projects";
import type { FrozenQuote } from "../schema";
import { performEffects } from "./consultation-effects";

/** Why an advisor can't be booked right now; each has a localized explanation. */
export type NotBookableReason =
  "suspended" | "paused" | "no_event_type" | "rate_out_of_limits" | "currency_not_offered";

export type PrepareBookingError =
  | { code: "ADVISOR_NOT_FOUND" }
  | { code: "CANNOT_BOOK_SELF" }
  | { code: "ADVISOR_NOT_BOOKABLE"; advisorName: string; reason: NotBookableReason }
  | { code: "DURATION_NOT_OFFERED"; allowedLengths: readonly number[] }
  /** Unknown, or not the client's own project (the same answer, so ids can't be probed). */
  | { code: "PROJECT_NOT_FOUND"; ref: string }
  | { code: "PROJECT_ARCHIVED"; ref: string };

export type PreparedBooking = {
  intent: BookingIntentRow;
  /** The advisor's Cal.com event type, where the booking page lives. */
  eventType: string;
  advisorName: string;
};

/**
 * Freezes what a client is about to book: checks the advisor is bookable (active, taking
 * bookings, with a Cal.com event type, a rate within the pricing rules), prices the
 * consultation from the advisor's *current* rate with the pricing and commission in force
 * (the advisor's live commission override, if any, replacing the platform's), and stores it
 * with the refund policy and the `payouts` hold window in force as a booking intent
 * expiring after `ttlMinutes`. The quote records the versions it used; a later version
 * changes nothing already quoted. No price comes from the caller. Refusals are returned,
 * nothing written.
 */
export async function prepareBookingIntent(
  tx: Executor,
  input: {
    clientId: string;
    advisorId: string;
    durationMinutes: number;
    project?: string | null;
    /** The client's own project the consultation is about; carried to the consultation. */
    projectId?: string | null;
    now: Date;
    ttlMinutes: number;
  },
): Promise<Result<PreparedBooking, PrepareBookingError>> {
  if (input.advisorId === input.clientId) return err({ code: "CANNOT_BOOK_SELF" });
  if (input.projectId) {
    const project = await getProjectOwnership(tx, { id: input.projectId });
    if (!project || project.ownerId !== input.clientId)
      return err({ code: "PROJECT_NOT_FOUND", ref: input.projectId });
    if (project.archivedAt) return err({ code: "PROJECT_ARCHIVED", ref: input.projectId });
  }
  const advisor = await getAdvisorBookingTerms(tx, { advisorId: input.advisorId });
  if (!advisor) return err({ code: "ADVISOR_NOT_FOUND" });
  const notBookable = (reason: NotBookableReason) =>
    err({ code: "ADVISOR_NOT_BOOKABLE" as const, advisorName: advisor.displayName, reason });
  if (advisor.status !== "active") return notBookable("suspended");
  if (!advisor.acceptingBookings) return notBookable("paused");
  if (!advisor.calcomEventType) return notBookable("no_event_type");
  if (!isCurrencyCode(advisor.currency)) return notBookable("currency_not_offered");

  const rules = await getMoneyRulesInForce(tx, { advisorId: input.advisorId, now: input.now });
  const quote = quoteConsultation({
    hourlyRate: { amount: advisor.hourlyRate, currency: advisor.currency },
    durationMinutes: input.durationMinutes,
    pricing: rules.pricing,
    commission: rules.commission,
    advisorOverride: rules.commissionOverride,
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
  const intent = await insertBookingIntent(tx, {
    clientId: input.clientId,
    advisorId: input.advisorId,
    durationMinutes: input.durationMinutes,
    project: input.project ?? null,
    projectId: input.projectId ?? null,
    quote: frozen,
    refundPolicy: rules.refundPolicy,
    holdWindowHours: rules.holdWindowHours,
    expiresAt: new Date(input.now.getTime() + input.ttlMinutes * 60_000),
    createdAt: input.now,
  });
  return ok({
    intent,
    eventType: advisor.calcomEventType,
    advisorName: advisor.displayName,
  });
}

export type BookingFromIntent =
  | { kind: "created"; consultation: ConsultationRow }
  | { kind: "duplicate"; consultationId: string }
  | { kind: "intent_used"; consultationId: string }
  | { kind: "intent_not_found" }
  | { kind: "invalid"; message: string };

/**
 * Turns a booking intent into a consultation awaiting payment, once: locks the intent, so
 * a repeated `BOOKING_CREATED` finds the consultation already made (duplicate) and a second
 * booking reusing the token is reported (`intent_used`). Schedules the payment-expiry
 * timer and queues the checkout session, all in the caller's transaction.
 */
export async function createConsultationFromIntent(
  tx: Executor,
  input: {
    intentId: string;
    bookingUid: string;
    startsAt: Date;
    endsAt: Date;
    now: Date;
    /** How long the client has to pay; clamped to Stripe's 30 min – 24 h. */
    paymentWindowMinutes: number;
    origin: EventOrigin;
  },
): Promise<BookingFromIntent> {
  const existing = await findConsultationIdByBookingUid(tx, { uid: input.bookingUid });
  if (existing) return { kind: "duplicate", consultationId: existing };
  const intent = await lockBookingIntent(tx, { id: input.intentId });
  if (!intent) return { kind: "intent_not_found" };
  if (intent.consultationId) {
    const again = await findConsultationIdByBookingUid(tx, { uid: input.bookingUid });
    if (again) return { kind: "duplicate", consultationId: again };
    return { kind: "intent_used", consultationId: intent.consultationId };
  }
  const windowMinutes = Math.min(24 * 60, Math.max(30, input.paymentWindowMinutes));
  const paymentExpiresAt = new Date(input.now.getTime() + windowMinutes * 60_000);
  const q = intent.quote;
  const currency = q.currency as CurrencyCode;
  const id = crypto.randomUUID();
  const made = newConsultation({
    id,
    advisorId: intent.advisorId,
    paid: {
      price: { amount: q.price, currency },
      platformFee: { amount: q.platformFee, currency },
      advisorShare: { amount: q.advisorShare, currency },
    },
    refundPolicy: intent.refundPolicy,
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    paymentExpiresAt,
    holdWindowHours: intent.holdWindowHours,
  });
  if (!made.ok) return { kind: "invalid", message: made.error.message };
  const row = await insertConsultation(tx, {
    id,
    clientId: intent.clientId,
    advisorId: intent.advisorId,
    status: "awaiting_payment",
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    durationMinutes: Math.round((input.endsAt.getTime() - input.startsAt.getTime()) / 60_000),
    currency: q.currency,
    price: q.price,
    platformFee: q.platformFee,
    advisorShare: q.advisorShare,
    refundablePrice: q.price,
    refundableFee: q.platformFee,
    refundableShare: q.advisorShare,
    hourlyRate: q.hourlyRate,
    quoteRules: q.rules,
    refundPolicy: intent.refundPolicy,
    holdWindowHours: intent.holdWindowHours,
    paymentExpiresAt,
    bookingUid: input.bookingUid,
    project: intent.project,
    projectId: intent.projectId,
  });
  await linkIntentToConsultation(tx, {
    intentId: intent.id,
    consultationId: id,
    bookingUid: input.bookingUid,
  });
  const eventId = `booked:${input.bookingUid}`;
  await insertConsultationEvent(tx, {
    consultationId: id,
    event: { id: eventId, type: "booked", actor: "system" },
    origin: { ...input.origin, actorUserId: intent.clientId },
    fromStatus: null,
    toStatus: "awaiting_payment",
    reason: input.origin.reason ?? null,
    data: { intentId: intent.id, bookingUid: input.bookingUid, ...(input.origin.data ?? {}) },
    at: input.now,
  });
  await performEffects(tx, {
    consultation: row,
    eventId,
    now: input.now,
    effects: made.value.effects,
    origin: input.origin,
  });
  await enqueueJob(tx, "create_checkout", { consultationId: id });
  return { kind: "created", consultation: row };
}
