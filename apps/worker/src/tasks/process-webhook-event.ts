import type { TaskHandler, WorkerDeps } from "./types";

export function processWebhookEvent(deps: WorkerDeps): TaskHandler<"process_webhook_event"> {
  return async () => {
    void deps;
    throw new Error("process_webhook_event: not implemented yet");
  };
}
