import { sql } from "drizzle-orm";
import {
  check,
  index,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { ROLES } from "@an/domain";
import { timestamps } from "./columns";

export const userRole = pgEnum("user_role", ROLES);

/**
 * A person known to the platform. `id` is the identity provider's `sub`, so a user row
 * is created the first time a valid token is seen. Email may be absent (some providers'
 * access tokens don't carry it) but is unique when present.
 */
export const users = pgTable(
  "users",
  {
    id: text().primaryKey(),
    email: text(),
    firstName: text(),
    lastName: text(),
    /** BCP-47 tag of one of the supported locales. */
    locale: text().notNull().default("en"),
    /**
     * IANA time zone name, e.g. Africa/Cairo, as the person chose it (`auth.updatePreferences`)
     * or, until they do, as their first Cal.com booking reported it. Null = unknown: readers
     * show times in UTC, labelled as such.
     */
    timeZone: text(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("users_email_lower_key").on(sql`lower(${t.email})`),
    check("users_id_not_blank", sql`length(${t.id}) > 0`),
  ],
);

/**
 * Role grants, kept as history: a revoke sets `revoked_at` rather than deleting, and at
 * most one grant of a role per user is active at a time.
 */
export const userRoles = pgTable(
  "user_roles",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: userRole().notNull(),
    /** Null when the system granted it (first sign-in defaults, CLI bootstrap). */
    grantedBy: text().references(() => users.id, { onDelete: "set null" }),
    grantedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    revokedBy: text().references(() => users.id, { onDelete: "set null" }),
    revokedAt: timestamp({ withTimezone: true, precision: 3 }),
  },
  (t) => [
    uniqueIndex("user_roles_one_active_grant")
      .on(t.userId, t.role)
      .where(sql`${t.revokedAt} is null`),
    index("user_roles_user_idx").on(t.userId),
    check(
      "user_roles_revoked_after_granted",
      sql`${t.revokedAt} is null or ${t.revokedAt} >= ${t.grantedAt}`,
    ),
  ],
);
