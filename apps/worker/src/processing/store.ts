import { calcomWire } from "@an/billing";
import { type Executor, hasIncident, listBookingRequestsForUid } from "@an/db";

/*
 * What the processor reads of its own records (a booking we refused, pending reschedules
 * kept in stored deliveries): the keys it writes and how it reads the deliveries back.
 */

/** The incident dedupe key of a booking we refused (bad or reused token): one per uid. */
export const refusedBookingKey = (uid: string) => `booking-token:${uid}`;

/**
 * A reschedule waiting for the host's confirmation: Cal.com sends BOOKING_REQUESTED for the
 * new uid with `rescheduleUid`, and on confirmation a BOOKING_CREATED for that uid *without*
 * it. The mapping is read back from the stored BOOKING_REQUESTED delivery itself (its
 * subject is the new uid): from its body, or, once the body is purged, from the
 * `rescheduleOf` its processing recorded. Returns the old uid, or null.
 */
export async function findPendingRescheduleOf(
  ex: Executor,
  params: { uid: string },
): Promise<string | null> {
  const rows = await listBookingRequestsForUid(ex, { uid: params.uid });
  for (const row of rows) {
    const recorded = (row.details as { rescheduleOf?: unknown } | null)?.rescheduleOf;
    if (typeof recorded === "string" && recorded.length > 0) return recorded;
    if (!row.body) continue;
    try {
      const envelope = calcomWire.envelope.parse(JSON.parse(row.body));
      const booking = calcomWire.booking.safeParse(envelope.payload ?? envelope);
      if (booking.success && booking.data.rescheduleUid) return booking.data.rescheduleUid;
    } catch {
      // Not readable: it can't tell us anything about this reschedule.
    }
  }
  return null;
}

/** Whether we refused this booking (bad or reused token) and asked Cal.com to cancel it. */
export function wasBookingRefused(ex: Executor, params: { uid: string }): Promise<boolean> {
  return hasIncident(ex, { dedupeKey: refusedBookingKey(params.uid) });
}
