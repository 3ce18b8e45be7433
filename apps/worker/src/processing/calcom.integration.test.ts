import { findConsultationIdByBookingUid, listRefunds } from "@an/db";
import {
  useTestDatabase,
  CLIENT,
  ADVISOR,
  consultationRow,
  heldFor,
  incidents,
  queuedJobs,
  seedParties,
} from "@an/db/testing";
import { sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import {
  addMinutes,
  book,
  bookAndPay,
  calcomBooking,
  calcomEnvelope,
  checkoutSessionObject,
  deliver,
  insertIntent,
  MEETING_END,
  MEETING_START,
  newUid,
  openCheckout,
  processDelivery,
  storeDelivery,
  stripeEvent,
  T0,
  world,
  type World,
} from "./testing/fixtures";

const t = useTestDatabase((db) => seedParties(db.db));
let w: World;
beforeEach(() => {
  w = world(t.db);
});

const created = (uid: string, token: string | null, extra?: Record<string, unknown>) =>
  calcomEnvelope("BOOKING_CREATED", calcomBooking({ uid, token, ...extra }));

describe("BOOKING_CREATED", () => {
  it("turns a valid booking into a consultation awaiting payment and queues its checkout", async () => {
    const { token } = await insertIntent(t.db);
    const uid = newUid();
    const r = await deliver(w, "calcom", created(uid, token));
    expect(r.error).toBeNull();
    expect(r.status).toBe("processed");
    expect(r.outcome).toBe("consultation created, awaiting payment");
    const c = await consultationRow(t.db, r.consultationId!);
    expect(c).toMatchObject({ status: "awaiting_payment", booking_uid: uid });
    expect(new Date(c.starts_at).toISOString()).toBe(MEETING_START.toISOString());
    const checkouts = await queuedJobs(t.db, "create_checkout");
    expect(checkouts.map((j) => j.payload.consultationId)).toContain(r.consultationId);
    const timers = await queuedJobs(t.db, "consultation_timer");
    expect(timers).toContainEqual(
      expect.objectContaining({
        key: `consultation:${r.consultationId}:payment_expiry`,
        payload: expect.objectContaining({
          timer: "payment_expiry",
          at: addMinutes(T0, 60).toISOString(),
        }),
      }),
    );
  });

  describe("the client's time zone", () => {
    const zoneOf = async (id: string) =>
      (
        await t.db.execute<{ time_zone: string | null }>(
          sql`select time_zone from users where id = ${id}`,
        )
      )[0]?.time_zone;
    const bookedIn = (uid: string, token: string, timeZone: unknown) =>
      created(uid, token, {
        extra: { attendees: [{ name: "Sam", email: CLIENT.email, timeZone }] },
      });

    it("comes from the Cal.com attendee while it is unknown, audited", async () => {
      await t.db.execute(sql`update users set time_zone = null where id = ${CLIENT.id}`);
      const { token } = await insertIntent(t.db);
      const r = await deliver(w, "calcom", bookedIn(newUid(), token, "Asia/Kolkata"));
      expect(r.status).toBe("processed");
      expect(await zoneOf(CLIENT.id)).toBe("Asia/Kolkata");
      const audit = await t.db.execute<{ actor_label: string; after: unknown }>(
        sql`select actor_label, after from audit_log
            where subject_id = ${CLIENT.id} and action = 'user.time_zone_adopted'`,
      );
      expect(audit).toEqual([
        {
          actor_label: expect.stringMatching(/^webhook:calcom:/),
          after: { timeZone: "Asia/Kolkata" },
        },
      ]);
    });

    it("never overwrites a zone the client already has", async () => {
      await t.db.execute(
        sql`update users set time_zone = 'America/New_York' where id = ${CLIENT.id}`,
      );
      const { token } = await insertIntent(t.db);
      const r = await deliver(w, "calcom", bookedIn(newUid(), token, "Asia/Tokyo"));
      expect(r.status).toBe("processed");
      expect(await zoneOf(CLIENT.id)).toBe("America/New_York");
    });

    it.each([
      ["an unknown zone", "Mars/Olympus"],
      ["an offset", "+05:30"],
      ["no zone at all", null],
      ["a zone that isn't a string", 42],
    ])(
      "stays unknown when the attendee has %s, and the booking still goes through",
      async (_n, zone) => {
        await t.db.execute(sql`update users set time_zone = null where id = ${CLIENT.id}`);
        const { token } = await insertIntent(t.db);
        const r = await deliver(w, "calcom", bookedIn(newUid(), token, zone));
        expect(r.outcome).toBe("consultation created, awaiting payment");
        expect(await zoneOf(CLIENT.id)).toBeNull();
      },
    );
  });

  it("is processed once however often it arrives", async () => {
    const { token } = await insertIntent(t.db);
    const uid = newUid();
    const first = await deliver(w, "calcom", created(uid, token));
    const again = await deliver(w, "calcom", created(uid, token));
    const replay = await processDelivery(w, first.id);
    expect(again).toMatchObject({ status: "ignored", outcome: "booking already known" });
    expect(again.consultationId).toBe(first.consultationId);
    expect(replay.status).toBe("ignored");
    const rows = await t.db.execute<{ n: number }>(
      sql`select count(*)::int as n from consultations c join booking_uid_aliases a on a.consultation_id = c.id where a.uid = ${uid}`,
    );
    expect(rows[0]!.n).toBe(1);
  });

  it.each([
    ["no token", null, "booking token missing"],
    [
      "a forged token",
      "v1.7c9e6679-7425-40de-944b-e07fc1f90ae7.9999999999.forgedsignatureforgedsignatureforgedsig",
      "booking token bad signature",
    ],
    ["a malformed token", "hello", "booking token malformed"],
  ])(
    "refuses a booking with %s: incident and cancellation on Cal.com",
    async (_name, token, why) => {
      const uid = newUid();
      const r = await deliver(w, "calcom", created(uid, token));
      expect(r.status).toBe("processed");
      expect(r.outcome).toContain(why);
      expect(await findConsultationIdByBookingUid(t.db, { uid })).toBeNull();
      const found = await incidents(t.db, "booking_token_invalid");
      expect(found.map((i) => i.dedupe_key)).toContain(`booking-token:${uid}`);
      const cancels = await queuedJobs(t.db, "cancel_booking");
      expect(cancels.map((j) => j.payload.bookingUid)).toContain(uid);
      // Cal.com echoes our cancellation: nothing to wait for.
      const echo = await deliver(
        w,
        "calcom",
        calcomEnvelope(
          "BOOKING_CANCELLED",
          calcomBooking({ uid, token, extra: { status: "CANCELLED", cancelledBy: ADVISOR.email } }),
        ),
      );
      expect(echo).toMatchObject({ status: "ignored", error: null });
    },
  );

  it("refuses a token that had expired when the booking was made", async () => {
    const { token } = await insertIntent(t.db, { expiresAt: addMinutes(T0, -1) });
    const uid = newUid();
    const r = await deliver(w, "calcom", created(uid, token));
    expect(r.outcome).toContain("booking token expired");
    expect(await findConsultationIdByBookingUid(t.db, { uid })).toBeNull();
  });

  it("accepts a token valid when Cal.com reported the booking, even if processed after it expired", async () => {
    const { token } = await insertIntent(t.db, { expiresAt: addMinutes(T0, 5) });
    const uid = newUid();
    const id = await storeDelivery(t.db, "calcom", created(uid, token));
    w.clock.now = addMinutes(T0, 30);
    const r = await processDelivery(w, id);
    expect(r.status).toBe("processed");
    expect(r.consultationId).not.toBeNull();
  });

  it("refuses a booking whose length isn't the quoted one", async () => {
    const { token } = await insertIntent(t.db, { durationMinutes: 30 });
    const uid = newUid();
    const r = await deliver(w, "calcom", created(uid, token));
    expect(r.outcome).toContain("booked 60 minutes but the quote was for 30");
    expect(await findConsultationIdByBookingUid(t.db, { uid })).toBeNull();
  });

  it("refuses a token used to book another advisor's event type", async () => {
    await t.db.execute(
      sql`update advisors set calcom_event_type = 'amira/consultation' where user_id = ${ADVISOR.id}`,
    );
    const { token } = await insertIntent(t.db);
    const elsewhere = newUid();
    const refused = await deliver(
      w,
      "calcom",
      calcomEnvelope(
        "BOOKING_CREATED",
        calcomBooking({
          uid: elsewhere,
          token,
          extra: {
            type: "consultation",
            organizer: {
              id: 8,
              name: "Lucas",
              username: "lucas",
              email: "lucas@demo.advisor.network",
            },
          },
        }),
      ),
    );
    expect(refused.outcome).toContain("token was prepared for amira/consultation");
    expect(await findConsultationIdByBookingUid(t.db, { uid: elsewhere })).toBeNull();
    const own = newUid();
    const accepted = await deliver(
      w,
      "calcom",
      calcomEnvelope(
        "BOOKING_CREATED",
        calcomBooking({
          uid: own,
          token,
          extra: {
            type: "consultation",
            organizer: { id: 7, name: "Amira", username: "Amira", email: ADVISOR.email },
          },
        }),
      ),
    );
    expect(accepted.status).toBe("processed");
    expect(await findConsultationIdByBookingUid(t.db, { uid: own })).not.toBeNull();
  });

  /** A BOOKING_CREATED payload as Cal.com sends it (2021-10-20), for one event type. */
  const realShaped = (input: {
    uid: string;
    token: string;
    eventTypeId: number;
    slug: string;
    organizer: { id: number; name: string; username: string; email: string };
  }) =>
    calcomEnvelope("BOOKING_CREATED", {
      type: input.slug,
      title: `Consultation between ${input.organizer.name} and Sam`,
      description: "",
      additionalNotes: "",
      customInputs: {},
      startTime: MEETING_START.toISOString(),
      endTime: MEETING_END.toISOString(),
      organizer: {
        ...input.organizer,
        timeZone: "Africa/Cairo",
        language: { locale: "ar" },
        timeFormat: "h:mma",
        utcOffset: 120,
      },
      responses: {
        name: { label: "your_name", value: "Sam Carter", isHidden: false },
        email: { label: "email_address", value: CLIENT.email, isHidden: false },
      },
      userFieldsResponses: {},
      attendees: [
        {
          email: CLIENT.email,
          name: "Sam Carter",
          firstName: "Sam",
          lastName: "Carter",
          timeZone: "America/New_York",
          language: { locale: "en" },
          utcOffset: -300,
        },
      ],
      location: "integrations:daily",
      destinationCalendar: null,
      hideCalendarNotes: false,
      requiresConfirmation: false,
      eventTypeId: input.eventTypeId,
      seatsShowAttendees: true,
      seatsPerTimeSlot: null,
      schedulingType: null,
      iCalUID: `${input.uid}@Cal.com`,
      iCalSequence: 0,
      uid: input.uid,
      bookingId: 100,
      metadata: {
        bookingToken: input.token,
        videoCallUrl: `https://app.cal.com/video/${input.uid}`,
      },
      eventTitle: "Consultation",
      eventDescription: null,
      price: 0,
      currency: "usd",
      length: 60,
      bookerUrl: "https://cal.com",
      status: "ACCEPTED",
    });
  /** Runs `fn` with the advisor's event type set to `setting`, then puts the old one back. */
  const withEventType = async (setting: string, fn: () => Promise<void>) => {
    const [before] = await t.db.execute<{ calcom_event_type: string | null }>(
      sql`select calcom_event_type from advisors where user_id = ${ADVISOR.id}`,
    );
    await t.db.execute(
      sql`update advisors set calcom_event_type = ${setting} where user_id = ${ADVISOR.id}`,
    );
    try {
      await fn();
    } finally {
      await t.db.execute(
        sql`update advisors set calcom_event_type = ${before!.calcom_event_type} where user_id = ${ADVISOR.id}`,
      );
    }
  };
  const amiraOrganizer = { id: 7, name: "Amira", username: "amira", email: ADVISOR.email };
  const lucasOrganizer = {
    id: 8,
    name: "Lucas",
    username: "lucas",
    email: "lucas@demo.advisor.network",
  };

  it.each([
    ["Cal.com's numeric event type id", "48213"],
    ["the event type's username/slug", "amira/consultation"],
    ["the event type's booking URL", "https://cal.com/amira/consultation"],
  ])(
    "an advisor who set %s is booked; the token on another event type is refused",
    (_name, setting) =>
      withEventType(setting, async () => {
        const { token } = await insertIntent(t.db);
        const elsewhere = newUid();
        const refused = await deliver(
          w,
          "calcom",
          realShaped({
            uid: elsewhere,
            token,
            eventTypeId: 51234,
            slug: "60min",
            organizer: lucasOrganizer,
          }),
        );
        expect(refused.outcome).toContain(`the token was prepared for`);
        expect(await findConsultationIdByBookingUid(t.db, { uid: elsewhere })).toBeNull();

        const own = newUid();
        const accepted = await deliver(
          w,
          "calcom",
          realShaped({
            uid: own,
            token,
            eventTypeId: 48213,
            slug: "consultation",
            organizer: amiraOrganizer,
          }),
        );
        expect(accepted).toMatchObject({
          status: "processed",
          outcome: "consultation created, awaiting payment",
          error: null,
        });
        expect(await findConsultationIdByBookingUid(t.db, { uid: own })).toBe(
          accepted.consultationId,
        );
        const found = await incidents(t.db, "booking_token_invalid");
        expect(found.map((i) => i.dedupe_key)).not.toContain(`booking-token:${own}`);
        const cancels = await queuedJobs(t.db, "cancel_booking");
        expect(cancels.map((j) => j.payload.bookingUid)).not.toContain(own);
      }),
  );

  it("a numeric event type is matched on eventTypeId, not on the organizer's username/slug", () =>
    withEventType("48213", async () => {
      const { token } = await insertIntent(t.db);
      // Amira's username and slug, but another of her event types: not the one she set.
      const refused = await deliver(
        w,
        "calcom",
        realShaped({
          uid: newUid(),
          token,
          eventTypeId: 48214,
          slug: "consultation",
          organizer: amiraOrganizer,
        }),
      );
      expect(refused.outcome).toContain(
        "booked event type 48214 but the token was prepared for event type 48213",
      );
    }));

  it("refuses a second booking with the same token", async () => {
    const first = await book(w);
    const uid = newUid();
    const r = await deliver(w, "calcom", created(uid, first.token));
    expect(r.status).toBe("processed");
    expect(r.outcome).toContain("already used");
    const reused = await incidents(t.db, "booking_token_reused");
    expect(reused[0]).toMatchObject({
      dedupe_key: `booking-token:${uid}`,
      consultation_id: first.consultationId,
    });
    expect((await queuedJobs(t.db, "cancel_booking")).map((j) => j.payload.bookingUid)).toContain(
      uid,
    );
    expect((await consultationRow(t.db, first.consultationId)).status).toBe("awaiting_payment");
  });
});

describe("BOOKING_REQUESTED and confirmed reschedule requests", () => {
  it("a plain request waits for the host", async () => {
    const uid = newUid();
    const r = await deliver(
      w,
      "calcom",
      calcomEnvelope("BOOKING_REQUESTED", calcomBooking({ uid, token: null })),
    );
    expect(r).toMatchObject({ status: "processed", outcome: "awaiting host confirmation" });
  });

  it("a reschedule needing confirmation moves the consultation when the host confirms (CREATED without rescheduleUid)", async () => {
    const b = await bookAndPay(w);
    const newUidValue = newUid();
    const start = new Date("2026-03-06T15:00:00.000Z");
    const end = addMinutes(start, 60);
    const requested = await deliver(
      w,
      "calcom",
      calcomEnvelope(
        "BOOKING_REQUESTED",
        calcomBooking({
          uid: newUidValue,
          token: b.token,
          start,
          end,
          extra: { status: "PENDING", rescheduleUid: b.uid },
        }),
      ),
    );
    expect(requested).toMatchObject({ status: "processed", consultationId: b.consultationId });
    expect(requested.details).toEqual({ rescheduleOf: b.uid, uid: newUidValue });
    const confirmed = await deliver(w, "calcom", created(newUidValue, b.token, { start, end }));
    expect(confirmed.status).toBe("processed");
    expect(confirmed.consultationId).toBe(b.consultationId);
    const c = await consultationRow(t.db, b.consultationId);
    expect(c.status).toBe("confirmed");
    expect(c.booking_uid).toBe(newUidValue);
    expect(new Date(c.starts_at).toISOString()).toBe(start.toISOString());
    // No token-reuse incident: it was recognised as the same booking, moved.
    expect((await incidents(t.db)).map((i) => i.dedupe_key)).not.toContain(
      `booking-token:${newUidValue}`,
    );
  });
});

describe("BOOKING_RESCHEDULED", () => {
  const rescheduled = (uid: string, from: string, start: Date) =>
    calcomEnvelope(
      "BOOKING_RESCHEDULED",
      calcomBooking({
        uid,
        token: null,
        start,
        end: addMinutes(start, 60),
        extra: { rescheduleUid: from },
      }),
    );

  it("moves the consultation to the new time and uid, keeping the old uid as an alias", async () => {
    const b = await bookAndPay(w);
    const next = newUid();
    const start = new Date("2026-03-07T12:00:00.000Z");
    const r = await deliver(w, "calcom", rescheduled(next, b.uid, start));
    expect(r.status).toBe("processed");
    const c = await consultationRow(t.db, b.consultationId);
    expect(c.booking_uid).toBe(next);
    expect(new Date(c.ends_at).toISOString()).toBe(addMinutes(start, 60).toISOString());
    expect(await findConsultationIdByBookingUid(t.db, { uid: b.uid })).toBe(b.consultationId);
    expect(await findConsultationIdByBookingUid(t.db, { uid: next })).toBe(b.consultationId);
    const timers = await queuedJobs(t.db, "consultation_timer");
    const end = timers.filter((j) => j.key === `consultation:${b.consultationId}:scheduled_end`);
    expect(end).toHaveLength(1);
    expect(end[0]!.payload.at).toBe(addMinutes(start, 60).toISOString());
    // Cal.com's cancellation of the old half changes nothing; neither does the old uid later.
    const oldHalf = await deliver(
      w,
      "calcom",
      calcomEnvelope(
        "BOOKING_CANCELLED",
        calcomBooking({
          uid: b.uid,
          token: b.token,
          extra: { rescheduled: true, status: "CANCELLED" },
        }),
      ),
    );
    expect(oldHalf).toMatchObject({ status: "ignored", outcome: "old half of a reschedule" });
    const stale = await deliver(
      w,
      "calcom",
      calcomEnvelope(
        "BOOKING_CANCELLED",
        calcomBooking({ uid: b.uid, token: b.token, extra: { status: "CANCELLED" } }),
      ),
    );
    expect(stale.status).toBe("ignored");
    expect((await consultationRow(t.db, b.consultationId)).status).toBe("confirmed");
    // A replay of the same reschedule is a no-op.
    const replay = await deliver(w, "calcom", rescheduled(next, b.uid, start));
    expect(replay.status).toBe("ignored");
  });

  it("arriving before the booking it moves: deferred, then applied once the booking is known and paid", async () => {
    const { token } = await insertIntent(t.db);
    const original = newUid();
    const next = newUid();
    const start = new Date("2026-03-08T12:00:00.000Z");
    const early = await storeDelivery(t.db, "calcom", rescheduled(next, original, start));
    const first = await processDelivery(w, early);
    expect(first.status).toBe("deferred");
    expect(first.error?.message).toMatch(/^deferred: /);

    const r = await deliver(w, "calcom", created(original, token));
    // Known now, but not paid: still waiting (a reschedule applies to a confirmed booking).
    const second = await processDelivery(w, early, 2);
    expect(second.status).toBe("deferred");
    expect(second.consultationId).toBe(r.consultationId);

    const { paymentId, sessionId } = await openCheckout(w, r.consultationId!);
    await deliver(
      w,
      "stripe",
      stripeEvent(
        "checkout.session.completed",
        checkoutSessionObject({ sessionId, consultationId: r.consultationId!, paymentId }),
      ),
    );
    const third = await processDelivery(w, early, 3);
    expect(third).toMatchObject({ status: "processed", error: null });
    expect((await consultationRow(t.db, r.consultationId!)).booking_uid).toBe(next);
  });

  it("a delivery still deferred at its last attempt is marked failed for an admin to replay", async () => {
    const id = await storeDelivery(t.db, "calcom", rescheduled(newUid(), newUid(), MEETING_START));
    const r = await processDelivery(w, id, 20);
    expect(r.error).toBeNull();
    expect(r.status).toBe("failed");
    expect(r.outcome).toMatch(/^gave up waiting: /);
  });
});

describe("BOOKING_CANCELLED and BOOKING_REJECTED", () => {
  const cancelled = (uid: string, token: string, extra: Record<string, unknown>) =>
    calcomEnvelope(
      "BOOKING_CANCELLED",
      calcomBooking({ uid, token, extra: { status: "CANCELLED", ...extra } }),
    );

  it("the client cancelling more than a day ahead gets a full refund", async () => {
    const b = await bookAndPay(w);
    const r = await deliver(
      w,
      "calcom",
      cancelled(b.uid, b.token, { cancelledBy: CLIENT.email, cancellationReason: "Can't make it" }),
    );
    expect(r.status).toBe("processed");
    expect(r.outcome).toContain("cancelled by the client");
    expect((await consultationRow(t.db, b.consultationId)).status).toBe("cancelled");
    const refunds = await listRefunds(t.db, { consultationId: b.consultationId });
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({
      amount: 12_000,
      status: "pending",
      reason: "Can't make it",
    });
    expect((await queuedJobs(t.db, "refund_payment")).map((j) => j.payload.refundId)).toContain(
      refunds[0]!.id,
    );
    expect(await heldFor(t.db, b.consultationId)).toBe(0);
  });

  it("the organizer cancelling is the advisor: a full refund even late", async () => {
    const b = await bookAndPay(w);
    w.clock.now = addMinutes(MEETING_START, -60);
    await deliver(
      w,
      "calcom",
      cancelled(b.uid, b.token, { cancelledBy: ADVISOR.email.toUpperCase() }),
    );
    const refunds = await listRefunds(t.db, { consultationId: b.consultationId });
    expect(refunds[0]?.amount).toBe(12_000);
  });

  it("an unknown canceller is treated as the client: an hour before start refunds nothing", async () => {
    const b = await bookAndPay(w);
    w.clock.now = addMinutes(MEETING_START, -60);
    const r = await deliver(
      w,
      "calcom",
      cancelled(b.uid, b.token, { cancelledBy: "someone@else.example" }),
    );
    expect(r.outcome).toContain("cancelled by the client");
    expect(await listRefunds(t.db, { consultationId: b.consultationId })).toHaveLength(0);
    expect(await heldFor(t.db, b.consultationId)).toBe(0);
  });

  it("a host's reschedule request is not a cancellation: the payment stays held", async () => {
    const b = await bookAndPay(w);
    const r = await deliver(
      w,
      "calcom",
      cancelled(b.uid, b.token, { cancelledBy: ADVISOR.email, requestReschedule: true }),
    );
    expect(r.outcome).toContain("host requested a reschedule");
    expect((await consultationRow(t.db, b.consultationId)).status).toBe("reschedule_requested");
    expect(await listRefunds(t.db, { consultationId: b.consultationId })).toHaveLength(0);
    expect(await heldFor(t.db, b.consultationId)).toBe(12_000);
  });

  it("a cancellation of an unpaid booking cancels it and closes its checkout", async () => {
    const b = await book(w);
    const { paymentId } = await openCheckout(w, b.consultationId);
    await deliver(w, "calcom", cancelled(b.uid, b.token, { cancelledBy: CLIENT.email }));
    expect((await consultationRow(t.db, b.consultationId)).status).toBe("cancelled");
    expect((await queuedJobs(t.db, "expire_checkout")).map((j) => j.payload.paymentId)).toContain(
      paymentId,
    );
  });

  it("Cal.com echoing a cancellation we already applied is ignored, not an error", async () => {
    const b = await bookAndPay(w);
    await deliver(w, "calcom", cancelled(b.uid, b.token, { cancelledBy: CLIENT.email }));
    const echo = await deliver(
      w,
      "calcom",
      cancelled(b.uid, b.token, { cancelledBy: ADVISOR.email, cancellationReason: "again" }),
    );
    expect(echo).toMatchObject({ status: "ignored", error: null });
    expect(await listRefunds(t.db, { consultationId: b.consultationId })).toHaveLength(1);
  });

  it("a cancellation arriving before the booking waits for it", async () => {
    const { token } = await insertIntent(t.db);
    const uid = newUid();
    const early = await storeDelivery(
      t.db,
      "calcom",
      cancelled(uid, token, { cancelledBy: CLIENT.email }),
    );
    expect((await processDelivery(w, early)).status).toBe("deferred");
    const r = await deliver(w, "calcom", created(uid, token));
    const retry = await processDelivery(w, early, 2);
    expect(retry).toMatchObject({ status: "processed", consultationId: r.consultationId });
    expect((await consultationRow(t.db, r.consultationId!)).status).toBe("cancelled");
  });

  it("a rejection cancels a known booking as the advisor and ignores an unknown one", async () => {
    const unknown = await deliver(
      w,
      "calcom",
      calcomEnvelope(
        "BOOKING_REJECTED",
        calcomBooking({ uid: newUid(), token: null, extra: { status: "REJECTED" } }),
      ),
    );
    expect(unknown).toMatchObject({ status: "ignored", error: null });
    const b = await book(w);
    const r = await deliver(
      w,
      "calcom",
      calcomEnvelope(
        "BOOKING_REJECTED",
        calcomBooking({
          uid: b.uid,
          token: b.token,
          extra: { status: "REJECTED", rejectionReason: "busy" },
        }),
      ),
    );
    expect(r.outcome).toContain("cancelled by the advisor");
    expect((await consultationRow(t.db, b.consultationId)).status).toBe("cancelled");
  });
});

describe("BOOKING_NO_SHOW_UPDATED and MEETING_ENDED", () => {
  const noShow = (uid: string, attendees: { email: string; noShow: boolean }[]) =>
    calcomEnvelope("BOOKING_NO_SHOW_UPDATED", {
      message: "x marked as no-show",
      bookingUid: uid,
      attendees,
    });
  const meetingEnded = (uid: string, token: string) => ({
    triggerEvent: "MEETING_ENDED",
    id: 100,
    uid,
    startTime: MEETING_START.toISOString(),
    endTime: MEETING_END.toISOString(),
    createdAt: T0.toISOString(),
    status: "ACCEPTED",
    metadata: { bookingToken: token },
    attendees: [{ email: CLIENT.email, noShow: false }],
  });

  it("a no-show reported before the meeting is over waits; after it ends it is applied", async () => {
    const b = await bookAndPay(w);
    const id = await storeDelivery(
      t.db,
      "calcom",
      noShow(b.uid, [{ email: CLIENT.email, noShow: true }]),
    );
    w.clock.now = addMinutes(MEETING_START, 10);
    expect((await processDelivery(w, id)).status).toBe("deferred");

    w.clock.now = addMinutes(MEETING_END, 1);
    const ended = await deliver(w, "calcom", meetingEnded(b.uid, b.token));
    expect(ended).toMatchObject({ status: "processed", consultationId: b.consultationId });
    expect((await consultationRow(t.db, b.consultationId)).status).toBe("completed");

    const retry = await processDelivery(w, id, 2);
    expect(retry.status).toBe("processed");
    expect((await consultationRow(t.db, b.consultationId)).status).toBe("no_show_client");
    const again = await deliver(
      w,
      "calcom",
      noShow(b.uid, [{ email: CLIENT.email, noShow: true }]),
    );
    expect(again.status).toBe("ignored");
  });

  it("an unmark is left to admins", async () => {
    const r = await deliver(
      w,
      "calcom",
      noShow(newUid(), [{ email: CLIENT.email, noShow: false }]),
    );
    expect(r.status).toBe("ignored");
    expect(r.outcome).toContain("an unmark is for admins");
  });

  it("MEETING_ENDED is a clock signal: too early or for someone else's booking it is ignored", async () => {
    const b = await bookAndPay(w);
    const early = await deliver(w, "calcom", meetingEnded(b.uid, b.token));
    expect(early.status).toBe("ignored");
    expect((await consultationRow(t.db, b.consultationId)).status).toBe("confirmed");
    const foreign = await deliver(w, "calcom", { ...meetingEnded(newUid(), "x"), metadata: {} });
    expect(foreign).toMatchObject({
      status: "ignored",
      outcome: "not a marketplace booking (no booking token)",
    });
  });
});

describe("deliveries that can't be processed", () => {
  it("a trigger we don't act on is ignored", async () => {
    const r = await deliver(w, "calcom", calcomEnvelope("RECORDING_READY", { uid: newUid() }));
    expect(r).toMatchObject({ status: "ignored", outcome: "RECORDING_READY is not acted on" });
  });

  it("a purged body or an unreadable payload fails, for an admin to look at", async () => {
    const id = await storeDelivery(t.db, "calcom", created(newUid(), null));
    await t.db.execute(
      sql`update webhook_events set body = null, body_purged_at = now() where id = ${id}`,
    );
    expect(await processDelivery(w, id)).toMatchObject({
      status: "failed",
      outcome: "body purged: nothing left to process",
    });
    const bad = await deliver(
      w,
      "calcom",
      calcomEnvelope("BOOKING_CREATED", { uid: newUid(), startTime: "soon" }),
    );
    expect(bad.status).toBe("failed");
    expect(bad.outcome).toContain("unreadable calcom event");
  });
});
