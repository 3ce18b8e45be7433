import { isProviderError } from "@an/billing";
import { raiseIncident } from "@an/db";
import type { TaskHandler, WorkerDeps } from "./types";

/**
 * Cancels a booking on the scheduler (one made without a valid token, or one a party
 * cancelled through us). Cancelling twice is fine; a refusal is raised to admins, who
 * cancel it by hand; unavailability is retried.
 */
export function cancelBooking(deps: WorkerDeps): TaskHandler<"cancel_booking"> {
  return async ({ bookingUid, reason }) => {
    try {
      await deps.scheduling.cancelBooking({ bookingUid, reason });
    } catch (error) {
      if (!isProviderError(error, "rejected")) throw error;
      await raiseIncident(deps.db, {
        kind: "provider_action_failed",
        dedupeKey: `cancel-booking:${bookingUid}`,
        message: `Cal.com refused to cancel booking ${bookingUid} (${error.message}); cancel it by hand. Reason it was to be cancelled: ${reason}`,
        details: { bookingUid, code: error.code },
      });
      deps.log.warn({ bookingUid, err: error.message }, "booking not cancelled");
    }
  };
}
