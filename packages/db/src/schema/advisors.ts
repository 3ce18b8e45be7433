import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { ADVISOR_STATUSES, APPLICATION_STATUSES, PAYOUT_CADENCES } from "@an/domain";
import { timestamps } from "./columns";
import { users } from "./users";

/**
 * The managed skills taxonomy. A merged skill keeps its row (pointing at the survivor) so
 * old references and synonyms still resolve; only unmerged skills are offered.
 */
export const skills = pgTable(
  "skills",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Normalized, unique among all skills: "nodejs". */
    slug: text().notNull(),
    /** Display name: "Node.js". */
    name: text().notNull(),
    mergedIntoId: uuid().references((): AnyPgColumn => skills.id),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("skills_slug_key").on(t.slug),
    check(
      "skills_not_merged_into_self",
      sql`${t.mergedIntoId} is null or ${t.mergedIntoId} <> ${t.id}`,
    ),
  ],
);

/** Alternative spellings that find a skill: "node", "node.js" → Node.js. Terms are normalized. */
export const skillSynonyms = pgTable("skill_synonyms", {
  term: text().primaryKey(),
  skillId: uuid()
    .notNull()
    .references(() => skills.id, { onDelete: "cascade" }),
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

/**
 * Words a misspelled search word may be corrected to: skill names, slugs and synonyms and
 * advisors' name words, normalized like the searched text. Kept by
 * `refreshAdvisorSearchText`; never pruned, as a stale word only adds an alternative that
 * matches nothing.
 */
export const discoveryTerms = pgTable("discovery_terms", { term: text().primaryKey() }, (t) => [
  index("discovery_terms_trgm_idx").using("gin", t.term.op("gin_trgm_ops")),
]);

export const advisorStatus = pgEnum("advisor_status", ADVISOR_STATUSES);
export const payoutCadence = pgEnum("payout_cadence", PAYOUT_CADENCES);

/**
 * An approved advisor's public profile and settings. Rates are integer minor units of
 * `currency`; the rating aggregate is kept in the same transaction as each review.
 */
export const advisors = pgTable(
  "advisors",
  {
    userId: text()
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    displayName: text().notNull(),
    headline: text().notNull(),
    bio: text().notNull(),
    avatarPath: text(),
    timeZone: text().notNull(),
    /**
     * Where the advisor lives and is paid (ISO 3166-1 alpha-2), from their application: their
     * Stripe account is created there. Null for advisors approved before it was asked.
     */
    country: text(),
    yearsExperience: integer().notNull(),
    portfolioUrl: text(),
    linkedinUrl: text(),
    githubUrl: text(),
    hourlyRate: integer().notNull(),
    /** The price of one day of written advice in a project's chat (an async advice pass); null = not offered. */
    asyncDayRate: integer(),
    currency: text().notNull(),
    calcomEventType: text(),
    status: advisorStatus().notNull().default("active"),
    /** The advisor's own pause switch; suspension is the admins'. */
    acceptingBookings: boolean().notNull().default(true),
    suspendedReason: text(),
    suspendedAt: timestamp({ withTimezone: true, precision: 3 }),
    payoutCadence: payoutCadence().notNull().default("monthly"),
    /** Weekly runs: ISO weekday (1 = Monday). */
    payoutWeekday: integer().notNull().default(1),
    /** Monthly runs: day of month (a shorter month runs on its last day). */
    payoutDayOfMonth: integer().notNull().default(1),
    /** Biweekly runs: a local date that is a run day (YYYY-MM-DD); null = the default anchor. */
    payoutAnchorDate: text(),
    /** Local run time HH:MM in `timeZone`. */
    payoutRunAt: text().notNull().default("09:00"),
    /** The next scheduled payout run (UTC); null until the planner first computes it. */
    nextPayoutAt: timestamp({ withTimezone: true, precision: 3 }),
    /** An admin's hold: earnings accrue, nothing is paid until it is lifted. */
    payoutsHeldAt: timestamp({ withTimezone: true, precision: 3 }),
    payoutsHeldReason: text(),
    payoutsHeldBy: text(),
    /** Set when an approved advisor changes a sensitive field (name, links): an admin re-checks. */
    flaggedForReviewAt: timestamp({ withTimezone: true, precision: 3 }),
    ratingCount: integer().notNull().default(0),
    ratingSum: integer().notNull().default(0),
    /** Name, headline, bio and skill names, kept current by the profile queries; searched. */
    searchText: text().notNull().default(""),
    ...timestamps,
  },
  (t) => [
    check("advisors_rate_non_negative", sql`${t.hourlyRate} >= 0`),
    check("advisors_async_rate_positive", sql`${t.asyncDayRate} is null or ${t.asyncDayRate} > 0`),
    check("advisors_years_non_negative", sql`${t.yearsExperience} >= 0`),
    check("advisors_country_alpha2", sql`${t.country} is null or ${t.country} ~ '^[A-Z]{2}$'`),
    check(
      "advisors_rating_consistent",
      sql`${t.ratingCount} >= 0 and ${t.ratingSum} between ${t.ratingCount} and 5 * ${t.ratingCount}`,
    ),
    index("advisors_next_payout_idx")
      .on(t.nextPayoutAt)
      .where(sql`${t.payoutsHeldAt} is null`),
    check("advisors_payout_weekday", sql`${t.payoutWeekday} between 1 and 7`),
    check("advisors_payout_day_of_month", sql`${t.payoutDayOfMonth} between 1 and 31`),
    check(
      "advisors_payout_hold_has_reason",
      sql`${t.payoutsHeldAt} is null or ${t.payoutsHeldReason} is not null`,
    ),
    check(
      "advisors_suspension_has_reason",
      sql`${t.status} <> 'suspended' or ${t.suspendedReason} is not null`,
    ),
  ],
);

export const advisorSkills = pgTable(
  "advisor_skills",
  {
    advisorId: text()
      .notNull()
      .references(() => advisors.userId, { onDelete: "cascade" }),
    skillId: uuid()
      .notNull()
      .references(() => skills.id),
  },
  (t) => [
    primaryKey({ columns: [t.advisorId, t.skillId] }),
    index("advisor_skills_skill_idx").on(t.skillId),
  ],
);

export const advisorLanguages = pgTable(
  "advisor_languages",
  {
    advisorId: text()
      .notNull()
      .references(() => advisors.userId, { onDelete: "cascade" }),
    /** BCP-47 language code, e.g. "en", "ar". */
    language: text().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.advisorId, t.language] }),
    index("advisor_languages_language_idx").on(t.language),
  ],
);

export const applicationStatus = pgEnum("application_status", APPLICATION_STATUSES);

/**
 * A user's application to become an advisor. `profile` holds what they applied with
 * (validated by the API's schema); at most one application per user is open (draft,
 * submitted or changes requested) at a time.
 */
export const advisorApplications = pgTable(
  "advisor_applications",
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: text()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    status: applicationStatus().notNull().default("draft"),
    profile: jsonb().notNull(),
    /** How many times it has been submitted. */
    round: integer().notNull().default(0),
    submittedAt: timestamp({ withTimezone: true, precision: 3 }),
    decidedAt: timestamp({ withTimezone: true, precision: 3 }),
    decidedBy: text().references(() => users.id, { onDelete: "set null" }),
    decisionReason: text(),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("advisor_applications_one_open")
      .on(t.userId)
      .where(sql`${t.status} in ('draft', 'submitted', 'changes_requested')`),
    index("advisor_applications_queue_idx").on(t.status, t.submittedAt),
    check("advisor_applications_round_non_negative", sql`${t.round} >= 0`),
  ],
);

/** Each submission of an application and the admin's decision on it: the review history. */
export const advisorApplicationRounds = pgTable(
  "advisor_application_rounds",
  {
    id: uuid().primaryKey().defaultRandom(),
    applicationId: uuid()
      .notNull()
      .references(() => advisorApplications.id, { onDelete: "cascade" }),
    round: integer().notNull(),
    profile: jsonb().notNull(),
    submittedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
    decision: applicationStatus(),
    notes: text(),
    decidedBy: text().references(() => users.id, { onDelete: "set null" }),
    decidedAt: timestamp({ withTimezone: true, precision: 3 }),
  },
  (t) => [uniqueIndex("advisor_application_rounds_key").on(t.applicationId, t.round)],
);
