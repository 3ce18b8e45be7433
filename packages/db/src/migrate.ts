import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { runMigrations } from "graphile-worker";
import { createDb, type Executor } from "./client";

export const MIGRATIONS_FOLDER = join(dirname(fileURLToPath(import.meta.url)), "..", "drizzle");

/**
 * Autovacuum settings for graphile-worker's job table, a queue: every job is inserted,
 * updated when taken and deleted when done. With the default thresholds (20 % of a table
 * that is nearly empty when last counted) its dead rows pile up between vacuums, and
 * every enqueue and every fetch wades through their index entries. In the webhook bench's
 * event-to-state phase that made the single-row ingest statement 2.6-2.8 ms and 317-350
 * buffers, and a job fetch 0.44 ms and 68 buffers; vacuumed after every 500 dead rows,
 * 0.75-0.88 ms and 37 buffers, and 0.13-0.16 ms and 18-20 buffers. How soon autovacuum
 * looks again is the server's `autovacuum_naptime` (README, Configuration).
 */
export const JOB_QUEUE_AUTOVACUUM = {
  autovacuum_vacuum_scale_factor: 0,
  autovacuum_vacuum_threshold: 500,
  autovacuum_analyze_scale_factor: 0,
  autovacuum_analyze_threshold: 500,
  autovacuum_vacuum_cost_delay: 0,
} as const;

/**
 * Brings a database up to date: our drizzle migrations, then graphile-worker's own schema,
 * in one step so a database is never half ready, then the job table's autovacuum settings
 * (after graphile-worker's migrations, which create it; setting them again is a no-op).
 * Safe to run from several processes: both migrators take advisory locks.
 */
export async function migrateDatabase(url: string): Promise<void> {
  const handle = createDb(url, { max: 1, applicationName: "advisor-network:migrate" });
  try {
    await migrate(handle.db, { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await handle.close();
  }
  await runMigrations({ connectionString: url });
  const tune = createDb(url, { max: 1, applicationName: "advisor-network:migrate" });
  try {
    const options = Object.entries(JOB_QUEUE_AUTOVACUUM).map(([k, v]) => `${k} = ${v}`);
    await tune.db.execute(
      sql.raw(`alter table graphile_worker._private_jobs set (${options.join(", ")})`),
    );
  } finally {
    await tune.close();
  }
}

type Journal = { entries: { idx: number; when: number; tag: string }[] };

function latestMigrationMillis(): number {
  const journal = JSON.parse(
    readFileSync(join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8"),
  ) as Journal;
  return Math.max(...journal.entries.map((e) => e.when));
}

export type MigrationStatus =
  | { current: true }
  | { current: false; reason: "no_migrations_applied" | "behind" | "no_job_queue" };

/**
 * Whether the database has every committed migration applied (drizzle records each one's
 * folder timestamp) and graphile-worker's schema installed.
 */
export async function getMigrationStatus(db: Executor): Promise<MigrationStatus> {
  const [tables] = await db.execute<{ drizzle: boolean; worker: boolean }>(sql`
    select to_regclass('drizzle.__drizzle_migrations') is not null as drizzle,
      to_regclass('graphile_worker.migrations') is not null as worker
  `);
  if (!tables?.drizzle) return { current: false, reason: "no_migrations_applied" };
  const [applied] = await db.execute<{ latest: string | null }>(
    sql`select max(created_at)::text as latest from drizzle.__drizzle_migrations`,
  );
  if (!applied?.latest) return { current: false, reason: "no_migrations_applied" };
  if (Number(applied.latest) < latestMigrationMillis()) return { current: false, reason: "behind" };
  if (!tables.worker) return { current: false, reason: "no_job_queue" };
  return { current: true };
}
