import { JOBS, type JobName } from "@an/db";
import type { Task, TaskList } from "graphile-worker";
import { purgeRateLimits } from "./purge-rate-limits";
import { sendNotification } from "./send-notification";
import type { TaskHandler, WorkerDeps } from "./types";

type Handlers = { [N in JobName]: TaskHandler<N> };

/** Every task the worker runs: exactly the names in the job contract, no more, no less. */
export function createHandlers(deps: WorkerDeps): Handlers {
  return {
    send_notification: sendNotification(deps),
    purge_expired_rate_limits: purgeRateLimits(deps),
  };
}

/**
 * The task list for graphile-worker. Each task parses its payload with the contract first:
 * a malformed job fails loudly instead of running on bad data.
 */
export function createTaskList(deps: WorkerDeps): TaskList {
  const handlers = createHandlers(deps);
  const entries = (Object.keys(JOBS) as JobName[]).map((name) => {
    const task: Task = async (payload, helpers) => {
      const parsed = JOBS[name].parse(payload) as never;
      await (handlers[name] as TaskHandler<JobName>)(parsed, helpers);
    };
    return [name, task] as const;
  });
  return Object.fromEntries(entries);
}

/** Recurring jobs, in graphile-worker's crontab syntax. */
export const CRONTAB = [
  "# m h dom mon dow task ?opts",
  "17 * * * * purge_expired_rate_limits ?max=3",
].join("\n");
