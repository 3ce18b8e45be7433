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
  /**
   * Size of the second pool, for statements planned once for every value (see
   * `genericPlanClient`). Default half of `max`, at least 1. Its connections open on first use.
   */
  genericPlanMax?: number;
};

const GENERIC_PLAN_CLIENT = Symbol("advisor-network:generic-plan client");

/** Opens a pooled connection. `casing` matches drizzle.config.ts, so columns are snake_case. */
export function createDb(url: string, options: CreateDbOptions = {}): DbHandle {
  const max = options.max ?? 10;
  const applicationName = options.applicationName ?? "advisor-network";
  const sql = postgres(url, {
    max,
    onnotice: () => undefined,
    connection: { application_name: applicationName },
  });
  const generic = postgres(url, {
    max: options.genericPlanMax ?? Math.max(1, Math.ceil(max / 2)),
    onnotice: () => undefined,
    connection: { application_name: applicationName, plan_cache_mode: "force_generic_plan" },
  });
  const db = drizzle(sql, { schema, casing: "snake_case" });
  Object.defineProperty(db, GENERIC_PLAN_CLIENT, { value: generic });
  return {
    db,
    sql,
    close: async () => {
      await Promise.all([sql.end({ timeout: 5 }), generic.end({ timeout: 5 })]);
    },
  };
}

/**
 * The pool whose sessions keep a generic plan for every prepared statement from its first
 * run (`plan_cache_mode = force_generic_plan`), for a statement whose plan is meant to be
 * the same whatever its values: PostgreSQL otherwise plans it afresh for its first five
 * runs on each connection, and for ever after if its custom plans look cheaper on paper.
 * Null for a transaction (run such statements on the transaction, planned as usual).
 * Every other statement stays on the main pool, planned for its values.
 */
export function genericPlanClient(ex: Executor): postgres.Sql | null {
  return (ex as { [GENERIC_PLAN_CLIENT]?: postgres.Sql })[GENERIC_PLAN_CLIENT] ?? null;
}
