import { type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import {
  BILLING_NOTICES,
  CHAT_ACTOR_TYPES,
  CONSULTATION_NOTICES,
  NOTICE_ROLES,
  ROLES,
  SUPPORTED_LOCALES,
  TIMERS,
  WEBHOOK_PROVIDERS,
} from "@an/domain";
import type { Executor } from "./client";

/**
 * The job contract: every task name and the payload it takes. The API enqueues and the
 * worker runs against this one definition, and both parse payloads with it.
 */
export const JOBS = {
  send_notification: z
    .object({
      /** Recipient: a user, rendered in their locale … */
      userId: z.string().min(1).optional(),
      /** … or an address with no account yet (an application invitation), in `locale`. */
      toEmail: z.email().max(320).optional(),
      locale: z.enum(SUPPORTED_LOCALES).optional(),
      /** Writing the same message twice (a retried job, a repeated event) is a no-op. */
      dedupeKey: z.string().min(1).max(200),
    })
    .refine((p) => (p.userId === undefined) !== (p.toEmail === undefined), {
      message: "a notification names either a user or an email address",
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
        // An invitation to apply as an advisor while onboarding is invite-only, to an address
        // (no account yet): the token to submit with, and when it lapses.
        z.object({
          template: z.literal("application_invitation"),
          params: z.object({
            token: z.string().min(16).max(200),
            expiresAt: z.iso.datetime({ offset: true }),
          }),
        }),
        z.object({
          template: z.literal("application_rejected"),
          params: z.object({ reason: z.string().min(1).max(2000) }),
        }),
        z.object({
          template: z.literal("application_changes_requested"),
          params: z.object({ notes: z.string().min(1).max(4000) }),
        }),
        // Rendered from the consultation's current row, in the recipient's locale and time
        // zone; `amount` (minor units of the consultation's currency) for refunds.
        z.object({
          template: z.literal("consultation_notice"),
          params: z.object({
            notice: z.enum(CONSULTATION_NOTICES),
            role: z.enum(NOTICE_ROLES),
            consultationId: z.uuid(),
            amount: z.number().int().nonnegative().optional(),
            url: z.url().optional(),
            reason: z.string().max(2000).optional(),
          }),
        }),
        // A member's unread messages in a project's chat. Senders are already named as this
        // recipient may see them (an advisor sees a client's first name only); null names
        // the assistant or the system, in the recipient's language.
        z.object({
          template: z.literal("chat_digest"),
          params: z.object({
            conversationId: z.uuid(),
            projectName: z.string().min(1).max(200),
            /** Unread messages from others in the stretch. */
            count: z.number().int().positive(),
            /** The conversation's last seq when the digest was written. */
            toSeq: z.number().int().positive(),
            messages: z
              .array(
                z.object({
                  actorType: z.enum(CHAT_ACTOR_TYPES),
                  name: z.string().min(1).max(200).nullable(),
                  snippet: z.string().max(300),
                }),
              )
              .min(1)
              .max(5),
          }),
        }),
        // Invitations into a project's chat. An advisor is told the client's first name
        // only (`client`); the owner is told the advisor's display name (`advisor`).
        z.object({
          template: z.enum(["invitation_received", "invitation_revoked", "invitation_expired"]),
          params: z.object({
            invitationId: z.uuid(),
            project: z.string().min(1).max(500),
            client: z.string().min(1).max(200),
          }),
        }),
        // A platform subscription's news, rendered in the recipient's locale; `amount` is in
        // minor units of `currency`, `at` an ISO time (trial end, period end, access end).
        z.object({
          template: z.literal("billing_notice"),
          params: z.object({
            notice: z.enum(BILLING_NOTICES),
            plan: z.string().min(1).max(200),
            amount: z.number().int().nonnegative().optional(),
            currency: z
              .string()
              .regex(/^[A-Z]{3}$/)
              .optional(),
            at: z.iso.datetime({ offset: true }).optional(),
            url: z.url().optional(),
          }),
        }),
        z.object({
          template: z.enum(["invitation_accepted", "invitation_declined"]),
          params: z.object({
            invitationId: z.uuid(),
            project: z.string().min(1).max(500),
            advisor: z.string().min(1).max(200),
          }),
        }),
      ]),
    ),
  /** Processes one stored webhook delivery; safe to run any number of times. */
  process_webhook_event: z.object({ webhookEventId: z.uuid() }),
  /** A consultation timer firing (payment expiry, scheduled end, hold window). */
  consultation_timer: z.object({
    consultationId: z.uuid(),
    timer: z.enum(TIMERS),
    at: z.iso.datetime({ offset: true }),
  }),
  /** Opens the checkout session for a consultation awaiting payment (idempotent by payment row). */
  create_checkout: z.object({ consultationId: z.uuid() }),
  /** Expires an open checkout session so it can no longer be paid. */
  expire_checkout: z.object({ paymentId: z.uuid() }),
  /** Asks the provider for a refund decided earlier; the refund row id is the idempotency key. */
  refund_payment: z.object({ refundId: z.uuid() }),
  /** Cancels a booking on the scheduler (Cal.com), e.g. one made without a valid token. */
  cancel_booking: z.object({
    bookingUid: z.string().min(1).max(200),
    reason: z.string().min(1).max(500),
  }),
  /** The simulated providers' webhook delivery to our own routes (development and tests). */
  deliver_simulated_webhook: z.object({
    provider: z.enum(WEBHOOK_PROVIDERS),
    body: z.string().min(2),
  }),
  /** Crontab: polls Cal.com for bookings whose webhooks never came. */
  reconcile_calcom_bookings: z.looseObject({}),
  /** Crontab: drops webhook bodies past the retention period, keeping hashes and outcomes. */
  purge_webhook_payloads: z.looseObject({}),
  /** Crontab; graphile-worker adds its own `_cron` details to the payload. */
  purge_expired_rate_limits: z.looseObject({}),
  /** Crontab: finds advisors whose payout run is due and queues a batch for each. */
  plan_payouts: z.looseObject({}),
  /**
   * Builds one advisor's payout batch, items and ledger entries in one transaction, for the
   * scheduled run at `scheduledFor`, or off-cycle (an admin asked; `requestedBy`).
   */
  prepare_payout_batch: z.discriminatedUnion("kind", [
    z.object({
      kind: z.literal("scheduled"),
      advisorId: z.string().min(1),
      scheduledFor: z.iso.datetime({ offset: true }),
    }),
    z.object({
      kind: z.literal("off_cycle"),
      advisorId: z.string().min(1),
      requestedBy: z.string().min(1),
      requestedAt: z.iso.datetime({ offset: true }),
    }),
  ]),
  /** Sends one payout item's transfer (idempotency key = the item id). */
  send_payout_item: z.object({ itemId: z.uuid() }),
  /** Reverses (part of) a transfer after a refund or lost chargeback on a paid-out consultation. */
  reverse_transfer: z.object({ reversalId: z.uuid() }),
  /** Compares our records and ledger with the provider's for the report's period. */
  reconcile_provider: z.object({ reportId: z.uuid() }),
  /** Crontab: the nightly reconciliation of the previous UTC day. */
  reconcile_provider_nightly: z.looseObject({}),
  /** Crontab: one email digest per member whose unread chat messages have waited long enough. */
  chat_digests: z.looseObject({}),
  /** Crontab: ends invitations past their expiry (and the advisor's membership with them). */
  expire_invitations: z.looseObject({}),
  /**
   * Re-reads one customer's subscriptions and invoices from Stripe and stores them
   * (serialized per customer). Queued by subscription and invoice webhooks, the checkout
   * return, admins and the nightly reconciliation; `source` says which.
   */
  sync_billing_customer: z.object({
    stripeCustomerId: z.string().min(1).max(255),
    source: z.string().min(1).max(200),
  }),
  /** Reminds a trialing subscriber that the trial ends soon (no-op if it no longer trials). */
  subscription_trial_reminder: z.object({ subscriptionId: z.uuid() }),
  /** Crontab: re-syncs every customer whose state differs from Stripe's and reports it. */
  reconcile_subscriptions_nightly: z.looseObject({
    /** Set when an admin started the run (its row exists already); absent from the crontab. */
    runId: z.uuid().optional(),
  }),
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
 * Default priorities (graphile-worker runs lower numbers first; 0 if unset): state
 * changes from webhooks and timers go ahead of messages about them, so a burst of
 * notifications never delays a payment or a meeting's end.
 */
const DEFAULT_PRIORITY: Partial<Record<JobName, number>> = {
  send_notification: 10,
  deliver_simulated_webhook: 5,
  purge_webhook_payloads: 20,
  purge_expired_rate_limits: 20,
  reconcile_calcom_bookings: 15,
  reconcile_provider: 15,
  reconcile_provider_nightly: 15,
  chat_digests: 12,
  // Ahead of messages: access must end on time even when notifications pile up.
  expire_invitations: 5,
  // Access follows Stripe's state: syncs go ahead of messages, like webhook processing.
  sync_billing_customer: 1,
  subscription_trial_reminder: 10,
  reconcile_subscriptions_nightly: 15,
  // Transfers go behind webhook processing and timers but ahead of messages.
  plan_payouts: 2,
  prepare_payout_batch: 3,
  send_payout_item: 4,
  reverse_transfer: 4,
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
  await enqueueJobs(tx, [{ name, payload, options } as QueuedJob]);
}

/** One job for {@link enqueueJobs}: a task name, its payload and the options of `enqueueJob`. */
export type QueuedJob = {
  [N in JobName]: { name: N; payload: JobPayload<N>; options?: EnqueueOptions };
}[JobName];

/**
 * Enqueues several jobs inside the caller's transaction with one `graphile_worker.add_jobs`
 * call: the same jobs, keys and priorities as calling {@link enqueueJob} for each in order,
 * but one round trip and one NOTIFY instead of one (and four statements) per job. A state
 * change that queues a timer and two notices pays for one. Jobs sharing a `jobKey` go in
 * separate calls, in order, so the later one replaces the earlier as with `enqueueJob`
 * (one insert can't update a row it inserted). One call's jobs get their ids in no set
 * order: like any jobs queued together, they may run in any order, side by side.
 */
export async function enqueueJobs(tx: Executor, jobs: readonly QueuedJob[]): Promise<void> {
  // Every payload is checked before anything is queued.
  const specs = jobs.map((job) => {
    const options = job.options ?? {};
    const parsed: unknown = JOBS[job.name].parse(job.payload);
    const priority = options.priority ?? DEFAULT_PRIORITY[job.name] ?? null;
    // job_spec: (identifier, payload, queue_name, run_at, max_attempts, job_key, priority, flags)
    const spec = sql`row(
      ${job.name}::text, ${JSON.stringify(parsed)}::json, ${options.queueName ?? null}::text,
      ${options.runAt?.toISOString() ?? null}::timestamptz, ${options.maxAttempts ?? null}::smallint,
      ${options.jobKey ?? null}::text, ${priority}::smallint, null::text[]
    )::graphile_worker.job_spec`;
    return { key: options.jobKey, spec };
  });
  let chunk: SQL[] = [];
  let keys = new Set<string>();
  const flush = async () => {
    if (chunk.length === 0) return;
    await tx.execute(
      sql`select count(*)::int from graphile_worker.add_jobs(array[${sql.join(chunk, sql`, `)}])`,
    );
    chunk = [];
    keys = new Set();
  };
  for (const { key, spec } of specs) {
    if (key !== undefined && keys.has(key)) await flush();
    if (key !== undefined) keys.add(key);
    chunk.push(spec);
  }
  await flush();
}

/** A payload field in SQL: an expression over the rows of the query it sits in, or a constant. */
type SqlField<T> = SQL | (T extends string | number | boolean ? T : never);

/** A payload built in SQL, field by field, with the contract's keys (per variant of a union). */
export type SqlPayload<P> = P extends unknown ? { [K in keyof P]: SqlField<P[K]> } : never;

/** A job queued per row of a statement: SQL values, contract constants as numbers. */
export type SqlJobSpec<N extends JobName> = {
  payload: SqlPayload<JobPayload<N>>;
  /** Per row, e.g. `sql\`'payout_batch:' || due.user_id\``. */
  jobKey?: SQL;
  runAt?: SQL;
  maxAttempts?: number;
  priority?: number;
};

/**
 * The `graphile_worker.add_job(...)` call that queues one job per row of the statement it is
 * placed in (a `select` list or a `lateral` join), so a batch is queued by the statement that
 * produced it: one round trip, one transaction. The task name and payload keys are checked
 * against the contract at compile time; the values are SQL, so unlike {@link enqueueJob} the
 * payload can't be parsed here (the worker still parses it). Only the options given are
 * passed; `priority` defaults to the task's, as with `enqueueJob`.
 */
export function enqueueJobsSql<N extends JobName>(name: N, job: SqlJobSpec<N>): SQL {
  const payload = payloadFields(job.payload);
  const args = [
    sql`identifier => ${sql.raw(quote(name))}`,
    sql`payload => json_build_object(${payload})`,
  ];
  if (job.runAt) args.push(sql`run_at => ${job.runAt}`);
  // Contract constants go in as literals, like the task name: as a bound parameter the
  // fragment made the webhook ingest statement ~15-25 % slower (bench/webhooks.ts, direct).
  if (job.maxAttempts !== undefined) {
    args.push(sql`max_attempts => ${sql.raw(String(Math.trunc(job.maxAttempts)))}`);
  }
  if (job.jobKey) args.push(sql`job_key => ${job.jobKey}`);
  const priority = job.priority ?? DEFAULT_PRIORITY[name];
  if (priority !== undefined) args.push(sql`priority => ${sql.raw(String(Math.trunc(priority)))}`);
  return sql`graphile_worker.add_job(${sql.join(args, sql`, `)})`;
}

/** A payload's `key, value` pairs for `json_build_object`, keys as contract literals. */
function payloadFields(payload: unknown): SQL {
  const fields = Object.entries(payload as Record<string, SQL | string | number | boolean>);
  return sql.join(
    fields.map(([key, value]) => sql`${sql.raw(quote(key))}, ${sqlValue(value)}`),
    sql`, `,
  );
}

/** A task name or payload key as an SQL string literal (both are identifiers from the contract). */
function quote(identifier: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(identifier)) {
    throw new Error(`not a job contract identifier: ${identifier}`);
  }
  return `'${identifier}'`;
}

function sqlValue(value: SQL | string | number | boolean): SQL {
  if (typeof value === "string") return sql`${value}::text`;
  if (typeof value === "number") return sql`${value}::numeric`;
  if (typeof value === "boolean") return sql`${value}::boolean`;
  return value;
}

/**
 * Queues one job per row of `rows` (a CTE or table name of the statement it sits in) with a
 * single `graphile_worker.add_jobs` call: one insert and one NOTIFY for the whole batch,
 * where {@link enqueueJobsSql} runs `add_job` (four statements and a NOTIFY of its own)
 * per row. An expression that yields how many jobs were queued; it calls nothing when
 * `rows` is empty, so a statement that inserted nothing wakes no worker. Reference it in
 * the statement (a CTE the final select joins) so PostgreSQL evaluates it.
 */
export function enqueueJobsForRowsSql<N extends JobName>(
  name: N,
  rows: SQL,
  job: SqlJobSpec<N>,
): SQL {
  const payload = payloadFields(job.payload);
  const priority = job.priority ?? DEFAULT_PRIORITY[name];
  const literal = (n: number | undefined) =>
    n === undefined ? sql`null::smallint` : sql.raw(`${Math.trunc(n)}::smallint`);
  // job_spec: (identifier, payload, queue_name, run_at, max_attempts, job_key, priority, flags)
  const spec = sql`row(${sql.raw(quote(name))}, json_build_object(${payload}), null::text,
    ${job.runAt ?? sql`null::timestamptz`}, ${literal(job.maxAttempts)},
    ${job.jobKey ?? sql`null::text`}, ${literal(priority)}, null::text[])::graphile_worker.job_spec`;
  return sql`(select count(*)::int
    from (select array_agg(${spec}) as list from ${rows}) specs
    cross join lateral graphile_worker.add_jobs(specs.list) as job
    where specs.list is not null)`;
}
