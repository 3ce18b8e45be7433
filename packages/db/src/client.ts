import { type SQL, sql as sqlTag } from "drizzle-orm";
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

/**
 * Starts a statement that must be planned for its values every time it runs (see
 * `preparing`): such a statement is sent unnamed, as drizzle sends every statement.
 */
export const PLANNED_FOR_ITS_VALUES = "/* planned for its values */";

/** `query`, sent unnamed: planned for its values on every run (see `preparing`). */
export function plannedForItsValues(query: SQL): SQL {
  return sqlTag`${sqlTag.raw(PLANNED_FOR_ITS_VALUES)} ${query}`;
}

/**
 * The client drizzle runs on: every statement with parameters goes out as a named prepared
 * statement, kept per connection, so PostgreSQL parses it once per connection instead of on
 * every run (drizzle sends them unnamed). On these 2-core machines a short statement's
 * parse and plan cost more than running it: a primary-key join and an update, alternated on
 * one connection, took 190–195 µs of the server's CPU each unnamed and 58–70 µs prepared,
 * and 97–163 µs of the client's against 56–87 µs. PostgreSQL still plans a prepared statement
 * for its values on its first five runs and keeps doing so unless a generic plan costs no
 * more. A statement starting with {@link PLANNED_FOR_ITS_VALUES} stays unnamed. postgres.js
 * retires a connection after 30–60 minutes, and its statements with it, so a connection's
 * cache holds only what it ran since it opened; a statement whose plan a migration
 * invalidated is prepared again (postgres.js retries it).
 */
function preparing(client: postgres.Sql): postgres.Sql {
  const wrap = (target: postgres.Sql): postgres.Sql =>
    new Proxy(target, {
      get(t, key, receiver) {
        if (key === "unsafe") {
          return (query: string, args?: unknown[], options?: postgres.UnsafeQueryOptions) =>
            t.unsafe(query, args as postgres.ParameterOrJSON<never>[], {
              ...options,
              prepare: !query.startsWith(PLANNED_FOR_ITS_VALUES),
            });
        }
        // A transaction's or savepoint's queries go through the same rule.
        if (key === "begin" || key === "savepoint") {
          const method = Reflect.get(t, key, receiver) as (...a: unknown[]) => unknown;
          return (...a: unknown[]) =>
            method.apply(
              t,
              a.map((arg) =>
                typeof arg === "function"
                  ? (scoped: postgres.Sql) => (arg as (s: postgres.Sql) => unknown)(wrap(scoped))
                  : arg,
              ),
            );
        }
        return Reflect.get(t, key, receiver) as unknown;
      },
    });
  return wrap(client);
}

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
  const db = drizzle(preparing(sql), { schema, casing: "snake_case" });
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
