import { applyConsultationEvent } from "@an/db";
import type { TimerName } from "@an/domain";
import type { TaskHandler, WorkerDeps } from "./types";

const EVENT_OF: Record<
  TimerName,
  "payment_expired" | "scheduled_end_reached" | "hold_window_elapsed"
> = {
  payment_expiry: "payment_expired",
  scheduled_end: "scheduled_end_reached",
  hold_window_elapsed: "hold_window_elapsed",
};

/**
 * A consultation timer firing: the matching clock event, id `timer:<timer>:<at>` (a timer
 * moved by a reschedule is a new id). Refusals are normal (the consultation moved on) and
 * not put on the timeline. A job that runs before its own time (clocks a little apart) is
 * retried rather than dropped.
 */
export function consultationTimer(deps: WorkerDeps): TaskHandler<"consultation_timer"> {
  return async ({ consultationId, timer, at }) => {
    const now = deps.now();
    const result = await deps.db.transaction((tx) =>
      applyConsultationEvent(tx, {
        consultationId,
        event: { type: EVENT_OF[timer], id: `timer:${timer}:${at}`, actor: "system" },
        now,
        origin: { source: `timer:${timer}` },
        recordRefusal: false,
      }),
    );
    if (result.kind === "refused" && result.error.code === "TOO_EARLY" && now < new Date(at)) {
      throw new Error(`timer ${timer} ran before ${at}; retrying`);
    }
    deps.log.info(
      {
        consultationId,
        timer,
        result: result.kind,
        ...(result.kind === "refused" ? { code: result.error.code } : {}),
      },
      "consultation timer",
    );
  };
}
