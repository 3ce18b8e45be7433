import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import { runMigrations } from "graphile-worker";
import { createDb, type Executor } from "./client";

export const MIGRATIONS_FOLDER = join(dirname(fileURLToPath(import.meta.url)), "..", "drizzle");

/**
 * Brings a database up to date: our drizzle migrations, then graphile-worker's own schema,
 * in one step so a database is never half ready. Safe to run from several processes: both
 * migrators take advisory locks.
 */
export async function migrateDatabase(url: string): Promise<void> {
  const handle = createDb(url, { max: 1, applicationName: "advisor-network:migrate" });
  try {
    await migrate(handle.db, { migrationsFolder: MIGRATIONS_FOLDER });
  } finally {
    await handle.close();
  }
  await runMigrations({ connectionString: url });
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
