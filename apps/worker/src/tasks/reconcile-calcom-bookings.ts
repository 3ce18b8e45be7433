import type { SchedulingBooking } from "@an/billing";
import { type Executor, findConsultationIdByBookingUid, lockConsultation } from "@an/db";
import {
  handleBookingCancelled,
  handleBookingCreated,
  handleBookingRescheduled,
} from "../processing/calcom";
import { DeferProcessing, type Outcome, type ProcessingContext } from "../processing/outcome";
import type { TaskHandler, WorkerDeps } from "./types";

const DAY = 86_400_000;
/**
 * States in which a cancelled Cal.com booking means the consultation is cancelled. Not
 * `reschedule_requested`: the host's "Request reschedule" cancels the booking on Cal.com
 * while the consultation waits for the client to pick a new time.
 */
const LIVE = new Set(["awaiting_payment", "confirmed"]);

/**
 * Cal.com mostly never retries a webhook, so this polls its bookings (from two days back
 * to ninety ahead) and runs the same handlers a webhook would, with the same domain event
 * ids, so a webhook arriving late is then a no-op:
 * - an accepted booking we don't know that replaced one we do → the reschedule handler;
 * - one we don't know carrying a booking token → the BOOKING_CREATED handler (which also
 *   refuses a bad token);
 * - a cancelled or rejected booking whose consultation is still awaiting payment or
 *   confirmed → the cancellation handler (the canceller is unknown here, so the client's
 *   policy applies), unless a new booking replaced it (the old half of a reschedule).
 * Each booking is handled in its own transaction; one failing doesn't stop the others.
 */
export function reconcileCalcomBookings(
  deps: WorkerDeps,
): TaskHandler<"reconcile_calcom_bookings"> {
  return async () => {
    const now = deps.now();
    const bookings = await deps.scheduling.listBookings({
      from: new Date(now.getTime() - 2 * DAY),
      to: new Date(now.getTime() + 90 * DAY),
    });
    const ctx: ProcessingContext = { deps, now, webhookEventId: null, source: "reconcile:calcom" };
    const replaced = new Set(
      bookings.flatMap((b) => (b.rescheduledFromUid ? [b.rescheduledFromUid] : [])),
    );
    const counts = {
      seen: bookings.length,
      processed: 0,
      ignored: 0,
      deferred: 0,
      failed: 0,
      skipped: 0,
    };

    const run = async (b: SchedulingBooking, handle: (tx: Executor) => Promise<Outcome | null>) => {
      try {
        const outcome = await deps.db.transaction(handle);
        if (!outcome) counts.skipped += 1;
        else counts[outcome.status] += 1;
      } catch (error) {
        if (error instanceof DeferProcessing) {
          counts.deferred += 1;
          return;
        }
        counts.failed += 1;
        deps.log.error({ err: error, bookingUid: b.uid }, "reconcile: booking failed");
      }
    };

    for (const b of bookings.filter((x) => x.status === "accepted")) {
      await run(b, async (tx) => {
        if (await findConsultationIdByBookingUid(tx, { uid: b.uid })) return null;
        const from = b.rescheduledFromUid;
        if (from && (await findConsultationIdByBookingUid(tx, { uid: from }))) {
          return handleBookingRescheduled(tx, ctx, {
            uid: b.uid,
            rescheduleUid: from,
            startsAt: b.startTime,
            endsAt: b.endTime,
          });
        }
        const token = b.metadata.bookingToken;
        if (!token) return null;
        return handleBookingCreated(tx, ctx, {
          uid: b.uid,
          startsAt: b.startTime,
          endsAt: b.endTime,
          bookingToken: token,
          bookedAt: now,
          eventTypeId: b.eventTypeId,
          attendeeTimeZone: b.attendees[0]?.timeZone ?? null,
        });
      });
    }

    for (const b of bookings.filter((x) => x.status === "cancelled" || x.status === "rejected")) {
      if (replaced.has(b.uid)) continue;
      await run(b, async (tx) => {
        const id = await findConsultationIdByBookingUid(tx, { uid: b.uid });
        if (!id) return null;
        const row = await lockConsultation(tx, { id });
        if (!row || !LIVE.has(row.status) || row.bookingUid !== b.uid) return null;
        return handleBookingCancelled(tx, ctx, {
          uid: b.uid,
          trigger: b.status === "rejected" ? "BOOKING_REJECTED" : "BOOKING_CANCELLED",
          rescheduled: false,
          requestReschedule: false,
          actor: b.status === "rejected" ? "advisor" : "client",
          reason: "Cancelled on Cal.com (found by reconciliation)",
        });
      });
    }
    deps.log.info(counts, "reconciled Cal.com bookings");
  };
}
