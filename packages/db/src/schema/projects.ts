import { sql } from "drizzle-orm";
import {
  check,
  index,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { skills } from "./advisors";
import { timestamps } from "./columns";
import { users } from "./users";

/**
 * A client's project (an app built on the host platform). `externalRef` is the id the host
 * platform gives it, unique per owner; archiving keeps the row, its chat and its
 * consultations readable and stops new invitations and passes.
 */
export const projects = pgTable(
  "projects",
  {
    id: uuid().primaryKey().defaultRandom(),
    ownerId: text()
      .notNull()
      .references(() => users.id),
    name: text().notNull(),
    description: text().notNull().default(""),
    externalRef: text(),
    archivedAt: timestamp({ withTimezone: true, precision: 3 }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("projects_owner_external_ref_key")
      .on(t.ownerId, t.externalRef)
      .where(sql`${t.externalRef} is not null`),
    index("projects_owner_idx").on(t.ownerId, t.createdAt),
    check("projects_name_not_blank", sql`length(btrim(${t.name})) > 0`),
  ],
);

/** The skills a project needs (suggestions match advisors on these). */
export const projectSkills = pgTable(
  "project_skills",
  {
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    skillId: uuid()
      .notNull()
      .references(() => skills.id),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.skillId] }),
    index("project_skills_skill_idx").on(t.skillId),
  ],
);

/** The languages a project's conversation can be held in (BCP-47 codes, like advisors'). */
export const projectLanguages = pgTable(
  "project_languages",
  {
    projectId: uuid()
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    language: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.language] })],
);
