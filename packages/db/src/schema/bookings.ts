import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import {
  ACTORS,
  INCIDENT_KINDS,
  PAYMENT_STATUSES,
  REFUND_STATUSES,
  type RefundPolicy,
} from "@an/domain";
import { advisors } from "./advisors";
import { consultations } from "./consultations";
import { projects } from "./projects";
import { users } from "./users";

const at = () => timestamp({ withTimezone: true, precision: 3 });

/** The frozen price split of a booking intent, in minor units of `currency`. */
export type FrozenQuote = {
  currency: string;
  hourlyRate: number;
  price: number;
  platformFee: number;
  advisorShare: number;
  rules: { pricing: string; commission: string };
};

/**
 * A client's intent to book: the quote, refund policy and hold window frozen when the
 * client asked, before Cal.com is involved. The booking token carries only this row's id
 * (signed, expiring); `BOOKING_CREATED` turns the intent into a consultation, once.
 */
export const bookingIntents = pgTable(
  "booking_intents",
  {
    id: uuid().primaryKey().defaultRandom(),
    clientId: text()
      .notNull()
      .references(() => users.id),
    advisorId: text()
      .notNull()
      .references(() => advisors.userId),
    durationMinutes: integer().notNull(),
    project: text(),
    /** The client's project the consultation will be about; copied to the consultation. */
    projectId: uuid().references(() => projects.id),
    quote: jsonb().$type<FrozenQuote>().notNull(),
    refundPolicy: jsonb().$type<RefundPolicy>().notNull(),
    holdWindowHours: integer().notNull(),
    expiresAt: at().notNull(),
    /** Set when a booking used this intent; a second booking with the same token is refused. */
    consultationId: uuid().references(() => consultations.id),
    createdAt: at().notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("booking_intents_consultation_key").on(t.consultationId),
    index("booking_intents_client_idx").on(t.clientId, t.createdAt),
    check("booking_intents_duration_positive", sql`${t.durationMinutes} > 0`),
  ],
);

/** Every Cal.com uid a consultation has had: a reschedule gives the booking a new uid. */
export const bookingUidAliases = pgTable("booking_uid_aliases", {
  uid: text().primaryKey(),
  consultationId: uuid()
    .notNull()
    .references(() => consultations.id),
  createdAt: at().notNull().defaultNow(),
});

export const paymentStatus = pgEnum("payment_status", PAYMENT_STATUSES);

/**
 * A checkout session for a consultation (one open at a time). The charge id is what
 * refunds and, later, transfers (`source_transaction`) need.
 */
export const payments = pgTable(
  "payments",
  {
    id: uuid().primaryKey().defaultRandom(),
    consultationId: uuid()
      .notNull()
      .references(() => consultations.id),
    /** Null until the provider call that creates the session has succeeded. */
    providerSessionId: text(),
    url: text(),
    status: paymentStatus().notNull().default("open"),
    /**
     * What we asked for while open; once paid, what the provider actually charged (which a
     * tampered or misconfigured checkout can make differ from the consultation's quote).
     */
    amount: integer().notNull(),
    currency: text().notNull(),
    paymentIntentId: text(),
    chargeId: text(),
    /** Stripe's fee for the charge, when known, in `settlementCurrency` (the charge's when null). */
    processingFee: integer(),
    /**
     * The charge's balance transaction: the currency the platform's Stripe balance received
     * it in, how much, and Stripe's rate (an exact decimal string, never a float) when it
     * converted. Null until known; equal to amount/currency when nothing was converted.
     */
    settlementCurrency: text(),
    settlementAmount: bigint({ mode: "number" }),
    exchangeRate: text(),
    expiresAt: at().notNull(),
    paidAt: at(),
    createdAt: at().notNull().defaultNow(),
    updatedAt: at()
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [
    uniqueIndex("payments_provider_session_key").on(t.providerSessionId),
    uniqueIndex("payments_charge_key").on(t.chargeId),
    index("payments_consultation_idx").on(t.consultationId),
    check("payments_amount_positive", sql`${t.amount} > 0`),
  ],
);

export const refundStatus = pgEnum("refund_status", REFUND_STATUSES);

/**
 * A refund we asked the provider for. The row id is the idempotency key of the provider
 * call, so a retried job can never refund twice; the ledger entry was posted with the
 * state change that decided the refund.
 */
export const refunds = pgTable(
  "refunds",
  {
    id: uuid().primaryKey().defaultRandom(),
    consultationId: uuid()
      .notNull()
      .references(() => consultations.id),
    amount: integer().notNull(),
    currency: text().notNull(),
    reason: text().notNull(),
    status: refundStatus().notNull().default("pending"),
    providerRefundId: text(),
    failureMessage: text(),
    /**
     * What the refund took from the platform's balance (its balance transaction) when its
     * charge was converted: the settlement currency at the rate of the refund's moment.
     */
    settlementCurrency: text(),
    settlementAmount: bigint({ mode: "number" }),
    exchangeRate: text(),
    /** The consultation event that decided it. */
    eventId: text().notNull(),
    /**
     * The charge it returns, when it isn't the consultation's own payment (a charge the
     * consultation never accepted is refunded from exactly that payment).
     */
    paymentId: uuid().references(() => payments.id),
    requestedBy: text().references(() => users.id),
    createdAt: at().notNull().defaultNow(),
    updatedAt: at()
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [
    uniqueIndex("refunds_provider_refund_key").on(t.providerRefundId),
    uniqueIndex("refunds_event_key").on(t.consultationId, t.eventId),
    index("refunds_payment_idx").on(t.paymentId),
    check("refunds_amount_positive", sql`${t.amount} > 0`),
  ],
);

export const actor = pgEnum("actor", ACTORS);

/**
 * The consultation's timeline: every applied event (who, when, why, from which webhook or
 * procedure) and notable non-transitions (a refused event, an incident). Append-only.
 */
export const consultationEvents = pgTable(
  "consultation_events",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    consultationId: uuid()
      .notNull()
      .references(() => consultations.id),
    /** The domain event id: provider event id, timer key or request id. Unique per consultation. */
    eventId: text().notNull(),
    type: text().notNull(),
    actor: actor().notNull(),
    actorUserId: text(),
    /** e.g. `webhook:stripe:<id>`, `procedure:consultations.cancel`, `timer:scheduled_end`. */
    source: text().notNull(),
    fromStatus: text(),
    toStatus: text(),
    /** Whether the machine accepted it (refusals are kept for the timeline too). */
    applied: boolean().notNull(),
    reason: text(),
    data: jsonb(),
    at: at().notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("consultation_events_event_key")
      .on(t.consultationId, t.eventId)
      .where(sql`${t.applied}`),
    index("consultation_events_timeline_idx").on(t.consultationId, t.at),
  ],
);

export const incidentKind = pgEnum("incident_kind", INCIDENT_KINDS);

/**
 * Something an admin must look at: money that doesn't match its quote, a booking made
 * without a valid token, a provider call that keeps failing. `dedupeKey` keeps a repeated
 * webhook from raising the same incident twice.
 */
export const securityIncidents = pgTable(
  "security_incidents",
  {
    id: uuid().primaryKey().defaultRandom(),
    kind: incidentKind().notNull(),
    dedupeKey: text().notNull(),
    message: text().notNull(),
    consultationId: uuid().references(() => consultations.id),
    webhookEventId: uuid(),
    details: jsonb().notNull().default({}),
    createdAt: at().notNull().defaultNow(),
    resolvedAt: at(),
    resolvedBy: text().references(() => users.id),
    resolution: text(),
  },
  (t) => [
    uniqueIndex("security_incidents_dedupe_key").on(t.dedupeKey),
    index("security_incidents_open_idx").on(t.resolvedAt, t.createdAt),
  ],
);
