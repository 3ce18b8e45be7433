import type { TaskHandler, WorkerDeps } from "./types";

export function deliverSimulatedWebhook(deps: WorkerDeps): TaskHandler<"deliver_simulated_webhook"> {
  return async () => {
    void deps;
    throw new Error("deliver_simulated_webhook: not implemented yet");
  };
}
