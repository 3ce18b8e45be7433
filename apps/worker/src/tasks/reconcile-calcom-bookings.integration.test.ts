import type { SchedulingBooking } from "@an/billing";
import { findConsultationIdByBookingUid, listRefunds } from "@an/db";
import {
  useTestDatabase,
  consultationRow,
  incidents,
  queuedJobs,
  seedParties,
} from "@an/db/testing";
import { beforeEach, describe, expect, it } from "vitest";
import {
  bookAndPay,
  calcomBooking,
  calcomEnvelope,
  deliver,
  insertIntent,
  jobHelpers,
  MEETING_END,
  MEETING_START,
  newUid,
  world,
  type World,
} from "../processing/testing/fixtures";

const t = useTestDatabase((db) => seedParties(db.db));
let w: World;
beforeEach(() => {
  w = world(t.db);
});
const helpers = jobHelpers();

const booking = (b: Partial<SchedulingBooking> & { uid: string }): SchedulingBooking => ({
  status: "accepted",
  startTime: MEETING_START,
  endTime: MEETING_END,
  eventTypeId: 123,
  metadata: {},
  attendees: [{ email: "sam@demo.advisor.network", name: "Sam", timeZone: null }],
  rescheduledFromUid: null,
  ...b,
});

describe("reconcile_calcom_bookings", () => {
  it("creates the consultation a lost BOOKING_CREATED would have; the late webhook is then a no-op", async () => {
    const { token } = await insertIntent(t.db);
    const uid = newUid();
    w.scheduling.bookings = [booking({ uid, metadata: { bookingToken: token } })];
    await w.handlers.reconcile_calcom_bookings({}, helpers);
    const id = await findConsultationIdByBookingUid(t.db, { uid });
    expect(id).not.toBeNull();
    expect((await consultationRow(t.db, id!)).status).toBe("awaiting_payment");
    expect(
      (await queuedJobs(t.db, "create_checkout")).map((j) => j.payload.consultationId),
    ).toContain(id);
    // Running again changes nothing; the webhook arriving late finds the booking known.
    await w.handlers.reconcile_calcom_bookings({}, helpers);
    const late = await deliver(
      w,
      "calcom",
      calcomEnvelope("BOOKING_CREATED", calcomBooking({ uid, token })),
    );
    expect(late).toMatchObject({ status: "ignored", consultationId: id });
  });

  it("refuses a booking with a forged token and leaves bookings without one alone", async () => {
    const forged = newUid();
    const foreign = newUid();
    w.scheduling.bookings = [
      booking({ uid: forged, metadata: { bookingToken: "v1.nope" } }),
      booking({ uid: foreign }),
    ];
    await w.handlers.reconcile_calcom_bookings({}, helpers);
    expect((await incidents(t.db, "booking_token_invalid")).map((i) => i.dedupe_key)).toContain(
      `booking-token:${forged}`,
    );
    const cancels = (await queuedJobs(t.db, "cancel_booking")).map((j) => j.payload.bookingUid);
    expect(cancels).toContain(forged);
    expect(cancels).not.toContain(foreign);
    expect(await findConsultationIdByBookingUid(t.db, { uid: foreign })).toBeNull();
  });

  it("applies a cancellation whose webhook never came, but not to the old half of a reschedule", async () => {
    const cancelled = await bookAndPay(w);
    const moved = await bookAndPay(w);
    const newUidValue = newUid();
    w.scheduling.bookings = [
      booking({
        uid: cancelled.uid,
        status: "cancelled",
        metadata: { bookingToken: cancelled.token },
      }),
      booking({ uid: moved.uid, status: "cancelled", metadata: { bookingToken: moved.token } }),
      booking({
        uid: newUidValue,
        startTime: new Date("2026-03-09T10:00:00.000Z"),
        endTime: new Date("2026-03-09T11:00:00.000Z"),
        metadata: { bookingToken: moved.token },
        rescheduledFromUid: moved.uid,
      }),
    ];
    await w.handlers.reconcile_calcom_bookings({}, helpers);
    expect((await consultationRow(t.db, cancelled.consultationId)).status).toBe("cancelled");
    expect(await listRefunds(t.db, { consultationId: cancelled.consultationId })).toHaveLength(1);
    const m = await consultationRow(t.db, moved.consultationId);
    expect(m).toMatchObject({ status: "confirmed", booking_uid: newUidValue });
    expect(new Date(m.starts_at).toISOString()).toBe("2026-03-09T10:00:00.000Z");
    expect(await listRefunds(t.db, { consultationId: moved.consultationId })).toHaveLength(0);
    // The late cancellation webhook is a duplicate of what reconciliation applied.
    const late = await deliver(
      w,
      "calcom",
      calcomEnvelope(
        "BOOKING_CANCELLED",
        calcomBooking({
          uid: cancelled.uid,
          token: cancelled.token,
          extra: { status: "CANCELLED" },
        }),
      ),
    );
    expect(late.status).toBe("ignored");
  });

  it("leaves a consultation whose host asked for a new time alone (Cal.com shows it cancelled)", async () => {
    const b = await bookAndPay(w);
    await deliver(
      w,
      "calcom",
      calcomEnvelope(
        "BOOKING_CANCELLED",
        calcomBooking({
          uid: b.uid,
          token: b.token,
          extra: { status: "CANCELLED", requestReschedule: true },
        }),
      ),
    );
    w.scheduling.bookings = [
      booking({ uid: b.uid, status: "cancelled", metadata: { bookingToken: b.token } }),
    ];
    await w.handlers.reconcile_calcom_bookings({}, helpers);
    expect((await consultationRow(t.db, b.consultationId)).status).toBe("reschedule_requested");
    expect(await listRefunds(t.db, { consultationId: b.consultationId })).toHaveLength(0);
  });
});
