import { calcomWire, verifyBookingToken } from "@an/billing";
import {
  adoptTimeZoneIfUnknown,
  applyCancellationBeforeLatePayment,
  applyConsultationEvent,
  cancelBookingOnCalendar,
  createConsultationFromIntent,
  type Executor,
  findConsultationIdByBookingUid,
  getBookingIntent,
  linkBookingUid,
  lockConsultation,
  raiseIncident,
} from "@an/db";
import { type Actor, type ConsultationEvent, type IncidentKind, isTerminal } from "@an/domain";
import type { z } from "zod";
import {
  DeferProcessing,
  describeApply,
  type Handler,
  ignored,
  type Outcome,
  processed,
  type ProcessingContext,
  providerTime,
} from "./outcome";
import { findPendingRescheduleOf, refusedBookingKey, wasBookingRefused } from "./store";

/** The domain event id of a Cal.com delivery: `calcom:<trigger>:<uid>[:<detail>]`. */
export const calcomEventId = (trigger: string, uid: string, detail?: string) =>
  `calcom:${trigger}:${uid}${detail === undefined ? "" : `:${detail}`}`;

const origin = (
  ctx: ProcessingContext,
  data?: Record<string, unknown>,
  reason?: string | null,
) => ({
  source: ctx.source,
  reason: reason ?? null,
  data: data ?? null,
});

/** A new booking as the handlers need it, from a webhook or from the bookings API. */
export type NewBookingFacts = {
  uid: string;
  startsAt: Date;
  endsAt: Date;
  /** `metadata.bookingToken`, as the booking carries it. */
  bookingToken: string | null;
  /** When Cal.com reported the booking: the token must have been valid then. */
  bookedAt: Date;
  /** `<organizer username>/<event type slug>` when the payload says so (webhooks do, polls don't). */
  eventType?: string | null;
  /** Cal.com's numeric event type id (`eventTypeId`), when known. */
  eventTypeId?: number | null;
  /** The booker's IANA zone as Cal.com reports it (`attendees[0].timeZone`), when known. */
  attendeeTimeZone?: string | null;
};

/**
 * BOOKING_CREATED: a booking made through a link we prepared becomes a consultation
 * awaiting payment (and its checkout is queued). A booking that confirms a pending
 * reschedule moves the existing consultation instead. A missing, forged or expired token,
 * a length that isn't the one quoted, or a token already used by another booking raises
 * a security incident and cancels the booking on Cal.com.
 */
export async function handleBookingCreated(
  tx: Executor,
  ctx: ProcessingContext,
  b: NewBookingFacts,
): Promise<Outcome> {
  const known = await findConsultationIdByBookingUid(tx, { uid: b.uid });
  if (known) return ignored("booking already known", known);
  const previousUid = await findPendingRescheduleOf(tx, { uid: b.uid });
  if (previousUid) {
    return handleBookingRescheduled(tx, ctx, {
      uid: b.uid,
      rescheduleUid: previousUid,
      startsAt: b.startsAt,
      endsAt: b.endsAt,
    });
  }
  const token = verifyBookingToken(b.bookingToken, ctx.deps.billing.bookingTokenSecret, b.bookedAt);
  if (!token.ok) {
    return refuseBooking(tx, ctx, {
      uid: b.uid,
      kind: "booking_token_invalid",
      why: `booking token ${token.reason.replace("_", " ")}`,
    });
  }
  const intent = await getBookingIntent(tx, { id: token.intentId });
  if (!intent) {
    return refuseBooking(tx, ctx, {
      uid: b.uid,
      kind: "booking_token_invalid",
      why: `booking intent ${token.intentId} not found`,
    });
  }
  // The token binds the intent's advisor: a link prepared for one advisor (and price)
  // can't be used to book another advisor's event type.
  const otherEventType = eventTypeMismatch(b, intent.advisorEventType);
  if (otherEventType) {
    return refuseBooking(tx, ctx, {
      uid: b.uid,
      kind: "booking_token_invalid",
      why: otherEventType,
    });
  }
  const minutes = Math.round((b.endsAt.getTime() - b.startsAt.getTime()) / 60_000);
  if (minutes !== intent.durationMinutes) {
    return refuseBooking(tx, ctx, {
      uid: b.uid,
      kind: "booking_token_invalid",
      why: `booked ${minutes} minutes but the quote was for ${intent.durationMinutes}`,
    });
  }
  const result = await createConsultationFromIntent(tx, {
    intentId: intent.id,
    bookingUid: b.uid,
    startsAt: b.startsAt,
    endsAt: b.endsAt,
    now: ctx.now,
    paymentWindowMinutes: ctx.deps.billing.paymentWindowMinutes,
    origin: origin(ctx),
  });
  switch (result.kind) {
    case "created":
      // The client's zone, while they haven't chosen one, is the one they booked in.
      await adoptTimeZoneIfUnknown(tx, {
        userId: result.consultation.clientId,
        timeZone: b.attendeeTimeZone,
        source: ctx.source,
      });
      return processed("consultation created, awaiting payment", result.consultation.id);
    case "duplicate":
      return ignored("booking already known", result.consultationId);
    case "intent_used":
      return refuseBooking(tx, ctx, {
        uid: b.uid,
        kind: "booking_token_reused",
        why: `booking token already used by consultation ${result.consultationId}`,
        consultationId: result.consultationId,
      });
    case "intent_not_found":
      return refuseBooking(tx, ctx, {
        uid: b.uid,
        kind: "booking_token_invalid",
        why: `booking intent ${intent.id} not found`,
      });
    case "invalid":
      return refuseBooking(tx, ctx, {
        uid: b.uid,
        kind: "booking_token_invalid",
        why: `booking can't become a consultation: ${result.message}`,
      });
  }
}

/**
 * Why the booked event type isn't the one the advisor set, or null when it is (or when the
 * booking doesn't say). The advisor sets either Cal.com's numeric event type id, compared
 * with `eventTypeId`, or its `username/slug` path (or booking URL), compared with the
 * organizer's username and the event type slug.
 */
function eventTypeMismatch(
  b: Pick<NewBookingFacts, "eventType" | "eventTypeId">,
  prepared: string | null,
): string | null {
  if (!prepared) return null;
  const setting = prepared.trim();
  if (/^\d+$/.test(setting)) {
    const id = Number(setting);
    if (b.eventTypeId === undefined || b.eventTypeId === null || b.eventTypeId === id) return null;
    return `booked event type ${b.eventTypeId} but the token was prepared for event type ${id}`;
  }
  if (!b.eventType || sameEventType(b.eventType, setting)) return null;
  return `booked event type ${b.eventType} but the token was prepared for ${setting}`;
}

/** Event types compare by their `username/slug` path, ignoring case and a full booking URL's origin. */
function sameEventType(booked: string, prepared: string): boolean {
  const path = (v: string) =>
    v
      .replace(/^https?:\/\/[^/]+\//i, "")
      .replace(/^\/+|\/+$/g, "")
      .toLowerCase();
  return path(booked) === path(prepared);
}

/** `<organizer username>/<event type slug>` from a booking payload, when both are there. */
function eventTypeOf(booking: { organizer?: unknown; type?: unknown }): string | null {
  const organizer = booking.organizer as { username?: unknown } | null | undefined;
  const username = typeof organizer?.username === "string" ? organizer.username : null;
  const slug = typeof booking.type === "string" ? booking.type : null;
  return username && slug ? `${username}/${slug}` : null;
}

/** Cal.com's `eventTypeId` from a booking payload (a number; tolerated as a numeric string). */
function eventTypeIdOf(booking: Record<string, unknown>): number | null {
  const id = booking.eventTypeId;
  if (typeof id === "number" && Number.isSafeInteger(id)) return id;
  if (typeof id === "string" && /^\d{1,15}$/.test(id)) return Number(id);
  return null;
}

/** Flags a booking for admins and cancels it on Cal.com, in the caller's transaction. */
async function refuseBooking(
  tx: Executor,
  ctx: ProcessingContext,
  input: { uid: string; kind: IncidentKind; why: string; consultationId?: string },
): Promise<Outcome> {
  await raiseIncident(tx, {
    kind: input.kind,
    dedupeKey: refusedBookingKey(input.uid),
    message: `Cal.com booking ${input.uid} refused: ${input.why}. The booking is being cancelled on Cal.com.`,
    consultationId: input.consultationId ?? null,
    webhookEventId: ctx.webhookEventId,
    details: { bookingUid: input.uid, reason: input.why, source: ctx.source },
  });
  await cancelBookingOnCalendar(tx, {
    bookingUid: input.uid,
    reason: "This booking was not made through a valid Advisor Network booking link.",
    jobKey: `cancel_booking:${input.uid}`,
  });
  return processed(`booking refused (${input.why}): incident raised, cancellation queued`, null, {
    refused: input.kind,
    bookingUid: input.uid,
  });
}

/**
 * BOOKING_RESCHEDULED (or a confirmed reschedule request): the consultation found through
 * the old uid moves to the new time and the new uid (the old one stays an alias). A
 * reschedule of a booking we don't know yet, or of one not paid yet, waits.
 */
export async function handleBookingRescheduled(
  tx: Executor,
  ctx: ProcessingContext,
  b: {
    uid: string;
    rescheduleUid: string;
    startsAt: Date;
    endsAt: Date;
    /** When Cal.com says it happened; the machine decides by it. */
    occurredAt?: Date | null;
  },
): Promise<Outcome> {
  const occurredAt = providerTime(ctx, b.occurredAt);
  const consultationId = await findConsultationIdByBookingUid(tx, { uid: b.rescheduleUid });
  if (!consultationId) {
    throw new DeferProcessing(`reschedule of booking ${b.rescheduleUid}, which we don't know yet`);
  }
  const result = await applyConsultationEvent(tx, {
    consultationId,
    event: {
      type: "rescheduled",
      id: calcomEventId("BOOKING_RESCHEDULED", b.uid),
      actor: "system",
      startsAt: b.startsAt,
      endsAt: b.endsAt,
    },
    now: ctx.now,
    ...(occurredAt ? { occurredAt } : {}),
    origin: origin(ctx, { bookingUid: b.uid, previousBookingUid: b.rescheduleUid }),
  });
  if (result.kind === "not_found")
    throw new DeferProcessing("consultation vanished", consultationId);
  if (result.kind === "refused" && result.error.code === "TOO_EARLY") {
    throw new DeferProcessing(
      `reschedule can't apply yet (${result.error.message})`,
      consultationId,
    );
  }
  // The new uid belongs to this consultation whatever the machine decided (Cal.com has
  // moved the booking), so later events about it find it. It becomes the current uid when
  // it replaces the current one: a replayed old reschedule doesn't move it back.
  await linkBookingUid(tx, {
    uid: b.uid,
    consultationId,
    current: result.kind !== "duplicate" && result.consultation.bookingUid === b.rescheduleUid,
  });
  return describeApply(result, `rescheduled to ${b.startsAt.toISOString()}`);
}

/** A cancellation as the handlers need it. */
export type CancellationFacts = {
  uid: string;
  trigger: "BOOKING_CANCELLED" | "BOOKING_REJECTED";
  /** The old half of a reschedule: Cal.com cancelled it because a new booking replaced it. */
  rescheduled: boolean;
  requestReschedule: boolean;
  actor: Actor;
  reason: string | null;
  /** When Cal.com says it was cancelled (its `createdAt`); the refund tier is taken at it. */
  occurredAt?: Date | null;
};

/**
 * BOOKING_CANCELLED / BOOKING_REJECTED: the consultation is cancelled by whoever did it
 * (the domain applies the frozen refund policy), or, for the host's "Request reschedule",
 * waits for a new time with the payment kept. Cal.com echoing a cancellation we made
 * ourselves finds the consultation already cancelled: ignored.
 */
export async function handleBookingCancelled(
  tx: Executor,
  ctx: ProcessingContext,
  c: CancellationFacts,
): Promise<Outcome> {
  if (c.rescheduled) return ignored("old half of a reschedule");
  const consultationId = await findConsultationIdByBookingUid(tx, { uid: c.uid });
  if (!consultationId) {
    if (c.trigger === "BOOKING_REJECTED")
      return ignored("rejected booking was never a consultation");
    if (await wasBookingRefused(tx, { uid: c.uid })) {
      return ignored("cancellation of a booking we refused");
    }
    throw new DeferProcessing(`cancellation of booking ${c.uid}, which we don't know yet`);
  }
  const row = await lockConsultation(tx, { id: consultationId });
  if (row && row.bookingUid !== null && row.bookingUid !== c.uid) {
    return ignored(`booking ${c.uid} was replaced by ${row.bookingUid}`, consultationId);
  }
  // Cal.com echoing a cancellation we made (or a late one): already reflected, not refused.
  if (row && !c.requestReschedule && isTerminal(row.status)) {
    return ignored(`consultation already ${row.status}`, consultationId);
  }
  const id = calcomEventId(c.trigger, c.uid);
  const occurredAt = providerTime(ctx, c.occurredAt);
  if (row?.status === "confirmed" && !c.requestReschedule && occurredAt) {
    // The payment may have reached us first although the booking was cancelled before it.
    const replay = await applyCancellationBeforeLatePayment(tx, {
      consultationId,
      event: { type: "cancelled", id, actor: c.actor },
      cancelledAt: occurredAt,
      now: ctx.now,
      origin: origin(ctx, { bookingUid: c.uid }, c.reason),
    });
    if (replay.kind === "applied") {
      const price = replay.consultation.price;
      const currency = replay.consultation.currency;
      await raiseIncident(tx, {
        kind: "unknown_charge",
        dedupeKey: `late-payment:${replay.paymentEventId ?? id}`,
        message: `Consultation ${consultationId} received a payment of ${price} ${currency} after it was cancelled; it is being refunded in full.`,
        consultationId,
        webhookEventId: ctx.webhookEventId,
        details: { cancellation: id, paymentEventId: replay.paymentEventId ?? null },
      });
      return processed(
        `cancelled by the ${c.actor} before the payment: the payment is refunded in full`,
        consultationId,
      );
    }
  }
  const event: ConsultationEvent = c.requestReschedule
    ? { type: "reschedule_requested", id, actor: "advisor" }
    : { type: "cancelled", id, actor: c.actor };
  const result = await applyConsultationEvent(tx, {
    consultationId,
    event,
    now: ctx.now,
    ...(occurredAt ? { occurredAt } : {}),
    origin: origin(ctx, { bookingUid: c.uid }, c.reason),
  });
  if (result.kind === "not_found")
    throw new DeferProcessing("consultation vanished", consultationId);
  if (result.kind === "refused" && result.error.code === "TOO_EARLY") {
    // A reschedule request before payment: it applies once the consultation is confirmed.
    throw new DeferProcessing(
      `${event.type} can't apply yet (${result.error.message})`,
      consultationId,
    );
  }
  return describeApply(
    result,
    event.type === "cancelled" ? `cancelled by the ${event.actor}` : "host requested a reschedule",
  );
}

/**
 * BOOKING_NO_SHOW_UPDATED: each attendee marked absent is the advisor reporting the
 * client's no-show (hosts marked absent don't fire it). A report before the meeting is
 * over waits; an unmark is left to admins.
 */
async function handleNoShow(
  tx: Executor,
  ctx: ProcessingContext,
  n: {
    uid: string;
    attendees: { email: string | null; noShow?: boolean | null }[];
    occurredAt: Date | null;
  },
): Promise<Outcome> {
  const occurredAt = providerTime(ctx, n.occurredAt);
  const absent = n.attendees
    .map((a, i) => ({ key: a.email ?? `attendee-${i}`, noShow: a.noShow === true }))
    .filter((a) => a.noShow);
  if (absent.length === 0) {
    return ignored("no attendee marked absent (an unmark is for admins to resolve)");
  }
  const consultationId = await findConsultationIdByBookingUid(tx, { uid: n.uid });
  if (!consultationId) {
    if (await wasBookingRefused(tx, { uid: n.uid }))
      return ignored("no-show on a booking we refused");
    throw new DeferProcessing(`no-show for booking ${n.uid}, which we don't know yet`);
  }
  const outcomes: Outcome[] = [];
  for (const a of absent) {
    const result = await applyConsultationEvent(tx, {
      consultationId,
      event: {
        type: "no_show_reported",
        id: calcomEventId("BOOKING_NO_SHOW_UPDATED", n.uid, a.key),
        actor: "advisor",
        absent: "client",
      },
      now: ctx.now,
      ...(occurredAt ? { occurredAt } : {}),
      origin: origin(ctx, { bookingUid: n.uid, attendee: a.key }),
    });
    if (result.kind === "not_found")
      throw new DeferProcessing("consultation vanished", consultationId);
    if (result.kind === "refused" && result.error.code === "TOO_EARLY") {
      throw new DeferProcessing(
        `no-show reported before the meeting is over (${result.error.message})`,
        consultationId,
      );
    }
    outcomes.push(describeApply(result, `client no-show (${a.key})`));
  }
  const any = outcomes.find((o) => o.status === "processed");
  return {
    status: any ? "processed" : "ignored",
    outcome: outcomes.map((o) => o.outcome).join("; "),
    consultationId,
  };
}

/** MEETING_ENDED: a clock signal (not proof anyone came); our own timer does the same. */
async function handleMeetingEnded(
  tx: Executor,
  ctx: ProcessingContext,
  m: { uid: string; ours: boolean; occurredAt: Date | null },
): Promise<Outcome> {
  const occurredAt = providerTime(ctx, m.occurredAt);
  const consultationId = await findConsultationIdByBookingUid(tx, { uid: m.uid });
  if (!consultationId) {
    if (!m.ours) return ignored("not a marketplace booking (no booking token)");
    if (await wasBookingRefused(tx, { uid: m.uid }))
      return ignored("meeting of a booking we refused");
    throw new DeferProcessing(`meeting end for booking ${m.uid}, which we don't know yet`);
  }
  const result = await applyConsultationEvent(tx, {
    consultationId,
    event: { type: "meeting_ended", id: calcomEventId("MEETING_ENDED", m.uid), actor: "system" },
    now: ctx.now,
    ...(occurredAt ? { occurredAt } : {}),
    origin: origin(ctx, { bookingUid: m.uid }),
  });
  if (result.kind === "not_found")
    throw new DeferProcessing("consultation vanished", consultationId);
  if (result.kind === "refused" && result.consultation.status === "awaiting_payment") {
    // The payment that confirms it hasn't been processed yet: the meeting end waits for it.
    throw new DeferProcessing(
      `meeting end before the payment is known (${result.error.message})`,
      consultationId,
    );
  }
  return describeApply(result, "meeting ended");
}

/** Whose cancellation it was: the organizer is the advisor, an attendee the client. */
export function cancellingActor(input: {
  cancelledBy: string | null;
  organizerEmail: string | null;
  attendeeEmails: readonly (string | null)[];
}): Actor {
  const by = input.cancelledBy;
  if (by && input.organizerEmail && by === input.organizerEmail) return "advisor";
  if (by && input.attendeeEmails.includes(by)) return "client";
  // Unknown canceller: treated as the client, whose policy applies.
  return "client";
}

const token = (metadata: Record<string, unknown> | null | undefined): string | null => {
  const t = metadata?.bookingToken;
  return typeof t === "string" && t.length > 0 ? t : null;
};

export type Plan = { ok: true; trigger: string; handler: Handler } | { ok: false; reason: string };

/**
 * Reads a stored Cal.com delivery and picks its handler. `receivedAt` stands in for
 * the booking time when the envelope has no usable `createdAt`.
 */
export function planCalcomEvent(body: unknown, receivedAt: Date): Plan {
  const envelope = calcomWire.envelope.safeParse(body);
  if (!envelope.success) return { ok: false, reason: "not a Cal.com envelope" };
  const trigger = envelope.data.triggerEvent;
  const payload = envelope.data.payload ?? envelope.data;
  // The envelope's `createdAt` is when Cal.com built the webhook, i.e. when the change
  // happened; a flat MEETING_* body's `createdAt` is the booking's (see meetingTime).
  const createdAt =
    envelope.data.payload !== undefined && envelope.data.createdAt
      ? new Date(envelope.data.createdAt)
      : null;
  const occurredAt = createdAt && Number.isFinite(createdAt.getTime()) ? createdAt : null;
  const describe = (issues: z.core.$ZodIssue[]) =>
    `${trigger}: ${issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`;
  const parseTimed = () => {
    const b = calcomWire.timedBooking.safeParse(payload);
    return b.success
      ? ({ ok: true, booking: b.data } as const)
      : ({ ok: false, reason: describe(b.error.issues) } as const);
  };
  const parseBooking = () => {
    const b = calcomWire.booking.safeParse(payload);
    return b.success
      ? ({ ok: true, booking: b.data } as const)
      : ({ ok: false, reason: describe(b.error.issues) } as const);
  };
  switch (trigger) {
    case "BOOKING_CREATED": {
      const b = parseTimed();
      if (!b.ok) return b;
      const created = envelope.data.createdAt ? new Date(envelope.data.createdAt) : null;
      const bookedAt =
        created && Number.isFinite(created.getTime()) && created.getTime() <= receivedAt.getTime()
          ? created
          : receivedAt;
      return {
        ok: true,
        trigger,
        handler: (tx, ctx) =>
          handleBookingCreated(tx, ctx, {
            uid: b.booking.uid,
            startsAt: b.booking.startTime,
            endsAt: b.booking.endTime,
            bookingToken: token(b.booking.metadata),
            bookedAt,
            eventType: eventTypeOf(b.booking),
            eventTypeId: eventTypeIdOf(b.booking),
            attendeeTimeZone: b.booking.attendees?.[0]?.timeZone ?? null,
          }),
      };
    }
    case "BOOKING_REQUESTED": {
      const b = parseTimed();
      if (!b.ok) return b;
      const { uid, rescheduleUid } = b.booking;
      return {
        ok: true,
        trigger,
        handler: async (tx) => {
          if (!rescheduleUid) return processed("awaiting host confirmation");
          const consultationId = await findConsultationIdByBookingUid(tx, { uid: rescheduleUid });
          return processed(
            `reschedule of ${rescheduleUid} awaiting host confirmation`,
            consultationId,
            { rescheduleOf: rescheduleUid, uid },
          );
        },
      };
    }
    case "BOOKING_RESCHEDULED": {
      const b = parseTimed();
      if (!b.ok) return b;
      const { uid, rescheduleUid, startTime, endTime } = b.booking;
      if (!rescheduleUid) return { ok: false, reason: "BOOKING_RESCHEDULED without rescheduleUid" };
      return {
        ok: true,
        trigger,
        handler: (tx, ctx) =>
          handleBookingRescheduled(tx, ctx, {
            uid,
            rescheduleUid,
            startsAt: startTime,
            endsAt: endTime,
            occurredAt,
          }),
      };
    }
    case "BOOKING_CANCELLED":
    case "BOOKING_REJECTED": {
      const b = parseBooking();
      if (!b.ok) return b;
      const p = b.booking;
      return {
        ok: true,
        trigger,
        handler: (tx, ctx) =>
          handleBookingCancelled(tx, ctx, {
            uid: p.uid,
            trigger,
            rescheduled: p.rescheduled === true,
            requestReschedule: trigger === "BOOKING_CANCELLED" && p.requestReschedule === true,
            actor:
              trigger === "BOOKING_REJECTED"
                ? "advisor"
                : cancellingActor({
                    cancelledBy: p.cancelledBy,
                    organizerEmail: p.organizer?.email ?? null,
                    attendeeEmails: (p.attendees ?? []).map((a) => a.email),
                  }),
            reason: p.cancellationReason ?? p.rejectionReason ?? null,
            occurredAt,
          }),
      };
    }
    case "BOOKING_NO_SHOW_UPDATED": {
      const n = calcomWire.noShow.safeParse(payload);
      const uid = n.success ? (n.data.bookingUid ?? n.data.uid) : undefined;
      if (!n.success || !uid)
        return { ok: false, reason: "BOOKING_NO_SHOW_UPDATED without bookingUid" };
      return {
        ok: true,
        trigger,
        handler: (tx, ctx) =>
          handleNoShow(tx, ctx, { uid, attendees: n.data.attendees, occurredAt }),
      };
    }
    case "MEETING_ENDED": {
      const m = calcomWire.meeting.safeParse(payload);
      if (!m.success) return { ok: false, reason: "MEETING_ENDED without uid" };
      return {
        ok: true,
        trigger,
        handler: (tx, ctx) =>
          handleMeetingEnded(tx, ctx, {
            uid: m.data.uid,
            ours: token(m.data.metadata) !== null,
            // Cal.com fires MEETING_ENDED at the booking's end time.
            occurredAt: m.data.endTime ?? null,
          }),
      };
    }
    default:
      return {
        ok: true,
        trigger,
        handler: () => Promise.resolve(ignored(`${trigger} is not acted on`)),
      };
  }
}
