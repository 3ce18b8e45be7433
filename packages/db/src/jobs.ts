import { sql } from "drizzle-orm";
import { z } from "zod";
import { ROLES } from "@an/domain";
import type { Executor } from "./client";

/**
 * The job contract: every task name and the payload it takes. The API enqueues and the
 * worker runs against this one definition, and both parse payloads with it.
 */
export const JOBS = {
  send_notification: z
    .object({
      /** Recipient. */
      userId: z.string().min(1),
      /** Writing the same message twice (a retried job, a repeated event) is a no-op. */
      dedupeKey: z.string().min(1).max(200),
    })
    .and(
      // Each template says which params its text needs, so a message never renders with a
      // hole in it (a rejection always carries its reason, a change request its notes).
      z.discriminatedUnion("template", [
        z.object({
          template: z.enum(["role_granted", "role_revoked"]),
          params: z.object({ role: z.enum(ROLES) }),
        }),
        z.object({
          template: z.enum(["application_submitted", "application_approved"]),
          params: z.object({}).default({}),
        }),
        z.object({
          template: z.literal("application_rejected"),
          params: z.object({ reason: z.string().min(1).max(2000) }),
        }),
        z.object({
          template: z.literal("application_changes_requested"),
          params: z.object({ notes: z.string().min(1).max(4000) }),
        }),
      ]),
    ),
  /** Crontab; graphile-worker adds its own `_cron` details to the payload. */
  purge_expired_rate_limits: z.looseObject({}),
} as const;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]>;

export type EnqueueOptions = {
  runAt?: Date;
  maxAttempts?: number;
  /** graphile-worker job_key: replaces a pending job with the same key (debounce), it is
   * not idempotency — tasks must still be idempotent. */
  jobKey?: string;
  queueName?: string;
  priority?: number;
};

/**
 * Enqueues a job inside the caller's transaction, so the job exists if and only if the
 * state change that caused it commits. The payload is validated against the contract.
 */
export async function enqueueJob<N extends JobName>(
  tx: Executor,
  name: N,
  payload: JobPayload<N>,
  options: EnqueueOptions = {},
): Promise<void> {
  const parsed: unknown = JOBS[name].parse(payload);
  await tx.execute(sql`
    select graphile_worker.add_job(
      identifier => ${name},
      payload => ${JSON.stringify(parsed)}::json,
      queue_name => ${options.queueName ?? null},
      run_at => ${options.runAt?.toISOString() ?? null}::timestamptz,
      max_attempts => ${options.maxAttempts ?? null}::int,
      job_key => ${options.jobKey ?? null},
      priority => ${options.priority ?? null}::int
    )
  `);
}
