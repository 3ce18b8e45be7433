import { calcomWire } from "@an/billing";
import type { Executor } from "@an/db";
import {
  advisors,
  bookingIntents,
  bookingUidAliases,
  consultationEvents,
  consultations,
  securityIncidents,
  webhookEvents,
} from "@an/db/schema";
import { and, desc, eq, sql } from "drizzle-orm";

/*
 * Small reads and writes the processor needs that have no home in the shared query
 * modules yet (the booking intent's length, uid aliases of a reschedule, pending
 * reschedules kept in stored deliveries).
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
  const rows = await ex
    .select({ body: webhookEvents.body, details: webhookEvents.details })
    .from(webhookEvents)
    .where(
      and(
        eq(webhookEvents.provider, "calcom"),
        eq(webhookEvents.eventType, "BOOKING_REQUESTED"),
        eq(webhookEvents.subject, params.uid),
      ),
    )
    .orderBy(desc(webhookEvents.receivedAt))
    .limit(10);
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
export async function wasBookingRefused(ex: Executor, params: { uid: string }): Promise<boolean> {
  const [row] = await ex
    .select({ id: securityIncidents.id })
    .from(securityIncidents)
    .where(eq(securityIncidents.dedupeKey, refusedBookingKey(params.uid)));
  return row !== undefined;
}

/** Whether a chargeback for this Stripe dispute was applied to the consultation. */
export async function wasChargebackOpened(
  ex: Executor,
  params: { consultationId: string; disputeId: string },
): Promise<boolean> {
  const [row] = await ex
    .select({ id: consultationEvents.id })
    .from(consultationEvents)
    .where(
      and(
        eq(consultationEvents.consultationId, params.consultationId),
        eq(consultationEvents.type, "chargeback_opened"),
        eq(consultationEvents.applied, true),
        sql`${consultationEvents.data}->>'disputeId' = ${params.disputeId}`,
      ),
    )
    .limit(1);
  return row !== undefined;
}

/** A booking intent's length and parties (with the advisor's Cal.com event type), or null. */
export async function getBookingIntent(
  ex: Executor,
  params: { id: string },
): Promise<{
  id: string;
  durationMinutes: number;
  clientId: string;
  advisorId: string;
  advisorEventType: string | null;
} | null> {
  const [row] = await ex
    .select({
      id: bookingIntents.id,
      durationMinutes: bookingIntents.durationMinutes,
      clientId: bookingIntents.clientId,
      advisorId: bookingIntents.advisorId,
      advisorEventType: advisors.calcomEventType,
    })
    .from(bookingIntents)
    .innerJoin(advisors, eq(advisors.userId, bookingIntents.advisorId))
    .where(eq(bookingIntents.id, params.id));
  return row ?? null;
}

/**
 * Records that a new Cal.com uid belongs to a consultation (a reschedule); with `current`
 * it also becomes the consultation's booking uid. Linking twice is a no-op.
 */
export async function linkBookingUid(
  tx: Executor,
  params: { uid: string; consultationId: string; current: boolean },
): Promise<void> {
  await tx
    .insert(bookingUidAliases)
    .values({ uid: params.uid, consultationId: params.consultationId })
    .onConflictDoNothing();
  if (params.current) {
    await tx
      .update(consultations)
      .set({ bookingUid: params.uid })
      .where(eq(consultations.id, params.consultationId));
  }
}
