import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  check,
  index,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { consultations } from "./consultations";

/**
 * A balanced journal entry (double entry). Append-only: triggers (custom migration) refuse
 * UPDATE and DELETE of entries and postings, and a deferred constraint trigger refuses a
 * transaction that leaves an entry's postings not summing to zero per currency.
 * Corrections are new entries.
 */
export const journalEntries = pgTable(
  "journal_entries",
  {
    id: uuid().primaryKey().defaultRandom(),
    kind: text().notNull(),
    consultationId: uuid().references(() => consultations.id),
    /** What caused it, e.g. `consultation:<id>:<event id>`; posting the same cause twice is refused. */
    dedupeKey: text().notNull(),
    memo: text(),
    postedAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("journal_entries_dedupe_key").on(t.dedupeKey),
    index("journal_entries_consultation_idx").on(t.consultationId, t.postedAt),
    index("journal_entries_posted_idx").on(t.postedAt),
  ],
);

/**
 * One line of an entry: debit positive, credit negative, in minor units of `currency`.
 * `account` is the domain's account name (`advisor_payable:<id>` etc.).
 */
export const journalPostings = pgTable(
  "journal_postings",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    entryId: uuid()
      .notNull()
      .references(() => journalEntries.id),
    account: text().notNull(),
    amount: bigint({ mode: "number" }).notNull(),
    currency: text().notNull(),
  },
  (t) => [
    index("journal_postings_entry_idx").on(t.entryId),
    index("journal_postings_account_idx").on(t.account, t.currency),
    check("journal_postings_amount_nonzero", sql`${t.amount} <> 0`),
    check("journal_postings_currency_code", sql`${t.currency} ~ '^[A-Z]{3}$'`),
  ],
);
