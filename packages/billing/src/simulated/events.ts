import { randomInt } from "node:crypto";

/**
 * Builders for what the simulated providers send: Stripe-shaped objects and event
 * envelopes, and Cal.com-shaped webhook bodies (payload version 2021-10-20). The shapes
 * follow the research notes in `shared/reference/` so that the production webhook code
 * runs unchanged against the simulators; unknown fields are allowed on both sides.
 */

/** The API version our Stripe SDK pins (stripe@23.1.0); the simulated events carry it too. */
export const SIM_STRIPE_API_VERSION = "2026-10-28.endive";
/** The Cal.com payload version we pin (`X-Cal-Webhook-Version`). */
export const CALCOM_WEBHOOK_VERSION = "2021-10-20";

const ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
// short-uuid's alphabet (no 0, 1, I, O, l): what Cal.com's 22-character uids are made of.
const SHORT_UUID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

function randomString(alphabet: string, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

export type StripeIdPrefix =
  "cs" | "pi" | "ch" | "re" | "evt" | "dp" | "txn" | "req" | "acct" | "link" | "tr" | "trr" | "po";

/** A Stripe-looking id, e.g. `cs_sim_4fQ…` (24 random alphanumerics after the prefix). */
export function simStripeId(prefix: StripeIdPrefix): string {
  return `${prefix}_sim_${randomString(ALPHANUMERIC, 24)}`;
}

/** A Cal.com-looking booking uid: 22 characters of the short-uuid alphabet. */
export function simCalcomUid(): string {
  return randomString(SHORT_UUID_ALPHABET, 22);
}

/** Unix seconds, as Stripe's timestamps are. */
export const unixSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);

// ---------------------------------------------------------------------------------------
// Stripe

export type StripeMetadata = Record<string, string>;

/** A Checkout Session in `payment` mode, as Stripe returns and sends it. */
export type SimCheckoutSessionObject = {
  id: string;
  object: "checkout.session";
  amount_subtotal: number;
  amount_total: number;
  cancel_url: string;
  client_reference_id: string | null;
  created: number;
  /** Lowercase ISO code, as Stripe writes it. */
  currency: string;
  customer_details: { email: string | null; name: string | null } | null;
  customer_email: string | null;
  expires_at: number;
  livemode: false;
  locale: string | null;
  metadata: StripeMetadata;
  mode: "payment";
  payment_intent: string | null;
  payment_method_types: string[];
  payment_status: "paid" | "unpaid" | "no_payment_required";
  status: "open" | "complete" | "expired";
  success_url: string;
  /** Only while the session is open, like Stripe. */
  url: string | null;
};

export type SimPaymentIntentObject = {
  id: string;
  object: "payment_intent";
  amount: number;
  amount_received: number;
  created: number;
  currency: string;
  last_payment_error: { code: string; message: string; type: "card_error" } | null;
  latest_charge: string | null;
  livemode: false;
  metadata: StripeMetadata;
  status: "succeeded" | "requires_payment_method";
  transfer_group: string | null;
};

export type SimRefundObject = {
  id: string;
  object: "refund";
  amount: number;
  balance_transaction: string;
  charge: string;
  created: number;
  currency: string;
  metadata: StripeMetadata;
  payment_intent: string;
  reason: "requested_by_customer" | "duplicate" | "fraudulent" | null;
  status: "succeeded";
};

export type SimChargeObject = {
  id: string;
  object: "charge";
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  balance_transaction: string;
  captured: boolean;
  created: number;
  currency: string;
  disputed: boolean;
  livemode: false;
  metadata: StripeMetadata;
  paid: boolean;
  payment_intent: string;
  refunded: boolean;
  /** Newest first, as Stripe lists them. */
  refunds: {
    object: "list";
    data: SimRefundObject[];
    has_more: false;
    total_count: number;
    url: string;
  };
  status: "succeeded";
  transfer_group: string | null;
};

export type SimBalanceTransactionObject = {
  id: string;
  object: "balance_transaction";
  /** Signed: a dispute withdraws (negative), a won dispute reinstates (positive). */
  amount: number;
  created: number;
  currency: string;
  description: string;
  fee: number;
  fee_details: { amount: number; currency: string; description: string; type: "stripe_fee" }[];
  net: number;
  reporting_category: "dispute" | "dispute_reversal";
  status: "available";
  type: "adjustment";
};

export type SimDisputeObject = {
  id: string;
  object: "dispute";
  amount: number;
  balance_transactions: SimBalanceTransactionObject[];
  charge: string;
  created: number;
  currency: string;
  evidence_details: {
    due_by: number;
    has_evidence: boolean;
    past_due: boolean;
    submission_count: number;
  };
  is_charge_refundable: boolean;
  livemode: false;
  metadata: StripeMetadata;
  payment_intent: string;
  reason: "fraudulent";
  status: "needs_response" | "under_review" | "won" | "lost";
};

/** The envelope of every Stripe webhook event (`Stripe.Event`, minus nothing we use). */
export type StripeEventEnvelope<T = unknown> = {
  id: string;
  object: "event";
  api_version: string;
  created: number;
  data: { object: T; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
  /** Connect events only: the connected account the event happened on. */
  account?: string;
};

/**
 * A full Stripe event around `object`. `request` names the API call that caused it (a
 * refund, an expiry); events the "customer" causes on the simulated pages have none, like
 * Stripe's own.
 */
export function stripeEvent<T>(
  type: string,
  object: T,
  options: {
    now: Date;
    previousAttributes?: Record<string, unknown>;
    request?: { id: string; idempotencyKey: string | null };
    /** The connected account, for events sent to the Connect endpoint. */
    account?: string;
  },
): StripeEventEnvelope<T> {
  return {
    ...(options.account ? { account: options.account } : {}),
    id: simStripeId("evt"),
    object: "event",
    api_version: SIM_STRIPE_API_VERSION,
    created: unixSeconds(options.now),
    data: options.previousAttributes
      ? { object, previous_attributes: options.previousAttributes }
      : { object },
    livemode: false,
    pending_webhooks: 1,
    request: options.request
      ? { id: options.request.id, idempotency_key: options.request.idempotencyKey }
      : { id: null, idempotency_key: null },
    type,
  };
}

// ---------------------------------------------------------------------------------------
// Stripe Connect

/** A connected Express account as Stripe returns it and sends it in `account.updated`. */
export type SimAccountObject = {
  id: string;
  object: "account";
  business_type: "individual";
  capabilities: { transfers: "active" | "inactive" | "pending" };
  charges_enabled: false;
  controller: {
    fees: { payer: "application" };
    is_controller: true;
    losses: { payments: "application" };
    requirement_collection: "stripe";
    stripe_dashboard: { type: "express" };
    type: "application";
  };
  country: string;
  created: number;
  default_currency: string;
  details_submitted: boolean;
  email: string | null;
  metadata: StripeMetadata;
  payouts_enabled: boolean;
  requirements: {
    current_deadline: number | null;
    currently_due: string[];
    disabled_reason: string | null;
    errors: never[];
    eventually_due: string[];
    past_due: string[];
    pending_verification: string[];
  };
  type: "express";
};

export type SimTransferReversalObject = {
  id: string;
  object: "transfer_reversal";
  amount: number;
  balance_transaction: string;
  created: number;
  currency: string;
  metadata: StripeMetadata;
  transfer: string;
};

export type SimTransferObject = {
  id: string;
  object: "transfer";
  amount: number;
  amount_reversed: number;
  balance_transaction: string;
  created: number;
  currency: string;
  destination: string;
  livemode: false;
  metadata: StripeMetadata;
  reversed: boolean;
  source_transaction: string | null;
  transfer_group: string | null;
};

/**
 * One movement of the platform's balance, as `GET /v1/balance_transactions` lists it:
 * `charge` (amount and Stripe's fee), `refund`, `adjustment` (disputes), `transfer` (to a
 * connected account, negative) and `transfer_refund` (a reversal, positive).
 */
export type SimPlatformBalanceTransaction = {
  id: string;
  object: "balance_transaction";
  type: "charge" | "refund" | "adjustment" | "transfer" | "transfer_refund";
  amount: number;
  fee: number;
  net: number;
  currency: string;
  /** The object it is for: `ch_…`, `re_…`, `dp_…`, `tr_…`, `trr_…`. */
  source: string;
  created: number;
};

/** Stripe's standard card fee in the simulator: 2.9 % + 30 minor units, rounded half up. */
export function simProcessingFee(amount: number): number {
  return Math.round((amount * 29) / 1000) + 30;
}

/** Stripe's dispute fee in the simulator (15.00 in the charge's currency). */
export const SIM_DISPUTE_FEE = 1500;

// ---------------------------------------------------------------------------------------
// Cal.com

/** A person on a simulated booking (the organizer is the advisor, attendee 0 the client). */
export type SimCalcomPerson = {
  /** Cal.com's numeric user / attendee id. */
  id: number;
  name: string;
  email: string;
  timeZone: string;
  locale: string;
};

/** One simulated Cal.com booking, as the simulator stores it. Times are ISO UTC strings. */
export type SimBooking = {
  /** Cal.com's numeric booking id (`bookingId` in payloads). */
  id: number;
  uid: string;
  eventTypeId: number;
  /** The event type's slug path, e.g. `amira/consultation`. */
  eventTypeSlug: string;
  eventTitle: string;
  title: string;
  /** Minutes. */
  length: number;
  startTime: string;
  endTime: string;
  status: "accepted" | "cancelled";
  createdAt: string;
  updatedAt: string;
  organizer: SimCalcomPerson & { username: string };
  attendees: (SimCalcomPerson & { noShow: boolean })[];
  /** Booking metadata as submitted through the booking link (`bookingToken`). */
  metadata: Record<string, string>;
  location: string;
  videoCallUrl: string;
  iCalUID: string;
  iCalSequence: number;
  /** The host asked for a new time (a cancellation that is not a refund). */
  requestReschedule: boolean;
  /** Set on the old booking once it was cancelled for a reschedule or a reschedule request. */
  rescheduled: boolean;
  /** The uid this booking replaced. */
  fromReschedule: string | null;
  /** The uid that replaced this booking. */
  rescheduledToUid: string | null;
  cancellationReason: string | null;
  cancelledBy: string | null;
  rescheduledBy: string | null;
};

/** Minutes east of UTC in `timeZone` at `at` (Cal.com's `utcOffset`); 0 for unknown zones. */
export function utcOffsetMinutes(timeZone: string, at: Date): number {
  let name: string | undefined;
  try {
    name = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" })
      .formatToParts(at)
      .find((p) => p.type === "timeZoneName")?.value;
  } catch {
    return 0;
  }
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? "");
  if (!m) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3]);
  return m[1] === "-" ? -minutes : minutes;
}

function splitName(name: string): { firstName: string; lastName: string } {
  const trimmed = name.trim();
  const space = trimmed.indexOf(" ");
  return space === -1
    ? { firstName: trimmed, lastName: "" }
    : { firstName: trimmed.slice(0, space), lastName: trimmed.slice(space + 1).trim() };
}

function responsesOf(b: SimBooking, rescheduleReason?: string | null) {
  const booker = b.attendees[0];
  return {
    name: { label: "your_name", value: booker?.name ?? "", isHidden: false },
    email: { label: "email_address", value: booker?.email ?? "", isHidden: false },
    location: {
      label: "location",
      value: { optionValue: "", value: b.location },
      isHidden: false,
    },
    notes: { label: "additional_notes", isHidden: false },
    guests: { label: "additional_guests", value: [], isHidden: false },
    rescheduleReason: {
      label: "reason_for_reschedule",
      isHidden: false,
      ...(rescheduleReason ? { value: rescheduleReason } : {}),
    },
  };
}

/**
 * The common booking payload of BOOKING_CREATED / _RESCHEDULED / _CANCELLED (2021-10-20):
 * CalendarEvent fields plus event-type info. `price`/`currency` are Cal.com's deprecated
 * event-type columns (0, free event type: we take the money ourselves).
 */
export function calcomBookingPayload(b: SimBooking): Record<string, unknown> {
  const start = new Date(b.startTime);
  return {
    type: b.eventTypeSlug,
    title: b.title,
    description: "",
    additionalNotes: "",
    customInputs: {},
    startTime: b.startTime,
    endTime: b.endTime,
    organizer: {
      id: b.organizer.id,
      name: b.organizer.name,
      email: b.organizer.email,
      username: b.organizer.username,
      timeZone: b.organizer.timeZone,
      language: { locale: b.organizer.locale },
      timeFormat: "h:mma",
      utcOffset: utcOffsetMinutes(b.organizer.timeZone, start),
    },
    responses: responsesOf(b),
    userFieldsResponses: {},
    attendees: b.attendees.map((a) => ({
      email: a.email,
      name: a.name,
      ...splitName(a.name),
      timeZone: a.timeZone,
      language: { locale: a.locale },
      utcOffset: utcOffsetMinutes(a.timeZone, start),
    })),
    location: b.location,
    destinationCalendar: null,
    hideCalendarNotes: false,
    requiresConfirmation: false,
    eventTypeId: b.eventTypeId,
    seatsShowAttendees: true,
    seatsPerTimeSlot: null,
    seatsShowAvailabilityCount: true,
    schedulingType: null,
    iCalUID: b.iCalUID,
    iCalSequence: b.iCalSequence,
    uid: b.uid,
    bookingId: b.id,
    videoCallData: { type: "daily_video", id: b.uid, password: "", url: b.videoCallUrl },
    eventTitle: b.eventTitle,
    eventDescription: null,
    price: 0,
    currency: "usd",
    length: b.length,
    bookerUrl: "https://cal.com",
    status: "ACCEPTED",
  };
}

/** The 2021-10-20 envelope `{triggerEvent, createdAt, payload}`; `createdAt` = when sent. */
export function calcomEnvelope(
  triggerEvent: string,
  payload: Record<string, unknown>,
  now: Date,
): { triggerEvent: string; createdAt: string; payload: Record<string, unknown> } {
  return { triggerEvent, createdAt: now.toISOString(), payload };
}

/** BOOKING_CREATED: status ACCEPTED, metadata = the booking's plus `videoCallUrl`. */
export function calcomBookingCreated(b: SimBooking, now: Date) {
  return calcomEnvelope(
    "BOOKING_CREATED",
    { ...calcomBookingPayload(b), metadata: { videoCallUrl: b.videoCallUrl, ...b.metadata } },
    now,
  );
}

/**
 * BOOKING_RESCHEDULED: `uid`/`bookingId` are the new booking's, `rescheduleUid`/
 * `rescheduleId` and `rescheduleStartTime`/`rescheduleEndTime` the old one's.
 */
export function calcomBookingRescheduled(
  created: SimBooking,
  old: SimBooking,
  now: Date,
  rescheduleReason: string | null,
) {
  return calcomEnvelope(
    "BOOKING_RESCHEDULED",
    {
      ...calcomBookingPayload(created),
      responses: responsesOf(created, rescheduleReason),
      metadata: { videoCallUrl: created.videoCallUrl, ...created.metadata },
      rescheduleId: old.id,
      rescheduleUid: old.uid,
      rescheduleStartTime: old.startTime,
      rescheduleEndTime: old.endTime,
      rescheduledBy: created.rescheduledBy,
    },
    now,
  );
}

/**
 * BOOKING_CANCELLED: status CANCELLED with the reason, who cancelled, and whether it was a
 * host's reschedule request. Like Cal.com's documented example it carries no metadata, so
 * the receiver must find the booking by its uid.
 */
export function calcomBookingCancelled(b: SimBooking, now: Date) {
  return calcomEnvelope(
    "BOOKING_CANCELLED",
    {
      ...calcomBookingPayload(b),
      status: "CANCELLED",
      cancellationReason: b.cancellationReason,
      cancelledBy: b.cancelledBy,
      requestReschedule: b.requestReschedule,
      rescheduledToUid: null,
    },
    now,
  );
}

/** BOOKING_NO_SHOW_UPDATED: only the message, the booking and the attendees' flags. */
export function calcomNoShowUpdated(
  b: SimBooking,
  attendees: { email: string; noShow: boolean; name: string }[],
  now: Date,
) {
  const first = attendees[0];
  const message =
    attendees.length === 1 && first
      ? `${first.name} ${first.noShow ? "marked" : "unmarked"} as no-show`
      : `${attendees.length} attendees updated`;
  return calcomEnvelope(
    "BOOKING_NO_SHOW_UPDATED",
    {
      message,
      bookingUid: b.uid,
      bookingId: b.id,
      attendees: attendees.map((a) => ({ email: a.email, noShow: a.noShow })),
    },
    now,
  );
}

/**
 * MEETING_STARTED / MEETING_ENDED: the **flat** raw Booking row with `triggerEvent` spread
 * in; `createdAt` is the booking's creation time, not the send time.
 */
export function calcomMeetingBody(trigger: "MEETING_STARTED" | "MEETING_ENDED", b: SimBooking) {
  return {
    triggerEvent: trigger,
    id: b.id,
    uid: b.uid,
    idempotencyKey: null,
    userId: b.organizer.id,
    userPrimaryEmail: b.organizer.email,
    eventTypeId: b.eventTypeId,
    title: b.title,
    description: "",
    customInputs: {},
    responses: responsesOf(b),
    startTime: b.startTime,
    endTime: b.endTime,
    location: b.location,
    createdAt: b.createdAt,
    updatedAt: b.updatedAt,
    status: b.status === "accepted" ? "ACCEPTED" : "CANCELLED",
    paid: false,
    destinationCalendarId: null,
    cancellationReason: b.cancellationReason,
    rejectionReason: null,
    reassignReason: null,
    dynamicEventSlugRef: null,
    dynamicGroupSlugRef: null,
    rescheduled: b.rescheduled,
    fromReschedule: b.fromReschedule,
    recurringEventId: null,
    smsReminderNumber: null,
    scheduledJobs: [],
    metadata: { videoCallUrl: b.videoCallUrl, ...b.metadata },
    isRecorded: false,
    iCalUID: b.iCalUID,
    iCalSequence: b.iCalSequence,
    rating: null,
    ratingFeedback: null,
    noShowHost: false,
    oneTimePassword: null,
    cancelledBy: b.cancelledBy,
    rescheduledBy: b.rescheduledBy,
    creationSource: "WEBAPP",
    user: {
      email: b.organizer.email,
      name: b.organizer.name,
      timeZone: b.organizer.timeZone,
      username: b.organizer.username,
    },
    attendees: b.attendees.map((a) => ({
      id: a.id,
      email: a.email,
      name: a.name,
      timeZone: a.timeZone,
      phoneNumber: null,
      locale: a.locale,
      bookingId: b.id,
      noShow: a.noShow,
    })),
    payment: [],
    references: [],
    appsStatus: null,
  };
}
