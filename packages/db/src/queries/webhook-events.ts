import { and, desc, eq, lt, or, sql } from "drizzle-orm";
import type { WebhookEventStatus, WebhookProvider } from "@an/domain";
import type { Executor } from "../client";
import { enqueueJob, enqueueJobsForRowsSql, enqueueJobsSql } from "../jobs";
import { webhookEvents } from "../schema";
export type WebhookEventRow = typeof webhookEvents.$inferSelect;

/** Attempts graphile-worker gives one delivery's processing (deferred events retry with backoff). */
export const WEBHOOK_JOB_MAX_ATTEMPTS = 20;

/** One `process_webhook_event` job per row of `inserted` in the ingest statements. */
const processWebhookEventJobs = enqueueJobsSql("process_webhook_event", {
  payload: { webhookEventId: sql`inserted.id` },
  maxAttempts: WEBHOOK_JOB_MAX_ATTEMPTS,
});

/** One `process_webhook_event` job per row of `inserted`, in one `add_jobs` call. */
const processWebhookEventBatch = enqueueJobsForRowsSql("process_webhook_event", sql`inserted`, {
  payload: { webhookEventId: sql`inserted.id` },
  maxAttempts: WEBHOOK_JOB_MAX_ATTEMPTS,
});

export type IngestWebhookEventInput = {
  provider: WebhookProvider;
  /** Stripe: the event id. Cal.com: `<sha256 hex of raw body>:<trigger>:<uid>`. */
  dedupeKey: string;
  /** Stripe `evt_…`; null for Cal.com. */
  providerEventId: string | null;
  /** Stripe `type` or Cal.com `triggerEvent`. */
  eventType: string;
  /** The booking uid, or the Stripe object id the event is about. */
  subject: string | null;
  /** The raw body exactly as received (already verified). */
  body: string;
  /** Lowercase hex SHA-256 of the raw bytes. */
  bodySha256: string;
};

export type IngestResult =
  | { duplicate: false; id: string }
  /** `id` is the earlier delivery's, or null when it committed after this statement began. */
  | { duplicate: true; id: string | null };

/**
 * Stores a verified delivery and queues its processing, in one SQL statement (so one
 * implicit transaction and one round trip): the insert skips a delivery already stored
 * under the same (provider, dedupe key), and the job is added only for a row actually
 * inserted. Concurrent duplicates wait on the unique index, so exactly one gets a job.
 */
export async function ingestWebhookEvent(
  ex: Executor,
  input: IngestWebhookEventInput,
): Promise<IngestResult> {
  const rows = await ex.execute<{ id: string; duplicate: boolean }>(sql`
    with inserted as (
      insert into webhook_events
        (provider, dedupe_key, provider_event_id, event_type, subject, body, body_sha256)
      values (
        ${input.provider}::webhook_provider, ${input.dedupeKey}, ${input.providerEventId},
        ${input.eventType}, ${input.subject}, ${input.body}, ${input.bodySha256}
      )
      on conflict (provider, dedupe_key) do nothing
      returning id
    )
    select inserted.id, false as duplicate
    from inserted,
      lateral ${processWebhookEventJobs} as job
    union all
    select existing.id, true as duplicate
    from webhook_events existing
    where not exists (select 1 from inserted)
      and existing.provider = ${input.provider}::webhook_provider
      and existing.dedupe_key = ${input.dedupeKey}
  `);
  const row = rows[0];
  if (row && !row.duplicate) return { duplicate: false, id: row.id };
  return { duplicate: true, id: row?.id ?? null };
}

/** One stored delivery, body included (null once purged), or null. */
export async function getWebhookEvent(
  ex: Executor,
  params: { id: string },
): Promise<WebhookEventRow | null> {
  const [row] = await ex.select().from(webhookEvents).where(eq(webhookEvents.id, params.id));
  return row ?? null;
}

/** The columns of a delivery shown in lists: everything but the body. */
const summaryColumns = {
  id: webhookEvents.id,
  provider: webhookEvents.provider,
  dedupeKey: webhookEvents.dedupeKey,
  providerEventId: webhookEvents.providerEventId,
  eventType: webhookEvents.eventType,
  subject: webhookEvents.subject,
  bodySha256: webhookEvents.bodySha256,
  status: webhookEvents.status,
  outcome: webhookEvents.outcome,
  attempts: webhookEvents.attempts,
  consultationId: webhookEvents.consultationId,
  receivedAt: webhookEvents.receivedAt,
  processedAt: webhookEvents.processedAt,
  bodyPurgedAt: webhookEvents.bodyPurgedAt,
  replayedAt: webhookEvents.replayedAt,
  replayedBy: webhookEvents.replayedBy,
};

export type WebhookEventSummary = Omit<WebhookEventRow, "body" | "details">;

/**
 * Stored deliveries, newest first, without bodies; keyset on (receivedAt, id). Filters
 * combine with AND. `nextCursor` is null on the last page.
 */
export async function listWebhookEvents(
  ex: Executor,
  params: {
    limit: number;
    provider?: WebhookProvider;
    status?: WebhookEventStatus;
    /** Exact event type, e.g. `checkout.session.completed` or `BOOKING_CREATED`. */
    type?: string;
    consultationId?: string;
    /** Exact booking uid or Stripe object id. */
    subject?: string;
    cursor?: { receivedAt: Date; id: string } | null;
  },
): Promise<{
  items: WebhookEventSummary[];
  nextCursor: { receivedAt: Date; id: string } | null;
}> {
  const filters = [];
  if (params.provider) filters.push(eq(webhookEvents.provider, params.provider));
  if (params.status) filters.push(eq(webhookEvents.status, params.status));
  if (params.type) filters.push(eq(webhookEvents.eventType, params.type));
  if (params.consultationId) filters.push(eq(webhookEvents.consultationId, params.consultationId));
  if (params.subject) filters.push(eq(webhookEvents.subject, params.subject));
  if (params.cursor) {
    filters.push(
      or(
        lt(webhookEvents.receivedAt, params.cursor.receivedAt),
        and(
          eq(webhookEvents.receivedAt, params.cursor.receivedAt),
          lt(webhookEvents.id, params.cursor.id),
        ),
      ),
    );
  }
  const rows = await ex
    .select(summaryColumns)
    .from(webhookEvents)
    .where(filters.length ? and(...filters) : undefined)
    .orderBy(desc(webhookEvents.receivedAt), desc(webhookEvents.id))
    .limit(params.limit + 1);
  const items = rows.slice(0, params.limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor:
      rows.length > params.limit && last ? { receivedAt: last.receivedAt, id: last.id } : null,
  };
}

/**
 * Records the processor's verdict on a delivery: status, a short outcome for people,
 * optionally the consultation it concerns and structured details. Each call counts one
 * attempt and stamps `processedAt` (the last time it was handled). A consultation id, once
 * known, is kept: passing null or leaving it out doesn't clear it. Returns null for an
 * unknown id.
 */
export async function markWebhookEventProcessed(
  ex: Executor,
  params: {
    id: string;
    /** Any status but `received`, which only storing a delivery sets. */
    status: Exclude<WebhookEventStatus, "received">;
    outcome: string;
    consultationId?: string | null;
    details?: Record<string, unknown>;
  },
): Promise<{ attempts: number } | null> {
  const [row] = await ex
    .update(webhookEvents)
    .set({
      status: params.status,
      outcome: params.outcome,
      attempts: sql`${webhookEvents.attempts} + 1`,
      processedAt: sql`now()`,
      consultationId: sql`coalesce(${params.consultationId ?? null}::uuid, ${webhookEvents.consultationId})`,
      ...(params.details === undefined ? {} : { details: params.details }),
    })
    .where(eq(webhookEvents.id, params.id))
    .returning({ attempts: webhookEvents.attempts });
  return row ?? null;
}

export type ReplayResult =
  | { ok: true; event: WebhookEventRow; previousStatus: WebhookEventStatus }
  | { ok: false; code: "WEBHOOK_EVENT_NOT_FOUND" | "WEBHOOK_BODY_PURGED" };

/**
 * An admin's replay: puts the delivery back to `received` and queues its processing again,
 * in the caller's transaction. Processing is idempotent, so replaying an event that was
 * already applied changes nothing. Refused once the body is purged: there is nothing
 * left to process. Auditing is the caller's (see the `replayWebhookEvent` workflow).
 */
export async function requeueWebhookEvent(
  tx: Executor,
  params: { id: string; by: string },
): Promise<ReplayResult> {
  const [current] = await tx
    .select({
      status: webhookEvents.status,
      purged: sql<boolean>`${webhookEvents.body} is null`,
    })
    .from(webhookEvents)
    .where(eq(webhookEvents.id, params.id))
    .for("update");
  if (!current) return { ok: false, code: "WEBHOOK_EVENT_NOT_FOUND" };
  if (current.purged) return { ok: false, code: "WEBHOOK_BODY_PURGED" };
  const [event] = await tx
    .update(webhookEvents)
    .set({ status: "received", replayedAt: sql`now()`, replayedBy: params.by })
    .where(eq(webhookEvents.id, params.id))
    .returning();
  // A job key folds repeated clicks into one pending job.
  await enqueueJob(
    tx,
    "process_webhook_event",
    { webhookEventId: params.id },
    { maxAttempts: WEBHOOK_JOB_MAX_ATTEMPTS, jobKey: `webhook_event_replay:${params.id}` },
  );
  return { ok: true, event: event!, previousStatus: current.status };
}

/**
 * Drops the bodies of deliveries received before `olderThan`, at most `limit` of them,
 * keeping the hash, status and outcome. Returns how many were purged; call again until it
 * returns less than `limit`. Rows locked by someone else are skipped (the next run gets them).
 */
export async function purgeWebhookPayloads(
  ex: Executor,
  params: { olderThan: Date; limit: number },
): Promise<number> {
  const rows = await ex.execute<{ id: string }>(sql`
    update webhook_events set body = null, body_purged_at = now()
    where id in (
      select id from webhook_events
      where received_at < ${params.olderThan.toISOString()}::timestamptz and body is not null
      limit ${params.limit}
      for update skip locked
    )
    returning id
  `);
  return rows.length;
}

/**
 * Stores several verified deliveries and queues their processing in ONE statement (one
 * transaction, one commit). Same semantics per delivery as {@link ingestWebhookEvent}: a
 * delivery already stored, or repeated within the batch, is a duplicate and gets no job.
 * Results are in input order.
 */
export async function ingestWebhookEvents(
  ex: Executor,
  inputs: readonly IngestWebhookEventInput[],
): Promise<IngestResult[]> {
  if (inputs.length === 0) return [];
  const rows = inputs.map((input, ord) => ({
    ord,
    provider: input.provider,
    dedupe_key: input.dedupeKey,
    provider_event_id: input.providerEventId,
    event_type: input.eventType,
    subject: input.subject,
    body: input.body,
    body_sha256: input.bodySha256,
  }));
  const result = await ex.execute<{
    provider: string;
    dedupe_key: string;
    id: string;
    inserted: boolean;
  }>(sql`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(
        ord int, provider text, dedupe_key text, provider_event_id text, event_type text,
        subject text, body text, body_sha256 text)
    ),
    firsts as (
      select distinct on (provider, dedupe_key) * from input order by provider, dedupe_key, ord
    ),
    inserted as (
      insert into webhook_events
        (provider, dedupe_key, provider_event_id, event_type, subject, body, body_sha256)
      select provider::webhook_provider, dedupe_key, provider_event_id, event_type, subject,
        body, body_sha256
      from firsts order by ord
      on conflict (provider, dedupe_key) do nothing
      returning id, provider::text as provider, dedupe_key
    ),
    queued as (
      select ${processWebhookEventBatch} as jobs
    )
    select provider, dedupe_key, id, true as inserted from inserted, queued
    union all
    select existing.provider::text, existing.dedupe_key, existing.id, false
    from webhook_events existing
    join firsts on existing.provider = firsts.provider::webhook_provider
      and existing.dedupe_key = firsts.dedupe_key
    where not exists (
      select 1 from inserted
      where inserted.provider = firsts.provider and inserted.dedupe_key = firsts.dedupe_key
    )
  `);
  const byKey = new Map(result.map((r) => [`${r.provider}\u0000${r.dedupe_key}`, r]));
  const claimed = new Set<string>();
  return inputs.map((input) => {
    const key = `${input.provider}\u0000${input.dedupeKey}`;
    const row = byKey.get(key);
    if (row?.inserted && !claimed.has(key)) {
      claimed.add(key);
      return { duplicate: false, id: row.id };
    }
    return { duplicate: true, id: row?.id ?? null };
  });
}

/**
 * The SQLSTATE of an error PostgreSQL raised, looking through drizzle's wrapper; null for
 * anything else (a dropped connection, a timeout on our side, a bug).
 */
export function postgresErrorCode(error: unknown): string | null {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    const { code, severity } = e as { code?: unknown; severity?: unknown };
    if (typeof code === "string" && typeof severity === "string" && /^[0-9A-Z]{5}$/.test(code)) {
      return code;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

/**
 * Whether a failed statement may have failed because of one of its rows: an error the
 * server raised about the statement, not about the connection, resources or the server
 * itself (classes 08, 53, 57, 58), after which retrying row by row would only repeat it.
 */
function mayBeRowSpecific(error: unknown): boolean {
  const code = postgresErrorCode(error);
  return code !== null && !["08", "53", "57", "58"].includes(code.slice(0, 2));
}

/**
 * A data exception (SQLSTATE class 22: invalid text, number out of range, …): the values
 * themselves can't be stored, so sending them again can't help.
 */
export function isDataException(error: unknown): boolean {
  return postgresErrorCode(error)?.startsWith("22") ?? false;
}

/**
 * Group commit for webhook ingest: deliveries that arrive while a batch is being written
 * wait and go together in the next statement, so under load one commit (and one
 * graphile-worker NOTIFY, which PostgreSQL serialises across the whole database) serves
 * many deliveries, and at low load a delivery is written at once, alone. Each caller
 * still gets its own result only after its delivery is durably committed with its job.
 * Per process; every API instance has its own, and they share nothing. When a batch
 * commits, the next one is sent before its callers are answered, so the API's work on
 * the answers overlaps the database's on the next batch.
 *
 * A batch whose statement fails because of a row is split in halves and each half written
 * again, down to single rows, so one delivery the database can't hold fails alone and
 * every other delivery of its batch is still stored and answered (each outcome is its
 * own). Errors that aren't about a row (connection lost, server shutting down) fail the
 * whole batch at once instead of being retried row by row.
 */
export function createWebhookIngestBatcher(ex: Executor, options: { maxBatch?: number } = {}) {
  const maxBatch = options.maxBatch ?? 100;
  type Waiting = {
    input: IngestWebhookEventInput;
    resolve: (r: IngestResult) => void;
    reject: (e: unknown) => void;
  };
  /** Answers a written batch's callers; run after the next batch has been sent. */
  type Settle = () => void;
  let queue: Waiting[] = [];
  let writing = false;

  /** Writes `batch`; halves it on a row-specific failure. Halves go in order, so a key
   * repeated across them is inserted by the first and a duplicate in the second. */
  async function write(batch: Waiting[]): Promise<Settle> {
    try {
      const results = await ingestWebhookEvents(
        ex,
        batch.map((w) => w.input),
      );
      return () => batch.forEach((w, i) => w.resolve(results[i]!));
    } catch (error) {
      if (batch.length === 1 || !mayBeRowSpecific(error)) {
        return () => batch.forEach((w) => w.reject(error));
      }
      const half = Math.ceil(batch.length / 2);
      const first = await write(batch.slice(0, half));
      const second = await write(batch.slice(half));
      return () => {
        first();
        second();
      };
    }
  }

  function writeNext(): Promise<Settle> | null {
    if (queue.length === 0) return null;
    const batch = queue.slice(0, maxBatch);
    queue = queue.slice(batch.length);
    return write(batch);
  }

  async function drain() {
    writing = true;
    let inFlight = writeNext();
    while (inFlight) {
      const settle = await inFlight;
      // The next batch goes to the database before this one's callers run: answering
      // them (a response each, over HTTP) then overlaps the next statement instead of
      // delaying it, which made the API's CPU per delivery part of every batch's cycle.
      inFlight = writeNext();
      if (!inFlight) writing = false;
      // After the next statement's write (postgres.js sends small ones on setImmediate).
      setImmediate(settle);
    }
  }

  return {
    ingest(input: IngestWebhookEventInput): Promise<IngestResult> {
      return new Promise<IngestResult>((resolve, reject) => {
        queue.push({ input, resolve, reject });
        if (!writing) void drain();
      });
    },
  };
}
