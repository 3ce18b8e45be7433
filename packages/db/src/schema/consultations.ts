import { sql } from "drizzle-orm";
import {
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
  CONSULTATION_KINDS,
  CONSULTATION_STATES,
  DEFAULT_REFUND_POLICY,
  type OpenDispute,
  type RefundPolicy,
} from "@an/domain";
import { advisors } from "./advisors";
import { timestamps } from "./columns";
import { projects } from "./projects";
import { users } from "./users";

export const consultationStatus = pgEnum("consultation_status", CONSULTATION_STATES);
export const consultationKind = pgEnum("consultation_kind", CONSULTATION_KINDS);

/** The JSON form of the domain's open dispute (amount as plain minor units). */
export type StoredDispute = Omit<OpenDispute, "amount"> & { amount: number };

/**
 * A booked consultation: its frozen quote (integer minor units of `currency`), the frozen
 * refund policy and hold window, and the state the domain machine works on. `refundable*`
 * is what the client paid minus what was refunded, split like the quote.
 */
export const consultations = pgTable(
  "consultations",
  {
    id: uuid().primaryKey().defaultRandom(),
    clientId: text()
      .notNull()
      .references(() => users.id),
    advisorId: text()
      .notNull()
      .references(() => advisors.userId),
    status: consultationStatus().notNull().default("awaiting_payment"),
    /** A booked meeting, or an async advice pass (N days of written advice in the project's chat). */
    kind: consultationKind().notNull().default("booking"),
    startsAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    endsAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    durationMinutes: integer().notNull(),
    currency: text().notNull(),
    price: integer().notNull(),
    platformFee: integer().notNull(),
    advisorShare: integer().notNull(),
    /** What is still refundable, split like the quote; starts equal to it. */
    refundablePrice: integer().notNull(),
    refundableFee: integer().notNull(),
    refundableShare: integer().notNull(),
    hourlyRate: integer().notNull().default(0),
    /** Versions of the pricing and commission rules that made the quote. */
    quoteRules: jsonb().$type<{ pricing: string; commission: string }>(),
    refundPolicy: jsonb().$type<RefundPolicy>().notNull().default(DEFAULT_REFUND_POLICY),
    holdWindowHours: integer().notNull().default(48),
    holdEndsAt: timestamp({ withTimezone: true, precision: 3 }),
    paymentExpiresAt: timestamp({ withTimezone: true, precision: 3 }),
    dispute: jsonb().$type<StoredDispute>(),
    transferId: text(),
    /** The current Cal.com booking uid (reschedules move it; old uids stay as aliases). */
    bookingUid: text(),
    /** The client's optional project reference, free text (older rows; new ones link `projectId`). */
    project: text(),
    projectId: uuid().references(() => projects.id),
    /** An async advice pass's length in days (its window is `startsAt`..`endsAt`). */
    passDays: integer(),
    /** When the meeting reached completion (reviews open for 14 days from here). */
    completedAt: timestamp({ withTimezone: true, precision: 3 }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("consultations_booking_uid_key").on(t.bookingUid),
    index("consultations_status_idx").on(t.status, t.startsAt),
    check(
      "consultations_refundable_within_paid",
      sql`${t.refundablePrice} >= 0 and ${t.refundableFee} >= 0 and ${t.refundableShare} >= 0 and ${t.refundableFee} + ${t.refundableShare} = ${t.refundablePrice} and ${t.refundablePrice} <= ${t.price}`,
    ),
    index("consultations_client_idx").on(t.clientId, t.startsAt),
    index("consultations_advisor_idx").on(t.advisorId, t.startsAt),
    check(
      "consultations_amounts_add_up",
      sql`${t.price} >= 0 and ${t.platformFee} >= 0 and ${t.advisorShare} >= 0 and ${t.platformFee} + ${t.advisorShare} = ${t.price}`,
    ),
    check("consultations_ends_after_start", sql`${t.endsAt} > ${t.startsAt}`),
    index("consultations_project_idx")
      .on(t.projectId)
      .where(sql`${t.projectId} is not null`),
    check(
      "consultations_pass_has_days",
      sql`(${t.kind} = 'async_pass') = (${t.passDays} is not null) and (${t.passDays} is null or ${t.passDays} > 0)`,
    ),
  ],
);

/**
 * One review per consultation, by its client. The advisor may reply once; admins may
 * hide it (with a reason), which removes it from the rating.
 */
export const reviews = pgTable(
  "reviews",
  {
    id: uuid().primaryKey().defaultRandom(),
    consultationId: uuid()
      .notNull()
      .references(() => consultations.id),
    advisorId: text()
      .notNull()
      .references(() => advisors.userId),
    clientId: text()
      .notNull()
      .references(() => users.id),
    rating: integer().notNull(),
    body: text().notNull(),
    reply: text(),
    repliedAt: timestamp({ withTimezone: true, precision: 3 }),
    hiddenAt: timestamp({ withTimezone: true, precision: 3 }),
    hiddenBy: text().references(() => users.id),
    hiddenReason: text(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("reviews_one_per_consultation").on(t.consultationId),
    index("reviews_advisor_idx").on(t.advisorId, t.createdAt),
    check("reviews_rating_range", sql`${t.rating} between 1 and 5`),
    check("reviews_hidden_has_reason", sql`${t.hiddenAt} is null or ${t.hiddenReason} is not null`),
  ],
);
