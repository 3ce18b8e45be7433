import type { TaskHandler, WorkerDeps } from "./types";

export function reconcileCalcomBookings(deps: WorkerDeps): TaskHandler<"reconcile_calcom_bookings"> {
  return async () => {
    void deps;
    throw new Error("reconcile_calcom_bookings: not implemented yet");
  };
}
