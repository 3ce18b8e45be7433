import { createHash, randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import type { Db } from "../index";
import { webhookEvents } from "../schema";

/*
 * What tests read back (queued jobs, audit actions, incidents, stored deliveries, open
 * payments) and the deliveries they store the way ingest does.
 */

export type QueuedJob = {
  task: string;
  payload: Record<string, unknown>;
  key: string | null;
  runAt: Date;
};

/** Jobs waiting in the queue for `task`, oldest first. */
export async function queuedJobs(db: Db, task: string): Promise<QueuedJob[]> {
  const rows = await db.execute<{
    payload: Record<string, unknown>;
    key: string | null;
    run_at: Date;
  }>(sql`
    select j.payload, j.key, j.run_at from graphile_worker._private_jobs j
    join graphile_worker._private_tasks k on k.id = j.task_id
    where k.identifier = ${task} order by j.id
  `);
  return rows.map((r) => ({ task, payload: r.payload, key: r.key, runAt: new Date(r.run_at) }));
}

/** Removes a queued job (by task and job key), as a worker taking it would. */
export async function removeQueuedJob(db: Db, task: string, key: string | null): Promise<void> {
  await db.execute(
    sql`delete from graphile_worker._private_jobs j using graphile_worker._private_tasks k
        where k.id = j.task_id and k.identifier = ${task} and j.key = ${key}`,
  );
}

/** Payloads of queued jobs of one task, oldest first. */
export async function jobPayloads<T = Record<string, unknown>>(db: Db, task: string): Promise<T[]> {
  return (await queuedJobs(db, task)).map((job) => job.payload as T);
}

/** Audit actions about one consultation, oldest first. */
export async function auditActions(db: Db, subjectId: string): Promise<string[]> {
  const rows = await db.execute<{ action: string }>(
    sql`select action from audit_log where subject_id = ${subjectId} order by id`,
  );
  return rows.map((r) => r.action);
}

/** Incidents with a given kind, newest first. */
export async function incidents(db: Db, kind?: string) {
  return db.execute<{
    kind: string;
    dedupe_key: string;
    message: string;
    consultation_id: string | null;
  }>(sql`
    select kind, dedupe_key, message, consultation_id from security_incidents
    where ${kind ?? null}::text is null or kind::text = ${kind ?? null}
    order by created_at desc
  `);
}

/**
 * Stores a verified delivery the way ingest does (without queueing its job: tests run
 * the handler themselves). Returns the row id.
 */
export async function insertWebhookDelivery(
  db: Db,
  provider: "stripe" | "stripe_connect" | "calcom",
  body: unknown,
  receivedAt: Date,
): Promise<string> {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const parsed = JSON.parse(raw) as {
    id?: string;
    type?: string;
    triggerEvent?: string;
    uid?: string;
    payload?: { uid?: string; bookingUid?: string };
    data?: { object?: { id?: string } };
  };
  const sha = createHash("sha256").update(raw).digest("hex");
  const [row] = await db
    .insert(webhookEvents)
    .values({
      provider,
      // A unique key per call: tests store the "same" delivery twice on purpose.
      dedupeKey: `${sha}:${randomUUID()}`,
      providerEventId: provider === "calcom" ? null : (parsed.id ?? null),
      eventType: (provider === "calcom" ? parsed.triggerEvent : parsed.type) ?? "unknown",
      subject:
        provider !== "calcom"
          ? (parsed.data?.object?.id ?? null)
          : (parsed.payload?.uid ?? parsed.payload?.bookingUid ?? parsed.uid ?? null),
      body: raw,
      bodySha256: sha,
      receivedAt,
    })
    .returning({ id: webhookEvents.id });
  return row!.id;
}

/** A stored delivery's row. */
export async function webhookEventRow(db: Db, id: string) {
  const [row] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, id));
  return row!;
}

/** The consultation's newest open payment (its id and Checkout Session id), or null. */
export async function openPaymentOf(
  db: Db,
  consultationId: string,
): Promise<{ paymentId: string; sessionId: string } | null> {
  const rows = await db.execute<{ id: string; provider_session_id: string }>(sql`
    select id, provider_session_id from payments
    where consultation_id = ${consultationId} and status = 'open' order by created_at desc limit 1
  `);
  const row = rows[0];
  return row ? { paymentId: row.id, sessionId: row.provider_session_id } : null;
}
