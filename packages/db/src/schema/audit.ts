import { bigserial, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Append-only record of admin actions and money movements. A trigger (see the custom
 * migration) rejects UPDATE and DELETE, so history can't be rewritten from the app.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    /** The acting user's id; null for the system or a CLI run. No foreign key: the record
     * must outlive anything it mentions. */
    actorId: text(),
    /** Who acted when there is no user: "system", "cli:admin-grant", … */
    actorLabel: text(),
    action: text().notNull(),
    subjectType: text().notNull(),
    subjectId: text().notNull(),
    before: jsonb(),
    after: jsonb(),
    requestId: text(),
    at: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    index("audit_log_subject_idx").on(t.subjectType, t.subjectId, t.at),
    index("audit_log_at_idx").on(t.at),
  ],
);
