import type { BillingConfig } from "../config";
import { ProviderRejectedError, type SchedulingBooking, type SchedulingPort } from "../ports";
import {
  calcomBookingCancelled,
  calcomBookingCreated,
  calcomBookingRescheduled,
  calcomMeetingBody,
  calcomNoShowUpdated,
  type SimBooking,
} from "./calcom-events";
import { simCalcomUid } from "./ids";
import type { SimStore, SimulatorRuntime } from "./store";

/** The advisor who hosts an event type, as the booking page knows them. */
export type SimOrganizerInput = {
  /** Our user id: keys the organizer's stable Cal.com user id. */
  key: string;
  name: string;
  email: string;
  timeZone: string;
  locale: string;
};

export type SimCreateBookingInput = {
  /** The event type as the advisor set it: its slug path (`amira/consultation`) or Cal.com's numeric id (`48213`). */
  eventType: string;
  /** `metadata[bookingToken]` from the booking link; null books without one. */
  token: string | null;
  name: string;
  email: string;
  /** The booker's time zone (attendee 0); defaults to UTC. */
  timeZone?: string;
  locale?: string;
  startTime: Date;
  durationMinutes: number;
  organizer: SimOrganizerInput;
};

/** The simulated scheduler: the port plus what the simulated booking pages do. */
export type SimulatedScheduling = SchedulingPort & {
  readonly mode: "simulated";
  getBooking(uid: string): Promise<SimBooking | null>;
  /** The accepted bookings of one organizer, by email (slot availability). */
  busyIntervals(organizerEmail: string): Promise<{ start: Date; end: Date; uid: string }[]>;
  /** Books a slot (`BOOKING_CREATED`). Refused when the organizer is busy then. */
  createBooking(input: SimCreateBookingInput): Promise<SimBooking>;
  /**
   * Moves a booking: a NEW booking with a new uid; the old one is cancelled and marked
   * rescheduled (`BOOKING_RESCHEDULED`, no separate cancellation). Also how an attendee
   * answers a host's reschedule request.
   */
  rescheduleBooking(
    uid: string,
    newStart: Date,
    options?: { by?: "attendee" | "organizer"; reason?: string | null },
  ): Promise<SimBooking>;
  /** The attendee cancels (`BOOKING_CANCELLED`, requestReschedule false). */
  cancelAsAttendee(uid: string, reason: string | null): Promise<SimBooking>;
  /** The host presses "Request reschedule" (`BOOKING_CANCELLED`, requestReschedule true). */
  requestReschedule(uid: string, reason?: string | null): Promise<SimBooking>;
  /**
   * The host marks (or unmarks) the attendee as a no-show (`BOOKING_NO_SHOW_UPDATED`).
   * Cal.com allows this only once the meeting has started; the simulator allows it at any
   * time, so that our own processing has to enforce its time rules.
   */
  markNoShow(uid: string, noShow: boolean): Promise<SimBooking>;
  /**
   * Sends `MEETING_ENDED` for the booking now (Cal.com sends it by clock at `endTime`):
   * a development shortcut that leaves the booking's times as they are.
   */
  endMeeting(uid: string): Promise<SimBooking>;
};

const KIND = {
  booking: "booking",
  counter: "counter",
  user: "calcom_user",
  eventType: "calcom_event_type",
} as const;

const MAX_DURATION_MINUTES = 24 * 60;

const notFound = (uid: string) =>
  new ProviderRejectedError(`Booking with uid ${uid} not found`, { code: "resource_missing" });
const conflict = (message: string, code = "booking_state") =>
  new ProviderRejectedError(message, { code });
const invalid = (message: string) => new ProviderRejectedError(message, { code: "bad_request" });

function humanize(slug: string): string {
  const last = slug.split("/").filter(Boolean).pop() ?? slug;
  const words = last.replace(/[-_]+/g, " ").trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : "Meeting";
}

function usernameOf(eventType: string, name: string): string {
  const [head] = eventType.split("/");
  if (eventType.includes("/") && head) return head;
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "host"
  );
}

function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The simulated Cal.com: bookings kept in the `SimStore`, and Cal.com-shaped webhook
 * bodies (2021-10-20) handed to `runtime.deliver`, which signs and posts them to our own
 * webhook route. Each change happens under the store's lock and only the call that made
 * it delivers, so repeating an action never sends a second webhook for the same change.
 */
export function createSimulatedScheduling(
  config: BillingConfig,
  runtime: SimulatorRuntime,
): SimulatedScheduling {
  const store: SimStore = runtime.store;
  const now = runtime.now ?? (() => new Date());
  const deliver = (body: unknown) => runtime.deliver("calcom", JSON.stringify(body));

  async function nextNumber(counter: string): Promise<number> {
    await store.putIfAbsent(KIND.counter, counter, { value: 1000 });
    const next = await store.update<{ value: number }>(KIND.counter, counter, (c) => ({
      value: c.value + 1,
    }));
    return next?.value ?? 1001;
  }

  /** A stable numeric id per key (Cal.com's user and event type ids). */
  async function stableId(kind: string, key: string, counter: string): Promise<number> {
    const known = await store.get<{ id: number }>(kind, key);
    if (known) return known.id;
    const claimed = await store.putIfAbsent(kind, key, { id: await nextNumber(counter) });
    return claimed.data.id;
  }

  async function load(uid: string): Promise<SimBooking> {
    const booking = await store.get<SimBooking>(KIND.booking, uid);
    if (!booking) throw notFound(uid);
    return booking;
  }

  async function assertFree(organizerEmail: string, start: Date, end: Date, except?: string) {
    const clash = (await busy(organizerEmail)).find(
      (b) => b.uid !== except && b.start < end && start < b.end,
    );
    if (clash) {
      throw conflict(
        `The organizer already has a booking from ${clash.start.toISOString()} to ${clash.end.toISOString()}.`,
        "slot_unavailable",
      );
    }
  }

  async function busy(organizerEmail: string) {
    const all = await store.list<SimBooking>(KIND.booking);
    return all
      .filter((b) => b.status === "accepted" && b.organizer.email === organizerEmail)
      .map((b) => ({ uid: b.uid, start: new Date(b.startTime), end: new Date(b.endTime) }));
  }

  function checkTimes(start: Date, durationMinutes: number): Date {
    if (Number.isNaN(start.getTime())) throw invalid("startTime is not a valid date");
    if (
      !Number.isInteger(durationMinutes) ||
      durationMinutes <= 0 ||
      durationMinutes > MAX_DURATION_MINUTES
    ) {
      throw invalid(`length must be 1–${MAX_DURATION_MINUTES} minutes`);
    }
    if (start.getTime() < now().getTime() - 60_000) {
      throw invalid("The booking's start time is in the past.");
    }
    return new Date(start.getTime() + durationMinutes * 60_000);
  }

  /**
   * Applies `change` to a booking under the lock when `allowed` says so; null when it
   * didn't apply (already in that state).
   */
  async function transition(
    uid: string,
    allowed: (b: SimBooking) => boolean,
    change: (b: SimBooking) => SimBooking,
  ): Promise<{ booking: SimBooking; changed: boolean }> {
    const flag = { changed: false };
    const booking = await store.update<SimBooking>(KIND.booking, uid, (b) => {
      if (!allowed(b)) return b;
      flag.changed = true;
      return { ...change(b), updatedAt: now().toISOString() };
    });
    if (!booking) throw notFound(uid);
    return { booking, changed: flag.changed };
  }

  const isLive = (b: SimBooking) => b.status === "accepted";

  async function cancel(
    uid: string,
    how: { by: "attendee" | "organizer"; reason: string | null; requestReschedule: boolean },
  ): Promise<{ booking: SimBooking; changed: boolean }> {
    const result = await transition(uid, isLive, (b) => ({
      ...b,
      status: "cancelled",
      cancellationReason: how.reason,
      cancelledBy: how.by === "organizer" ? b.organizer.email : (b.attendees[0]?.email ?? null),
      requestReschedule: how.requestReschedule,
      rescheduled: how.requestReschedule,
      iCalSequence: b.iCalSequence + 1,
    }));
    if (result.changed) await deliver(calcomBookingCancelled(result.booking, now()));
    return result;
  }

  return {
    mode: "simulated",

    bookingUrl({ eventType, bookingToken, name, email }) {
      const query = new URLSearchParams({ "metadata[bookingToken]": bookingToken });
      if (name) query.set("name", name);
      if (email) query.set("email", email);
      return `${config.publicApiUrl}/sim/book/${encodeURIComponent(eventType)}?${query.toString()}`;
    },

    /** Cancelling through the API: Cal.com records the API key's owner, here the host. */
    async cancelBooking({ bookingUid, reason }) {
      await cancel(bookingUid, { by: "organizer", reason, requestReschedule: false });
    },

    async listBookings({ from, to }): Promise<SchedulingBooking[]> {
      const all = await store.list<SimBooking>(KIND.booking);
      return all
        .filter((b) => {
          const start = new Date(b.startTime).getTime();
          return start >= from.getTime() && start < to.getTime();
        })
        .sort((a, b) => new Date(b.startTime).getTime() - new Date(a.startTime).getTime())
        .map((b) => ({
          uid: b.uid,
          status: b.status,
          startTime: new Date(b.startTime),
          endTime: new Date(b.endTime),
          eventTypeId: b.eventTypeId,
          metadata: { ...b.metadata },
          attendees: b.attendees.map((a) => ({
            email: a.email,
            name: a.name,
            timeZone: a.timeZone,
          })),
          rescheduledFromUid: b.fromReschedule,
        }));
    },

    getBooking: (uid) => store.get<SimBooking>(KIND.booking, uid),
    busyIntervals: busy,

    async createBooking(input) {
      const name = input.name.trim();
      const email = input.email.trim();
      if (!name || !email.includes("@")) throw invalid("a name and an email are required");
      const timeZone = input.timeZone ?? "UTC";
      if (!isValidTimeZone(timeZone) || !isValidTimeZone(input.organizer.timeZone)) {
        throw invalid("unknown time zone");
      }
      const end = checkTimes(input.startTime, input.durationMinutes);
      await assertFree(input.organizer.email, input.startTime, end);
      const at = now().toISOString();
      const uid = simCalcomUid();
      // An event type set by its numeric id is that Cal.com event type: the id is sent as
      // is, and its slug (which the id doesn't tell) is a plain one, as a real one would be.
      const numericId = /^\d+$/.test(input.eventType) ? Number(input.eventType) : null;
      const slug =
        numericId === null ? input.eventType.split("/").pop() || input.eventType : "consultation";
      const eventTitle = humanize(slug);
      const booking: SimBooking = {
        id: await nextNumber("booking"),
        uid,
        eventTypeId: numericId ?? (await stableId(KIND.eventType, input.eventType, "event_type")),
        // Cal.com's `type` is the slug alone; the username is the organizer's.
        eventTypeSlug: slug,
        eventTitle,
        title: `${eventTitle} between ${input.organizer.name} and ${name}`,
        length: input.durationMinutes,
        startTime: input.startTime.toISOString(),
        endTime: end.toISOString(),
        status: "accepted",
        createdAt: at,
        updatedAt: at,
        organizer: {
          id: await stableId(KIND.user, input.organizer.key, "user"),
          name: input.organizer.name,
          email: input.organizer.email,
          username: usernameOf(input.eventType, input.organizer.name),
          timeZone: input.organizer.timeZone,
          locale: input.organizer.locale,
        },
        attendees: [
          {
            id: await nextNumber("attendee"),
            name,
            email,
            timeZone,
            locale: input.locale ?? "en",
            noShow: false,
          },
        ],
        metadata: input.token ? { bookingToken: input.token } : {},
        location: "integrations:daily",
        videoCallUrl: `https://app.cal.com/video/${uid}`,
        iCalUID: `${uid}@Cal.com`,
        iCalSequence: 0,
        requestReschedule: false,
        rescheduled: false,
        fromReschedule: null,
        rescheduledToUid: null,
        cancellationReason: null,
        cancelledBy: null,
        rescheduledBy: null,
      };
      await store.put(KIND.booking, uid, booking);
      await deliver(calcomBookingCreated(booking, now()));
      return booking;
    },

    async rescheduleBooking(uid, newStart, options = {}) {
      const old = await load(uid);
      // A live booking, or one the host asked to move that hasn't been moved yet.
      const movable = (b: SimBooking) =>
        !b.rescheduledToUid && (b.status === "accepted" || b.requestReschedule);
      if (!movable(old)) {
        throw conflict(`Booking ${uid} is ${old.status} and can't be rescheduled.`);
      }
      const end = checkTimes(newStart, old.length);
      await assertFree(old.organizer.email, newStart, end, uid);
      const by = options.by ?? "attendee";
      const rescheduledBy =
        by === "organizer" ? old.organizer.email : (old.attendees[0]?.email ?? null);
      const newUid = simCalcomUid();
      const at = now().toISOString();
      const moved = await transition(uid, movable, (b) => ({
        ...b,
        status: "cancelled",
        rescheduled: true,
        rescheduledToUid: newUid,
        rescheduledBy,
      }));
      if (!moved.changed) throw conflict(`Booking ${uid} was rescheduled meanwhile.`);
      const created: SimBooking = {
        ...old,
        id: await nextNumber("booking"),
        uid: newUid,
        startTime: newStart.toISOString(),
        endTime: end.toISOString(),
        status: "accepted",
        createdAt: at,
        updatedAt: at,
        attendees: old.attendees.map((a) => ({ ...a, noShow: false })),
        videoCallUrl: `https://app.cal.com/video/${newUid}`,
        iCalSequence: old.iCalSequence + 1,
        requestReschedule: false,
        rescheduled: false,
        fromReschedule: old.uid,
        rescheduledToUid: null,
        cancellationReason: null,
        cancelledBy: null,
        rescheduledBy,
      };
      await store.put(KIND.booking, newUid, created);
      await deliver(calcomBookingRescheduled(created, old, now(), options.reason ?? null));
      return created;
    },

    async cancelAsAttendee(uid, reason) {
      const result = await cancel(uid, { by: "attendee", reason, requestReschedule: false });
      if (!result.changed) throw conflict(`Booking ${uid} is already cancelled.`);
      return result.booking;
    },

    async requestReschedule(uid, reason = null) {
      const result = await cancel(uid, { by: "organizer", reason, requestReschedule: true });
      if (!result.changed) throw conflict(`Booking ${uid} is already cancelled.`);
      return result.booking;
    },

    async markNoShow(uid, noShow) {
      const { booking } = await transition(uid, isLive, (b) => ({
        ...b,
        attendees: b.attendees.map((a) => ({ ...a, noShow })),
      }));
      if (!isLive(booking)) throw conflict(`Booking ${uid} is cancelled.`);
      // Cal.com sends the update whenever the host saves, even when nothing changed.
      await deliver(calcomNoShowUpdated(booking, booking.attendees, now()));
      return booking;
    },

    async endMeeting(uid) {
      const booking = await load(uid);
      if (!isLive(booking)) throw conflict(`Booking ${uid} is cancelled.`);
      await deliver(calcomMeetingBody("MEETING_ENDED", booking));
      return booking;
    },
  };
}
