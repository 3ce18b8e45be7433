import type { TaskHandler, WorkerDeps } from "./types";

export function purgeWebhookPayloads(deps: WorkerDeps): TaskHandler<"purge_webhook_payloads"> {
  return async () => {
    void deps;
    throw new Error("purge_webhook_payloads: not implemented yet");
  };
}
