import { z } from "zod";

/**
 * The parts of provider payloads the processor acts on, parsed defensively: unknown keys
 * are allowed (both providers add fields over time) and only what we use is required.
 */

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

/** Cal.com's envelope: `{triggerEvent, createdAt, payload}`, or the flat MEETING_* body. */
export const calcomEnvelope = z.looseObject({
  triggerEvent: z.string().min(1),
  createdAt: z.string().nullish(),
  payload: z.unknown().optional(),
});

/**
 * The booking payload of CREATED, REQUESTED, RESCHEDULED, CANCELLED and REJECTED. Times are
 * optional here so a cancellation is never lost over them; the triggers that use them
 * require them (see `timedBooking`).
 */
export const calcomBooking = z.looseObject({
  uid: z.string().min(1),
  startTime: instant.nullish(),
  endTime: instant.nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  organizer: person.nullish(),
  attendees: z.array(person).nullish(),
  rescheduleUid: z.string().min(1).nullish(),
  /** True on the old half of a reschedule (the booking Cal.com cancelled). */
  rescheduled: z.boolean().nullish(),
  /** The host pressed "Request reschedule": not a cancellation. */
  requestReschedule: z.boolean().nullish(),
  cancelledBy: email,
  cancellationReason: z.string().nullish(),
  rejectionReason: z.string().nullish(),
});
export type CalcomBooking = z.output<typeof calcomBooking>;

/** A booking payload that must say when the meeting is (CREATED, REQUESTED, RESCHEDULED). */
export const timedBooking = calcomBooking.extend({ startTime: instant, endTime: instant });

/** MEETING_ENDED: only the uid matters (it is a clock signal); metadata says whether it is ours. */
export const calcomMeeting = z.looseObject({
  uid: z.string().min(1),
  /** The booking's end: when Cal.com's MEETING_ENDED fires. */
  endTime: instant.nullish().catch(null),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});

/** BOOKING_NO_SHOW_UPDATED: Cal.com's minimal body. */
export const calcomNoShow = z.looseObject({
  bookingUid: z.string().min(1).optional(),
  uid: z.string().min(1).optional(),
  attendees: z.array(z.looseObject({ email, noShow: z.boolean().nullish() })).default([]),
});

/** A Stripe event: id, type, and the object it is about. */
export const stripeEvent = z.looseObject({
  id: z.string().min(1),
  type: z.string().min(1),
  /** When the event happened at Stripe, in whole seconds since the epoch. */
  created: z.number().int().nonnegative().nullish(),
  data: z.looseObject({ object: z.unknown() }),
});

const expandable = z
  .union([z.string(), z.looseObject({ id: z.string() })])
  .nullish()
  .transform((v) => (v == null ? null : typeof v === "string" ? v : v.id));

const metadata = z
  .record(z.string(), z.unknown())
  .nullish()
  .transform((m) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(m ?? {})) if (typeof v === "string") out[k] = v;
    return out;
  });

/** Stripe sends lowercase ISO codes; we store uppercase. */
const currency = z
  .string()
  .min(3)
  .max(3)
  .transform((c) => c.toUpperCase());

export const checkoutSession = z.looseObject({
  id: z.string().min(1),
  amount_total: z.number().int().nonnegative().nullish(),
  currency: currency.nullish(),
  payment_status: z.enum(["paid", "unpaid", "no_payment_required"]),
  payment_intent: expandable,
  client_reference_id: z.string().nullish(),
  metadata,
});
export type CheckoutSessionObject = z.output<typeof checkoutSession>;

export const stripeRefund = z.looseObject({
  id: z.string().min(1),
  amount: z.number().int().nonnegative(),
  currency,
  status: z.string().nullish(),
  metadata,
});

export const charge = z.looseObject({
  id: z.string().min(1),
  amount: z.number().int().nonnegative(),
  amount_refunded: z.number().int().nonnegative().default(0),
  currency,
  payment_intent: expandable,
  metadata,
  /** Only present when the endpoint's API version (or an expansion) includes it. */
  refunds: z.looseObject({ data: z.array(stripeRefund) }).nullish(),
});

export const dispute = z.looseObject({
  id: z.string().min(1),
  amount: z.number().int().nonnegative(),
  currency,
  charge: expandable,
  payment_intent: expandable,
  status: z.string(),
  metadata,
  balance_transactions: z
    .array(z.looseObject({ fee: z.number().int().nullish(), currency: z.string().nullish() }))
    .nullish(),
});
