import type { TaskHandler, WorkerDeps } from "./types";

export function cancelBooking(deps: WorkerDeps): TaskHandler<"cancel_booking"> {
  return async () => {
    void deps;
    throw new Error("cancel_booking: not implemented yet");
  };
}
