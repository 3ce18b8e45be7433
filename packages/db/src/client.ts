import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema";

export type Schema = typeof schema;
export type Db = PostgresJsDatabase<Schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** Query functions take this first: the pool-backed db, or a transaction. */
export type Executor = Db | Tx;

export type DbHandle = {
  db: Db;
  /** The underlying postgres.js client, for raw SQL and LISTEN/NOTIFY. */
  sql: postgres.Sql;
  close: () => Promise<void>;
};

export type CreateDbOptions = {
  /** Pool size per process. Default 10. */
  max?: number;
  /** Shown in pg_stat_activity, so an operator can tell API from worker connections. */
  applicationName?: string;
};

/** Opens a pooled connection. `casing` matches drizzle.config.ts, so columns are snake_case. */
export function createDb(url: string, options: CreateDbOptions = {}): DbHandle {
  const sql = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => undefined,
    connection: { application_name: options.applicationName ?? "advisor-network" },
  });
  const db = drizzle(sql, { schema, casing: "snake_case" });
  return { db, sql, close: () => sql.end({ timeout: 5 }) };
}
