import { sql } from "drizzle-orm";
import {
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import type { CommissionRuleSet } from "@an/domain";
import { advisors } from "./advisors";
import { users } from "./users";

/**
 * Operator-set platform rules, one row per version of a kind (`advisor_onboarding`, later
 * pricing limits, commission …). Rows are never updated: a change is a new version, so the
 * history says who changed what, when and why. The newest version of a kind is in force;
 * with none, the code default is (shown as version 0). `rules` is validated by the domain
 * (`validatePlatformRules`) on the way in and on the way out.
 */
export const platformRuleVersions = pgTable(
  "platform_rule_versions",
  {
    id: uuid().primaryKey().defaultRandom(),
    kind: text().notNull(),
    version: integer().notNull(),
    rules: jsonb().notNull(),
    createdBy: text().references(() => users.id, { onDelete: "set null" }),
    reason: text().notNull(),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    // Two admins saving at once can't both make version n (the workflow also locks per kind).
    uniqueIndex("platform_rule_versions_kind_version_key").on(t.kind, t.version),
    check("platform_rule_versions_version_positive", sql`${t.version} >= 1`),
  ],
);

/**
 * Single-use invitations to apply as an advisor while onboarding is invite-only. Only a
 * hash of the token is stored: the link is shown once, to the admin who issued it, and
 * mailed to the invitee.
 */
export const applicationInvitations = pgTable(
  "application_invitations",
  {
    id: uuid().primaryKey().defaultRandom(),
    email: text().notNull(),
    tokenHash: text().notNull(),
    expiresAt: timestamp({ withTimezone: true, precision: 3 }).notNull(),
    createdBy: text().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    usedAt: timestamp({ withTimezone: true, precision: 3 }),
    usedByUserId: text().references(() => users.id, { onDelete: "set null" }),
    revokedAt: timestamp({ withTimezone: true, precision: 3 }),
    revokedBy: text().references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [
    uniqueIndex("application_invitations_token_hash_key").on(t.tokenHash),
    index("application_invitations_created_idx").on(t.createdAt, t.id),
    check(
      "application_invitations_used_or_revoked",
      sql`${t.usedAt} is null or ${t.revokedAt} is null`,
    ),
  ],
);

/**
 * An advisor's own commission, replacing the platform's whole while it lasts (a launch
 * partner at 10 %, a negotiated cap). Set by an admin with a reason and an optional end;
 * at most one is live per advisor (ending it, or setting a new one, ends the old). A quote
 * records `commission-override:<id>`, so an override never reprices a booked consultation.
 */
export const advisorCommissionOverrides = pgTable(
  "advisor_commission_overrides",
  {
    id: uuid().primaryKey().defaultRandom(),
    advisorId: text()
      .notNull()
      .references(() => advisors.userId, { onDelete: "cascade" }),
    terms: jsonb().$type<CommissionRuleSet>().notNull(),
    reason: text().notNull(),
    /** When it stops applying by itself; null: until an admin ends it. */
    endsAt: timestamp({ withTimezone: true, precision: 3 }),
    createdBy: text().references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    /** Set when an admin ends it early or replaces it. */
    endedAt: timestamp({ withTimezone: true, precision: 3 }),
    endedBy: text().references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [
    uniqueIndex("advisor_commission_overrides_live_key")
      .on(t.advisorId)
      .where(sql`${t.endedAt} is null`),
    index("advisor_commission_overrides_advisor_idx").on(t.advisorId, t.createdAt),
  ],
);
