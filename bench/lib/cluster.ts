// What every benchmark shares: the PostgreSQL it runs on, a baseline of the machine measured
// in the same run (so figures from different machines can be compared as ratios), and the
// statements that cost the most (pg_stat_statements), for finding the cost before changing
// anything.
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createDb } from "@an/db";
import { startEmbeddedPostgres } from "@an/db/embedded";

/**
 * Production-like settings for a small dedicated server: memory sized for the working set,
 * SSD costs, checkpoints spread out. Durability is PostgreSQL's default and stays on
 * (`fsync`, `synchronous_commit`, `full_page_writes`): a delivery answered 200 survives a
 * crash. pg_stat_statements is loaded so each run can say where its time went.
 */
export const PRODUCTION_SETTINGS: Record<string, string> = {
  fsync: "on",
  synchronous_commit: "on",
  full_page_writes: "on",
  shared_buffers: "2GB",
  effective_cache_size: "8GB",
  work_mem: "16MB",
  maintenance_work_mem: "1GB",
  max_wal_size: "8GB",
  checkpoint_timeout: "15min",
  checkpoint_completion_target: "0.9",
  random_page_cost: "1.1",
  effective_io_concurrency: "200",
  shared_preload_libraries: "pg_stat_statements",
  "pg_stat_statements.track": "top",
  track_io_timing: "on",
  // Autovacuum looks every 5 s, not every minute, so the job queue's dead rows (see
  // JOB_QUEUE_AUTOVACUUM) are cleared within a bench phase, as under steady load.
  autovacuum_naptime: "5s",
};

export type BenchDatabase = {
  url: string;
  /** How the cluster runs, for the report's first line. */
  description: string;
  durable: boolean;
  stop: () => Promise<void>;
};

/**
 * BENCH_DATABASE_URL if given (a disposable database); otherwise an embedded PostgreSQL
 * in a temp dir, deleted afterwards, durable and production-configured unless
 * BENCH_DURABILITY=ephemeral (fsync and synchronous_commit off, for comparison only).
 */
export async function startBenchDatabase(): Promise<BenchDatabase> {
  const given = process.env.BENCH_DATABASE_URL;
  if (given) {
    const durable = await isDurable(given);
    const ext = createDb(given, { max: 1 });
    await ext.sql`create extension if not exists pg_stat_statements`.catch(() => undefined);
    await ext.close();
    return { url: given, description: `BENCH_DATABASE_URL`, durable, stop: async () => {} };
  }
  const durable = (process.env.BENCH_DURABILITY ?? "durable") !== "ephemeral";
  const dir = await mkdtemp(join(tmpdir(), "an-bench-"));
  const pg = await startEmbeddedPostgres({
    dataDir: join(dir, "data"),
    ephemeral: true,
    durable,
    settings: durable
      ? PRODUCTION_SETTINGS
      : {
          ...PRODUCTION_SETTINGS,
          fsync: "off",
          synchronous_commit: "off",
          full_page_writes: "off",
        },
  });
  const admin = createDb(pg.url, { max: 1 });
  await admin.sql`create database bench`;
  await admin.close();
  const url = pg.urlFor("bench");
  const ext = createDb(url, { max: 1 });
  await ext.sql`create extension if not exists pg_stat_statements`;
  await ext.close();
  return {
    url,
    description: durable
      ? "embedded PostgreSQL, durable (fsync, synchronous_commit, full_page_writes on), production settings"
      : "embedded PostgreSQL, EPHEMERAL (fsync and synchronous_commit off): not a target run",
    durable,
    // The cluster removes its data directory; the temp directory around it goes too.
    stop: async () => {
      await pg.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function isDurable(url: string): Promise<boolean> {
  const h = createDb(url, { max: 1 });
  try {
    const [row] = await h.sql<{ fsync: string; sc: string }[]>`
      select current_setting('fsync') as fsync, current_setting('synchronous_commit') as sc`;
    return row?.fsync === "on" && row.sc !== "off";
  } finally {
    await h.close();
  }
}

export type MachineBaseline = {
  cores: number;
  memoryGiB: number;
  /** Single-row inserts, each its own transaction, from `clients` connections. */
  insertsPerSecond: number;
  /** Primary-key selects from `clients` connections. */
  selectsPerSecond: number;
  /** One client's commit of a single-row insert: the cost of one WAL flush. */
  commitP50Ms: number;
  /** One client's commit p99: the disk's and scheduler's own tail, for latency tails. */
  commitP99Ms: number;
  /** One client's primary-key select, round trip included. */
  selectP50Ms: number;
  /** One core's speed, without the database: see `cpuLoopMs`. */
  cpuLoopMs: number;
  clients: number;
};

/**
 * One core's speed, apart from the database: the median time of five runs of a fixed
 * integer loop (10⁸ steps) in this process. The host these benches run on changed speed
 * by a third within minutes (a 3×10⁸-step loop took 372 ms, then 479–525 ms twenty
 * minutes later); the database figures alone don't say whether the CPU or the disk moved.
 */
export function cpuLoopMs(): number {
  const times: number[] = [];
  for (let run = 0; run < 5; run += 1) {
    const t = performance.now();
    let x = 0;
    for (let i = 0; i < 1e8; i += 1) x += i % 7;
    times.push(performance.now() - t);
    // The sum is used, so the loop can't be dropped as dead code.
    if (x !== 299_999_995) throw new Error(`the CPU loop summed to ${x}`);
  }
  times.sort((a, b) => a - b);
  return times[2]!;
}

/**
 * A pgbench-style baseline on the same PostgreSQL, in the same run: single-row insert and
 * indexed select rates from 32 connections, and one client's commit latency; and one
 * core's speed (`cpuLoopMs`). Benchmarks print their figures as ratios to it.
 */
export async function measureMachineBaseline(
  url: string,
  options: { seconds?: number; clients?: number } = {},
): Promise<MachineBaseline> {
  const seconds = options.seconds ?? 3;
  const clients = options.clients ?? 32;
  const loopMs = cpuLoopMs();
  const h = createDb(url, { max: clients, applicationName: "an-bench-baseline" });
  const sql = h.sql;
  try {
    await sql`drop table if exists bench_baseline`;
    await sql`create table bench_baseline (id bigserial primary key, a int not null, b text not null)`;
    await sql`insert into bench_baseline (a, b) select i, md5(i::text) from generate_series(1, 100000) i`;
    await sql`vacuum analyze bench_baseline`;
    const loop = async (one: () => Promise<unknown>, n: number, secs: number) => {
      let done = 0;
      const end = performance.now() + secs * 1000;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: n }, async () => {
          while (performance.now() < end) {
            await one();
            done += 1;
          }
        }),
      );
      return done / ((performance.now() - started) / 1000);
    };
    // Warm-up, then the measured runs.
    await loop(() => sql`select b from bench_baseline where id = 1`, clients, 0.5);
    const insertsPerSecond = await loop(
      () => sql`insert into bench_baseline (a, b) values (1, 'x')`,
      clients,
      seconds,
    );
    const selectsPerSecond = await loop(
      () => sql`select b from bench_baseline where id = ${1 + Math.floor(Math.random() * 100000)}`,
      clients,
      seconds,
    );
    const single: number[] = [];
    for (let i = 0; i < 1000; i += 1) {
      const t = performance.now();
      await sql`insert into bench_baseline (a, b) values (2, 'y')`;
      single.push(performance.now() - t);
    }
    single.sort((a, b) => a - b);
    const selects: number[] = [];
    for (let i = 0; i < 500; i += 1) {
      const t = performance.now();
      await sql`select b from bench_baseline where id = ${1 + Math.floor(Math.random() * 100000)}`;
      selects.push(performance.now() - t);
    }
    selects.sort((a, b) => a - b);
    await sql`drop table bench_baseline`;
    return {
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      insertsPerSecond,
      selectsPerSecond,
      commitP50Ms: single[Math.floor(single.length / 2)]!,
      commitP99Ms: single[Math.ceil(single.length * 0.99) - 1]!,
      selectP50Ms: selects[Math.floor(selects.length / 2)]!,
      cpuLoopMs: loopMs,
      clients,
    };
  } finally {
    await h.close();
  }
}

export function describeBaseline(b: MachineBaseline): string {
  return (
    `Machine baseline (same PostgreSQL, this run): ${b.cores} cores, ${b.memoryGiB} GiB; ` +
    `${b.clients} clients: ${Math.round(b.insertsPerSecond)} single-row inserts/s, ` +
    `${Math.round(b.selectsPerSecond)} indexed selects/s; one client: commit p50 ${b.commitP50Ms.toFixed(2)} ms, ` +
    `commit p99 ${b.commitP99Ms.toFixed(2)} ms, ` +
    `indexed select p50 ${b.selectP50Ms.toFixed(3)} ms; one core: a fixed 10⁸-step loop in ` +
    `${b.cpuLoopMs.toFixed(0)} ms (median of 5)`
  );
}

/** Resets pg_stat_statements (no-op where it isn't installed). */
export async function resetStatementStats(url: string): Promise<void> {
  const h = createDb(url, { max: 1 });
  try {
    await h.sql`select pg_stat_statements_reset()`.catch(() => undefined);
  } finally {
    await h.close();
  }
}

/** The statements that took the most server time since the last reset, for the report. */
export async function topStatements(url: string, limit = 6): Promise<string[]> {
  const h = createDb(url, { max: 1 });
  try {
    const rows = await h.sql<
      {
        calls: number;
        total: number;
        mean: number;
        max: number;
        hit: number;
        read: number;
        query: string;
      }[]
    >`
      select calls::int, total_exec_time::float8 as total, mean_exec_time::float8 as mean,
             max_exec_time::float8 as max,
             shared_blks_hit::int as hit, shared_blks_read::int as read,
             regexp_replace(query, '\\s+', ' ', 'g') as query
        from pg_stat_statements
       where query not ilike '%pg_stat_statements%'
       order by total_exec_time desc limit ${limit}`.catch(() => []);
    return rows.map(
      (r) =>
        `${r.total.toFixed(0).padStart(7)} ms total, ${String(r.calls).padStart(7)} calls, ` +
        `${r.mean.toFixed(3)} ms mean, ${r.max.toFixed(1)} ms max, ` +
        `${Math.round(r.hit / Math.max(1, r.calls))} buffers/call: ` +
        r.query.slice(0, 140),
    );
  } finally {
    await h.close();
  }
}

export function ratio(value: number, base: number): string {
  return `${(value / base).toFixed(3)}×`;
}

/** CPU seconds (user + system) used so far by each group of processes, read from /proc. */
export type CpuSample = Record<string, number>;

const TICKS = 100; // USER_HZ on Linux

/**
 * CPU used so far by: this process, the given child pids, and every `postgres` process.
 * Empty off Linux. Two samples' difference says where a phase's CPU went.
 */
export async function sampleCpu(children: Record<string, number | undefined>): Promise<CpuSample> {
  const { readFile, readdir } = await import("node:fs/promises");
  const read = async (pid: number | string) => {
    try {
      const stat = await readFile(`/proc/${pid}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const comm = stat.slice(stat.indexOf("(") + 1, close);
      const fields = stat.slice(close + 2).split(" ");
      return { comm, cpu: (Number(fields[11]) + Number(fields[12])) / TICKS };
    } catch {
      return null;
    }
  };
  const sample: CpuSample = {};
  const self = process.cpuUsage();
  sample.bench = (self.user + self.system) / 1e6;
  for (const [name, pid] of Object.entries(children)) {
    if (pid === undefined) continue;
    sample[name] = (await read(pid))?.cpu ?? 0;
  }
  let postgres = 0;
  for (const entry of await readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const s = await read(entry);
    if (s?.comm === "postgres") postgres += s.cpu;
  }
  sample.postgres = postgres;
  return sample;
}

/** Per-operation CPU between two samples, e.g. "API 210 µs, postgres 95 µs, bench 120 µs". */
export function cpuPerOperation(before: CpuSample, after: CpuSample, operations: number): string {
  return Object.keys(after)
    .map((k) => `${k} ${(((after[k]! - (before[k] ?? 0)) / operations) * 1e6).toFixed(0)} µs`)
    .join(", ");
}
