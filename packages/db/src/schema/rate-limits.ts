import { bigint, integer, pgTable, varchar } from "drizzle-orm/pg-core";

/**
 * Counters for rate-limiter-flexible's Postgres store, shared by every API instance.
 * The columns are the ones that library reads and writes; it is told the table exists.
 */
export const rateLimits = pgTable("rate_limits", {
  key: varchar({ length: 255 }).primaryKey(),
  points: integer().notNull().default(0),
  /** Epoch milliseconds. */
  expire: bigint({ mode: "number" }),
});
