import { beforeEach, describe, expect, it } from "vitest";
import { parseBillingEnv, resolveBillingConfig } from "../config";
import { ProviderRejectedError } from "../ports";
import { signCalcomPayload, verifyCalcomSignature } from "../webhooks/signatures";
import { utcOffsetMinutes } from "./calcom-events";
import {
  createSimulatedScheduling,
  type SimCreateBookingInput,
  type SimulatedScheduling,
} from "./scheduling";
import { memorySimStore } from "./store";

const config = resolveBillingConfig(parseBillingEnv({ PUBLIC_API_URL: "http://api.test" }), {
  production: false,
  defaultApiUrl: "http://unused",
});

let clock: Date;
let sent: { provider: string; body: string }[];
let scheduling: SimulatedScheduling;

beforeEach(() => {
  clock = new Date("2030-01-10T10:00:00.000Z");
  sent = [];
  scheduling = createSimulatedScheduling(config, {
    store: memorySimStore(),
    deliver: (provider, body) => {
      sent.push({ provider, body });
      return Promise.resolve();
    },
    now: () => clock,
  });
});

const amira = {
  key: "demo|advisor-amira",
  name: "Amira Haddad",
  email: "amira@demo.advisor.network",
  timeZone: "Europe/Paris",
  locale: "ar-EG",
};
const start = new Date("2030-01-12T09:00:00.000Z");

function bookingInput(overrides: Partial<SimCreateBookingInput> = {}): SimCreateBookingInput {
  return {
    eventType: "amira/consultation",
    token: "v1.token",
    name: "Sam Carter",
    email: "sam@demo.advisor.network",
    timeZone: "America/New_York",
    locale: "en",
    startTime: start,
    durationMinutes: 60,
    organizer: amira,
    ...overrides,
  };
}

type Body = Record<string, unknown> & {
  triggerEvent: string;
  createdAt?: string;
  payload?: Record<string, unknown>;
};

/** Every body sent so far, after checking its Cal.com signature as our route does. */
function bodies(): Body[] {
  return sent.map(({ provider, body }) => {
    expect(provider).toBe("calcom");
    const header = signCalcomPayload(body, config.calcom.webhookSecrets[0]!);
    expect(verifyCalcomSignature(Buffer.from(body), header, config.calcom.webhookSecrets)).toEqual({
      ok: true,
    });
    return JSON.parse(body) as Body;
  });
}

function take(): Body[] {
  const list = bodies();
  sent = [];
  return list;
}

const rejection = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderRejectedError);
  return (error as ProviderRejectedError).code;
};

describe("booking links", () => {
  it("point at the simulated booking page with the token in metadata and the client prefilled", () => {
    const url = new URL(
      scheduling.bookingUrl({
        eventType: "amira/consultation",
        bookingToken: "v1.abc.123.sig",
        name: "Sam Carter",
        email: "sam@demo.advisor.network",
      }),
    );
    expect(url.origin + url.pathname).toBe("http://api.test/sim/book/amira%2Fconsultation");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      "metadata[bookingToken]": "v1.abc.123.sig",
      name: "Sam Carter",
      email: "sam@demo.advisor.network",
    });
  });
});

describe("bookings", () => {
  it("booking sends a signed BOOKING_CREATED in the 2021-10-20 envelope", async () => {
    const booking = await scheduling.createBooking(bookingInput());
    const [body, ...rest] = take();
    expect(rest).toEqual([]);
    expect(Object.keys(body!).sort()).toEqual(["createdAt", "payload", "triggerEvent"]);
    expect(body).toMatchObject({
      triggerEvent: "BOOKING_CREATED",
      createdAt: clock.toISOString(),
      payload: {
        uid: booking.uid,
        bookingId: booking.id,
        eventTypeId: expect.any(Number),
        type: "consultation",
        title: "Consultation between Amira Haddad and Sam Carter",
        startTime: "2030-01-12T09:00:00.000Z",
        endTime: "2030-01-12T10:00:00.000Z",
        length: 60,
        status: "ACCEPTED",
        organizer: {
          id: expect.any(Number),
          name: "Amira Haddad",
          email: "amira@demo.advisor.network",
          username: "amira",
          timeZone: "Europe/Paris",
          language: { locale: "ar-EG" },
          utcOffset: 60,
        },
        attendees: [
          {
            email: "sam@demo.advisor.network",
            name: "Sam Carter",
            firstName: "Sam",
            lastName: "Carter",
            timeZone: "America/New_York",
            language: { locale: "en" },
            utcOffset: -300,
          },
        ],
        metadata: { bookingToken: "v1.token", videoCallUrl: expect.any(String) },
        responses: {
          name: { value: "Sam Carter" },
          email: { value: "sam@demo.advisor.network" },
        },
      },
    });
    expect(booking.uid).toMatch(/^[2-9A-HJ-NP-Za-km-z]{22}$/);
  });

  it("a booking without a token carries no bookingToken", async () => {
    await scheduling.createBooking(bookingInput({ token: null }));
    const [body] = take();
    expect(body?.payload?.metadata).toEqual({ videoCallUrl: expect.any(String) });
  });

  it("one event type keeps one numeric id, one organizer one user id", async () => {
    const a = await scheduling.createBooking(bookingInput());
    const b = await scheduling.createBooking(
      bookingInput({ startTime: new Date("2030-01-13T09:00:00.000Z") }),
    );
    const c = await scheduling.createBooking(
      bookingInput({
        eventType: "lucas/60min",
        organizer: { ...amira, key: "demo|advisor-lucas", email: "lucas@demo.advisor.network" },
      }),
    );
    expect(b.eventTypeId).toBe(a.eventTypeId);
    expect(b.organizer.id).toBe(a.organizer.id);
    expect(c.eventTypeId).not.toBe(a.eventTypeId);
    expect(c.organizer.id).not.toBe(a.organizer.id);
    expect(new Set([a.id, b.id, c.id]).size).toBe(3);
  });

  it("an event type set by its numeric id is booked as that Cal.com event type: eventTypeId is the id, type a slug", async () => {
    await scheduling.createBooking(bookingInput({ eventType: "48213" }));
    const [body] = take();
    expect(body?.payload).toMatchObject({
      eventTypeId: 48213,
      type: "consultation",
      organizer: expect.objectContaining({ username: "amira-haddad" }) as unknown,
    });
  });

  it("refuses a taken slot, a past start, a bad length and an unknown time zone", async () => {
    await scheduling.createBooking(bookingInput());
    const overlapping = new Date(start.getTime() + 30 * 60_000);
    expect(
      await rejection(scheduling.createBooking(bookingInput({ startTime: overlapping }))),
    ).toBe("slot_unavailable");
    expect(
      await rejection(
        scheduling.createBooking(bookingInput({ startTime: new Date("2030-01-09T09:00:00Z") })),
      ),
    ).toBe("bad_request");
    expect(await rejection(scheduling.createBooking(bookingInput({ durationMinutes: 0 })))).toBe(
      "bad_request",
    );
    expect(
      await rejection(scheduling.createBooking(bookingInput({ timeZone: "Mars/Olympus" }))),
    ).toBe("bad_request");
    // Back to back is fine.
    await scheduling.createBooking(
      bookingInput({ startTime: new Date(start.getTime() + 60 * 60_000) }),
    );
  });
});

describe("reschedules and cancellations", () => {
  it("a reschedule creates a new uid and points back at the old one and its times", async () => {
    const old = await scheduling.createBooking(bookingInput());
    take();
    const moved = await scheduling.rescheduleBooking(
      old.uid,
      new Date("2030-01-14T15:00:00.000Z"),
      { reason: "clash" },
    );
    const [body, ...rest] = take();
    expect(rest).toEqual([]);
    expect(moved.uid).not.toBe(old.uid);
    expect(body).toMatchObject({
      triggerEvent: "BOOKING_RESCHEDULED",
      payload: {
        uid: moved.uid,
        bookingId: moved.id,
        rescheduleUid: old.uid,
        rescheduleId: old.id,
        rescheduleStartTime: old.startTime,
        rescheduleEndTime: old.endTime,
        rescheduledBy: "sam@demo.advisor.network",
        startTime: "2030-01-14T15:00:00.000Z",
        endTime: "2030-01-14T16:00:00.000Z",
        status: "ACCEPTED",
        iCalSequence: 1,
        metadata: { bookingToken: "v1.token" },
        responses: { rescheduleReason: { value: "clash" } },
      },
    });
    expect(await scheduling.getBooking(old.uid)).toMatchObject({
      status: "cancelled",
      rescheduled: true,
      rescheduledToUid: moved.uid,
    });
    expect(moved.fromReschedule).toBe(old.uid);
    // The old slot is free again; the old booking can't be moved twice.
    await scheduling.createBooking(bookingInput({ name: "Diego Ruiz", email: "d@x.test" }));
    expect(await rejection(scheduling.rescheduleBooking(old.uid, start))).toBe("booking_state");
  });

  it("an attendee's cancellation: requestReschedule false, cancelled by the attendee, sent once", async () => {
    const booking = await scheduling.createBooking(bookingInput());
    take();
    await scheduling.cancelAsAttendee(booking.uid, "plans changed");
    expect(await rejection(scheduling.cancelAsAttendee(booking.uid, "again"))).toBe(
      "booking_state",
    );
    await scheduling.cancelBooking({ bookingUid: booking.uid, reason: "already cancelled" });
    const [body, ...rest] = take();
    expect(rest).toEqual([]);
    expect(body).toMatchObject({
      triggerEvent: "BOOKING_CANCELLED",
      payload: {
        uid: booking.uid,
        bookingId: booking.id,
        status: "CANCELLED",
        cancellationReason: "plans changed",
        cancelledBy: "sam@demo.advisor.network",
        requestReschedule: false,
      },
    });
    // As in Cal.com's documented example: no metadata on a cancellation.
    expect(body?.payload).not.toHaveProperty("metadata");
  });

  it("a host's reschedule request, then the attendee picks a new time", async () => {
    const booking = await scheduling.createBooking(bookingInput());
    take();
    await scheduling.requestReschedule(booking.uid, "I'm travelling");
    const moved = await scheduling.rescheduleBooking(booking.uid, new Date("2030-01-15T09:00:00Z"));
    const [cancelled, rescheduled] = take();
    expect(cancelled).toMatchObject({
      triggerEvent: "BOOKING_CANCELLED",
      payload: {
        uid: booking.uid,
        requestReschedule: true,
        cancelledBy: "amira@demo.advisor.network",
        cancellationReason: "I'm travelling",
      },
    });
    expect(rescheduled).toMatchObject({
      triggerEvent: "BOOKING_RESCHEDULED",
      payload: { uid: moved.uid, rescheduleUid: booking.uid },
    });
  });

  it("cancelling through the API is idempotent and unknown uids are not found", async () => {
    const booking = await scheduling.createBooking(bookingInput());
    take();
    await scheduling.cancelBooking({ bookingUid: booking.uid, reason: "token refused" });
    await scheduling.cancelBooking({ bookingUid: booking.uid, reason: "token refused" });
    const list = take();
    expect(list.map((b) => [b.triggerEvent, b.payload?.cancelledBy])).toEqual([
      ["BOOKING_CANCELLED", "amira@demo.advisor.network"],
    ]);
    expect(await rejection(scheduling.cancelBooking({ bookingUid: "nope", reason: "x" }))).toBe(
      "resource_missing",
    );
  });
});

describe("no-shows and meeting end", () => {
  it("BOOKING_NO_SHOW_UPDATED has only its minimal payload", async () => {
    const booking = await scheduling.createBooking(bookingInput());
    take();
    await scheduling.markNoShow(booking.uid, true);
    await scheduling.markNoShow(booking.uid, false);
    const [marked, unmarked] = take();
    expect(marked).toEqual({
      triggerEvent: "BOOKING_NO_SHOW_UPDATED",
      createdAt: clock.toISOString(),
      payload: {
        message: "Sam Carter marked as no-show",
        bookingUid: booking.uid,
        bookingId: booking.id,
        attendees: [{ email: "sam@demo.advisor.network", noShow: true }],
      },
    });
    expect(unmarked?.payload?.attendees).toEqual([
      { email: "sam@demo.advisor.network", noShow: false },
    ]);
  });

  it("MEETING_ENDED is the flat booking row, createdAt being the booking's", async () => {
    const booking = await scheduling.createBooking(bookingInput());
    take();
    clock = new Date("2030-01-12T10:01:00.000Z");
    await scheduling.endMeeting(booking.uid);
    const [body] = take();
    expect(body).not.toHaveProperty("payload");
    expect(body).toMatchObject({
      triggerEvent: "MEETING_ENDED",
      id: booking.id,
      uid: booking.uid,
      createdAt: "2030-01-10T10:00:00.000Z",
      startTime: "2030-01-12T09:00:00.000Z",
      endTime: "2030-01-12T10:00:00.000Z",
      status: "ACCEPTED",
      eventTypeId: booking.eventTypeId,
      metadata: { bookingToken: "v1.token" },
      user: { email: "amira@demo.advisor.network", name: "Amira Haddad", username: "amira" },
      attendees: [{ email: "sam@demo.advisor.network", noShow: false, bookingId: booking.id }],
    });
  });

  it("a cancelled booking can't be marked or ended", async () => {
    const booking = await scheduling.createBooking(bookingInput());
    await scheduling.cancelAsAttendee(booking.uid, null);
    take();
    expect(await rejection(scheduling.markNoShow(booking.uid, true))).toBe("booking_state");
    expect(await rejection(scheduling.endMeeting(booking.uid))).toBe("booking_state");
    expect(sent).toEqual([]);
  });
});

describe("listing", () => {
  it("lists bookings starting in [from, to), latest start first, with reschedule links", async () => {
    const a = await scheduling.createBooking(bookingInput());
    const b = await scheduling.createBooking(
      bookingInput({ startTime: new Date("2030-01-20T09:00:00Z") }),
    );
    const moved = await scheduling.rescheduleBooking(a.uid, new Date("2030-01-16T09:00:00Z"));
    const list = await scheduling.listBookings({
      from: new Date("2030-01-12T09:00:00Z"),
      to: new Date("2030-01-20T09:00:00Z"),
    });
    expect(list.map((x) => [x.uid, x.status, x.rescheduledFromUid])).toEqual([
      [moved.uid, "accepted", a.uid],
      [a.uid, "cancelled", null],
    ]);
    expect(list[0]).toMatchObject({
      eventTypeId: a.eventTypeId,
      metadata: { bookingToken: "v1.token" },
      attendees: [
        { email: "sam@demo.advisor.network", name: "Sam Carter", timeZone: "America/New_York" },
      ],
    });
    expect(list.some((x) => x.uid === b.uid)).toBe(false);
  });
});

describe("utcOffsetMinutes", () => {
  it.each([
    ["Europe/Paris", "2030-01-15T12:00:00Z", 60],
    ["Europe/Paris", "2030-07-15T12:00:00Z", 120],
    ["Asia/Kolkata", "2030-07-15T12:00:00Z", 330],
    ["America/New_York", "2030-07-15T12:00:00Z", -240],
    ["UTC", "2030-07-15T12:00:00Z", 0],
    ["Not/AZone", "2030-07-15T12:00:00Z", 0],
  ])("%s at %s is %i minutes", (zone, at, minutes) => {
    expect(utcOffsetMinutes(zone, new Date(at))).toBe(minutes);
  });
});
