import { sql } from "drizzle-orm";
import {
  check,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { CONSULTATION_STATES } from "@an/domain";
import { advisors } from "./advisors";
import { timestamps } from "./columns";
import { users } from "./users";

export const consultationStatus = pgEnum("consultation_status", CONSULTATION_STATES);

/**
 * A booked consultation with its frozen quote (integer minor units of `currency`). The
 * bookings work extends this; reviews already hang off it.
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
    startsAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    endsAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    durationMinutes: integer().notNull(),
    currency: text().notNull(),
    price: integer().notNull(),
    platformFee: integer().notNull(),
    advisorShare: integer().notNull(),
    /** When the meeting reached completion (reviews open for 14 days from here). */
    completedAt: timestamp({ withTimezone: true, precision: 3 }),
    ...timestamps,
  },
  (t) => [
    index("consultations_client_idx").on(t.clientId, t.startsAt),
    index("consultations_advisor_idx").on(t.advisorId, t.startsAt),
    check(
      "consultations_amounts_add_up",
      sql`${t.price} >= 0 and ${t.platformFee} >= 0 and ${t.advisorShare} >= 0 and ${t.platformFee} + ${t.advisorShare} = ${t.price}`,
    ),
    check("consultations_ends_after_start", sql`${t.endsAt} > ${t.startsAt}`),
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
