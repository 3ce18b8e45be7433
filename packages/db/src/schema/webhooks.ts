import { sql } from "drizzle-orm";
import {
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  jsonb,
} from "drizzle-orm/pg-core";
import { WEBHOOK_EVENT_STATUSES, WEBHOOK_PROVIDERS } from "@an/domain";

const at = () => timestamp({ withTimezone: true, precision: 3 });

export const webhookProvider = pgEnum("webhook_provider", WEBHOOK_PROVIDERS);

/** What each status means: `WEBHOOK_EVENT_STATUSES` in the domain's vocabulary. */
export const webhookEventStatus = pgEnum("webhook_event_status", WEBHOOK_EVENT_STATUSES);

/**
 * Every verified delivery, kept for audit. Dedup: Stripe's event id; for Cal.com, which
 * has none, sha256 of the body plus trigger and booking uid. The body is dropped after the
 * retention period (`body` null, `bodyPurgedAt` set); hash and outcome stay.
 */
export const webhookEvents = pgTable(
  "webhook_events",
  {
    id: uuid().primaryKey().defaultRandom(),
    provider: webhookProvider().notNull(),
    dedupeKey: text().notNull(),
    /** Stripe `evt_…`; null for Cal.com. */
    providerEventId: text(),
    eventType: text().notNull(),
    /** The booking uid or the Stripe object id it is about, for lookups. */
    subject: text(),
    body: text(),
    bodySha256: text().notNull(),
    status: webhookEventStatus().notNull().default("received"),
    outcome: text(),
    attempts: integer().notNull().default(0),
    consultationId: uuid(),
    receivedAt: at().notNull().defaultNow(),
    processedAt: at(),
    bodyPurgedAt: at(),
    /** Set by an admin replay. */
    replayedAt: at(),
    replayedBy: text(),
    details: jsonb(),
  },
  (t) => [
    uniqueIndex("webhook_events_dedupe_key").on(t.provider, t.dedupeKey),
    index("webhook_events_received_idx").on(t.receivedAt),
    index("webhook_events_status_idx").on(t.status, t.receivedAt),
    index("webhook_events_consultation_idx").on(t.consultationId, t.receivedAt),
    index("webhook_events_subject_idx").on(t.subject),
    // The retention job scans only rows that still have a body.
    index("webhook_events_body_kept_idx")
      .on(t.receivedAt)
      .where(sql`${t.body} is not null`),
  ],
);

/**
 * State of the simulated Stripe and Cal.com (development and tests only), so every API and
 * worker process sees the same simulated provider. `kind` is e.g. `checkout_session`.
 */
export const simObjects = pgTable(
  "sim_objects",
  {
    kind: text().notNull(),
    id: text().notNull(),
    data: jsonb().notNull(),
    createdAt: at().notNull().defaultNow(),
    updatedAt: at().notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("sim_objects_pk").on(t.kind, t.id),
    index("sim_objects_kind_idx").on(t.kind, t.createdAt),
  ],
);

/**
 * One row per running worker process, refreshed by its heartbeat. A process that stops
 * beating (killed, lost its machine) has its graphile-worker job locks released by the
 * others, so its in-flight jobs run again instead of waiting for the 4-hour lock expiry.
 */
export const workerHeartbeats = pgTable("worker_heartbeats", {
  processId: text().primaryKey(),
  workerIds: text().array().notNull(),
  startedAt: at().notNull().defaultNow(),
  heartbeatAt: at().notNull().defaultNow(),
});
