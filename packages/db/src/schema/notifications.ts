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
  uuid,
} from "drizzle-orm/pg-core";
import { NOTIFICATION_STATUSES } from "@an/domain";
import { timestamps } from "./columns";
import { users } from "./users";

export const notificationStatus = pgEnum("notification_status", NOTIFICATION_STATUSES);

/**
 * The notifications outbox. Every message is written here first, rendered in the
 * recipient's locale; it is sent by SMTP when configured, and otherwise stays `queued`
 * for the console to show. `dedupe_key` makes writing the same message twice a no-op.
 */
export const notifications = pgTable(
  "notifications",
  {
    id: uuid().primaryKey().defaultRandom(),
    dedupeKey: text().notNull().unique(),
    userId: text().references(() => users.id, { onDelete: "set null" }),
    toEmail: text(),
    template: text().notNull(),
    params: jsonb().notNull().default({}),
    locale: text().notNull(),
    subject: text().notNull(),
    body: text().notNull(),
    status: notificationStatus().notNull().default("queued"),
    attempts: integer().notNull().default(0),
    lastError: text(),
    providerMessageId: text(),
    sentAt: timestamp({ withTimezone: true, precision: 3 }),
    ...timestamps,
  },
  (t) => [
    index("notifications_status_idx").on(t.status, t.createdAt),
    index("notifications_user_idx").on(t.userId),
    check("notifications_attempts_non_negative", sql`${t.attempts} >= 0`),
  ],
);
