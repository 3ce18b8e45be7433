import { markWebhookEventProcessed } from "@an/db";
import type { JobHelpers } from "graphile-worker";
import { processWebhookDelivery, type ProcessResult } from "../processing/process-event";
import type { TaskHandler, WorkerDeps } from "./types";

/** Whether graphile-worker will not run this job again if it fails now. */
export function isLastAttempt(helpers: JobHelpers): boolean {
  // Tests may call handlers without a job: treat that as a first attempt.
  const job = (helpers as Partial<JobHelpers>).job;
  return job !== undefined && job.attempts >= job.max_attempts;
}

/**
 * Processes one stored webhook delivery (see `processWebhookDelivery`). A deferred event
 * throws so graphile-worker retries it later with backoff; an unexpected error on the last
 * attempt leaves the delivery `failed` with the error, for an admin to replay.
 */
export function processWebhookEvent(deps: WorkerDeps): TaskHandler<"process_webhook_event"> {
  return async ({ webhookEventId }, helpers) => {
    const lastAttempt = isLastAttempt(helpers);
    let result: ProcessResult;
    try {
      result = await processWebhookDelivery(deps, { webhookEventId, lastAttempt });
    } catch (error) {
      if (lastAttempt) {
        const message = error instanceof Error ? error.message : String(error);
        await markWebhookEventProcessed(deps.db, {
          id: webhookEventId,
          status: "failed",
          outcome: `processing error: ${message}`.slice(0, 2000),
        });
      }
      throw error;
    }
    switch (result.kind) {
      case "missing":
        deps.log.warn({ webhookEventId }, "webhook event not found");
        return;
      case "deferred":
        if (result.lastAttempt) {
          deps.log.warn({ webhookEventId, reason: result.reason }, "webhook event given up");
          return;
        }
        // Graphile-worker retries with backoff; the delivery is already marked deferred.
        throw new Error(`deferred: ${result.reason}`);
      case "failed":
        deps.log.warn({ webhookEventId, reason: result.reason }, "webhook event failed");
        return;
      case "done":
        deps.log.info(
          { webhookEventId, status: result.status, outcome: result.outcome },
          "webhook event processed",
        );
    }
  };
}
