import type { TaskHandler, WorkerDeps } from "./types";

export function consultationTimer(deps: WorkerDeps): TaskHandler<"consultation_timer"> {
  return async () => {
    void deps;
    throw new Error("consultation_timer: not implemented yet");
  };
}
