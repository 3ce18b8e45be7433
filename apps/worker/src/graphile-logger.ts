import { Logger as GraphileLogger, type LogFunctionFactory } from "graphile-worker";
import type { Logger } from "pino";

const LEVELS = { error: "error", warning: "warn", info: "info", debug: "debug" } as const;

/**
 * graphile-worker's own log lines ("Completed task 42 …", a failed job's error), through
 * our pino logger: JSON like every other line, at our LOG_LEVEL. Left to itself it writes
 * every job's completion with console.log, as unstructured text between the JSON lines and
 * whatever the level: one synchronous write per job. Only the scope's ids and the job's
 * id, task, duration and error go with a line, not its payload (the task's business).
 */
export function graphileLogger(log: Logger): GraphileLogger {
  const factory: LogFunctionFactory = (scope) => (level, message, meta) => {
    const method = LEVELS[level as keyof typeof LEVELS] ?? "info";
    if (!log.isLevelEnabled(method)) return;
    const fields: Record<string, unknown> = { component: "graphile-worker" };
    if (scope.label) fields.scope = scope.label;
    if (scope.workerId) fields.workerId = scope.workerId;
    // A job's lines carry it in their meta: its id and task, never its payload.
    const job = meta?.job as { id?: unknown; task_identifier?: unknown } | undefined;
    const task = scope.taskIdentifier ?? job?.task_identifier;
    const jobId = scope.jobId ?? job?.id;
    if (typeof task === "string") fields.task = task;
    if (typeof jobId === "string" || typeof jobId === "number") fields.jobId = String(jobId);
    if (typeof meta?.duration === "number")
      fields.durationMs = Math.round(meta.duration * 100) / 100;
    if (meta?.error instanceof Error) fields.err = meta.error;
    log[method](fields, message);
  };
  return new GraphileLogger(factory);
}
