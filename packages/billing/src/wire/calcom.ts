import { z } from "zod";

/**
 * What Cal.com sends us, in one place: webhook bodies (payload version 2021-10-20: the
 * `{triggerEvent, createdAt, payload}` envelope, or the flat MEETING_* body) and the
 * bookings its API v2 returns. Parsed defensively: unknown keys are allowed (Cal.com adds
 * fields over time) and only what we use is required. The simulated Cal.com builds its
 * bodies to these shapes (`wire/calcom.test.ts` holds them to that).
 */

/** The Cal.com payload version we pin (`X-Cal-Webhook-Version`). */
export const CALCOM_WEBHOOK_VERSION = "2021-10-20";

/** The 2021-10-20 envelope as Cal.com builds it; `createdAt` = when sent. */
export type CalcomWebhookEnvelope<P = Record<string, unknown>> = {
  triggerEvent: string;
  createdAt: string;
  payload: P;
};

// ---------------------------------------------------------------------------------------
// Webhook bodies: what the route needs to store a delivery

/** The envelope, or the flat MEETING_* body, as the webhook route reads it. */
export const ingestEnvelope = z.looseObject({
  triggerEvent: z.string().min(1).max(100),
  payload: z.unknown().optional(),
});

/** The booking uid of a delivery, whichever field carries it. */
export const ingestBooking = z.looseObject({
  uid: z.string().min(1).max(200).optional(),
  /** BOOKING_NO_SHOW_UPDATED and the Cal Video no-show triggers carry only this. */
  bookingUid: z.string().min(1).max(200).optional(),
});

// ---------------------------------------------------------------------------------------
// Webhook bodies: what the processor acts on

/** An ISO date as Cal.com sends it (`…Z`, `….000Z`, `+00:00`): parsed leniently, must be valid. */
const instant = z
  .string()
  .min(1)
  .transform((s, ctx) => {
    const d = new Date(s);
    if (!Number.isFinite(d.getTime())) {
      ctx.addIssue({ code: "custom", message: `not a date: ${s}` });
      return z.NEVER;
    }
    return d;
  });

const email = z
  .string()
  .nullish()
  .transform((s) => (s ? s.trim().toLowerCase() : null));

const person = z.looseObject({ email, name: z.string().nullish() });

/**
 * An attendee: a person with the IANA zone they booked in (`[0]` is the booker). A zone
 * that isn't a string is dropped rather than refusing the booking over it.
 */
const attendee = person.extend({ timeZone: z.string().nullish().catch(null) });

/** Cal.com's envelope: `{triggerEvent, createdAt, payload}`, or the flat MEETING_* body. */
export const envelope = z.looseObject({
  triggerEvent: z.string().min(1),
  createdAt: z.string().nullish(),
  payload: z.unknown().optional(),
});

/**
 * The booking payload of CREATED, REQUESTED, RESCHEDULED, CANCELLED and REJECTED. Times are
 * optional here so a cancellation is never lost over them; the triggers that use them
 * require them (see `timedBooking`).
 */
export const booking = z.looseObject({
  uid: z.string().min(1),
  startTime: instant.nullish(),
  endTime: instant.nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  organizer: person.nullish(),
  attendees: z.array(attendee).nullish(),
  rescheduleUid: z.string().min(1).nullish(),
  /** True on the old half of a reschedule (the booking Cal.com cancelled). */
  rescheduled: z.boolean().nullish(),
  /** The host pressed "Request reschedule": not a cancellation. */
  requestReschedule: z.boolean().nullish(),
  cancelledBy: email,
  cancellationReason: z.string().nullish(),
  rejectionReason: z.string().nullish(),
});
export type ParsedBooking = z.output<typeof booking>;

/** A booking payload that must say when the meeting is (CREATED, REQUESTED, RESCHEDULED). */
export const timedBooking = booking.extend({ startTime: instant, endTime: instant });

/** MEETING_ENDED: only the uid matters (it is a clock signal); metadata says whether it is ours. */
export const meeting = z.looseObject({
  uid: z.string().min(1),
  /** The booking's end: when Cal.com's MEETING_ENDED fires. */
  endTime: instant.nullish().catch(null),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});

/** BOOKING_NO_SHOW_UPDATED: Cal.com's minimal body. */
export const noShow = z.looseObject({
  bookingUid: z.string().min(1).optional(),
  uid: z.string().min(1).optional(),
  attendees: z.array(z.looseObject({ email, noShow: z.boolean().nullish() })).default([]),
});

// ---------------------------------------------------------------------------------------
// API v2 (bookings, version 2024-08-13)

const apiAttendee = z.object({
  name: z.string().nullish(),
  email: z.string().nullish(),
  timeZone: z.string().nullish(),
});

/** One booking as `GET /v2/bookings` returns it; extra fields ignored. */
export const apiBooking = z.object({
  uid: z.string().min(1),
  // Lower-case in v2; upper-case enums (`ACCEPTED`) appear in older shapes and webhooks.
  status: z
    .string()
    .transform((s) => s.toLowerCase())
    .pipe(z.enum(["accepted", "pending", "cancelled", "rejected"])),
  start: z.iso.datetime({ offset: true }),
  end: z.iso.datetime({ offset: true }),
  eventTypeId: z.number().int().nullish(),
  eventType: z.object({ id: z.number().int() }).partial().nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  attendees: z.array(apiAttendee).nullish(),
  rescheduledFromUid: z.string().nullish(),
  fromReschedule: z.string().nullish(),
});

/** A page of `GET /v2/bookings`; each item is read with `apiBooking`. */
export const apiBookingList = z.object({
  data: z.array(z.unknown()),
  pagination: z.object({ hasNextPage: z.boolean() }).partial().nullish(),
});

/** `{data}` around one object, as v2 answers a single-object request. */
export const apiSingle = z.object({ data: z.unknown() });
