import { describe, expect, it } from "vitest";
import {
  calcomBookingCancelled,
  calcomBookingCreated,
  calcomBookingRescheduled,
  calcomMeetingBody,
  calcomNoShowUpdated,
  type SimBooking,
} from "../simulated/calcom-events";
import * as wire from "./calcom";

const person = {
  name: "Sam Client",
  email: "Sam@Example.com",
  timeZone: "Europe/Paris",
  locale: "en",
};
const booking: SimBooking = {
  id: 41,
  uid: "a2B3c4D5e6F7g8H9j2K3m4",
  eventTypeId: 7,
  eventTypeSlug: "amira/consultation",
  eventTitle: "Consultation",
  title: "Consultation between Amira and Sam",
  length: 60,
  startTime: "2030-01-10T10:00:00.000Z",
  endTime: "2030-01-10T11:00:00.000Z",
  status: "accepted",
  createdAt: "2030-01-09T10:00:00.000Z",
  updatedAt: "2030-01-09T10:00:00.000Z",
  organizer: { id: 3, ...person, name: "Amira H.", email: "amira@example.com", username: "amira" },
  attendees: [{ id: 9, ...person, noShow: false }],
  metadata: { bookingToken: "token" },
  location: "integrations:daily",
  videoCallUrl: "https://app.cal.com/video/a2B3c4D5e6F7g8H9j2K3m4",
  iCalUID: "a2B3c4D5e6F7g8H9j2K3m4@Cal.com",
  iCalSequence: 0,
  requestReschedule: false,
  rescheduled: false,
  fromReschedule: null,
  rescheduledToUid: null,
  cancellationReason: null,
  cancelledBy: null,
  rescheduledBy: null,
};
const now = new Date("2030-01-09T12:00:00.000Z");

describe("Cal.com wire shapes", () => {
  it.each([
    ["BOOKING_CREATED", calcomBookingCreated(booking, now), wire.timedBooking],
    [
      "BOOKING_RESCHEDULED",
      calcomBookingRescheduled({ ...booking, uid: "n2B3c4D5e6F7g8H9j2K3m4" }, booking, now, null),
      wire.timedBooking,
    ],
    [
      "BOOKING_CANCELLED",
      calcomBookingCancelled({ ...booking, status: "cancelled" }, now),
      wire.booking,
    ],
    [
      "BOOKING_NO_SHOW_UPDATED",
      calcomNoShowUpdated(booking, [{ ...person, noShow: true }], now),
      wire.noShow,
    ],
  ] as const)("parse the simulated %s body", (trigger, body, payloadShape) => {
    expect(wire.ingestEnvelope.safeParse(body).success).toBe(true);
    const envelope = wire.envelope.parse(body);
    expect(envelope.triggerEvent).toBe(trigger);
    expect(wire.ingestBooking.safeParse(envelope.payload).success).toBe(true);
    expect(payloadShape.safeParse(envelope.payload).success).toBe(true);
  });

  it("parse the flat MEETING_ENDED body", () => {
    const body = calcomMeetingBody("MEETING_ENDED", booking);
    expect(wire.ingestEnvelope.safeParse(body).success).toBe(true);
    expect(wire.envelope.parse(body).payload).toBeUndefined();
    expect(wire.ingestBooking.safeParse(body).success).toBe(true);
    expect(wire.meeting.parse(body).uid).toBe(booking.uid);
  });
});
