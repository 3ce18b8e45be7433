import type { CalcomWebhookEnvelope } from "../wire/calcom";

/**
 * Builders for what the simulated Cal.com sends: webhook bodies (payload version
 * 2021-10-20), shaped after the research notes in `shared/reference/` so that the
 * production webhook code runs unchanged against the simulator; unknown fields are
 * allowed on both sides.
 */

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
): CalcomWebhookEnvelope {
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
