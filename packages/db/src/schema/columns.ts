// Millisecond precision: JS Dates round-trip exactly, so keyset cursors built from them are exact.
import { timestamp } from "drizzle-orm/pg-core";

/** created_at / updated_at, both timestamptz set by the database. */
export const timestamps = {
  createdAt: timestamp({ withTimezone: true, precision: 3 }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true, precision: 3 })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date()),
};
