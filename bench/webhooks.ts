// Webhook benchmark, in one run on this machine:
//  1. ingest throughput: signed Stripe deliveries through the real HTTP route (verify +
//     dedup + enqueue) from a closed loop of keep-alive connections, next to the same SQL
//     statement issued directly with the same concurrency;
//  2. latency at a fixed offered rate (open loop: latency counts from the scheduled send
//     time, so a slow server can't hide its queue);
//  3. event-to-state: with two worker processes running, Cal.com MEETING_ENDED deliveries
//     for confirmed consultations; the time from the 2xx to the consultation showing
//     `completed` in the database.
//
//   node_modules/.bin/tsx bench/webhooks.ts
//
// BENCH_DATABASE_URL: a disposable database; otherwise an embedded PostgreSQL, durable and
// production-configured (BENCH_DURABILITY=ephemeral for the old fsync-off figures).
// BENCH_SECONDS (default 10), BENCH_CONCURRENCY (32), BENCH_RATE (500),
// BENCH_STATE_EVENTS (600), BENCH_STATE_RATE (60), BENCH_STATE_WARMUP (600: events the
// workers take first, unmeasured, as the API gets a warm-up), BENCH_WORKER_CONCURRENCY (2),
// BENCH_POLL_MS (100: how often the state poller, a safety net behind LISTEN, looks).
import { type ChildProcess, spawn } from "node:child_process";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import {
  DEV_CALCOM_WEBHOOK_SECRET,
  DEV_STRIPE_WEBHOOK_SECRET,
  signCalcomPayload,
  signStripePayload,
} from "@an/billing";
import {
  applyConsultationEvent,
  createConsultationFromIntent,
  createDb,
  type Db,
  type DbHandle,
  createWebhookIngestBatcher,
  migrateDatabase,
  seedDemoData,
  seedDemoMarketplace,
} from "@an/db";
import { bookingIntents } from "@an/db/schema";
import { DEFAULT_REFUND_POLICY } from "@an/domain";
import { sql } from "drizzle-orm";
import {
  describeBaseline,
  measureMachineBaseline,
  ratio as ratio2,
  cpuPerOperation,
  resetStatementStats,
  type CpuSample,
  sampleCpu,
  startBenchDatabase,
  topStatements,
} from "./lib/cluster";
import { RawHttpPool } from "./lib/raw-http";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const STATE_EVENTS = Number(process.env.BENCH_STATE_EVENTS ?? 600);
const STATE_RATE = Number(process.env.BENCH_STATE_RATE ?? 60);
const STATE_WARMUP = Number(process.env.BENCH_STATE_WARMUP ?? 600);
// Two jobs at a time per worker process: on 2 cores, more only adds contention (5 and 3
// gave a worse tail than 2 in the same runs).
const WORKER_CONCURRENCY = process.env.BENCH_WORKER_CONCURRENCY ?? "2";
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 100);
/** New deliveries sent through the API before anything is measured. */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20_000);
const LEAD_IN_SECONDS = Number(process.env.BENCH_LEAD_IN_SECONDS ?? 2);
/** The closed loop's HTTP and direct runs alternate in slices of about this many seconds. */
const SLICE_SECONDS = Number(process.env.BENCH_SLICE_SECONDS ?? 2);
const TARGETS = { rate: 1500, p99AtRate: 15, ratio: 0.9, stateP50: 15, stateP99: 60 };

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// `node --import tsx` rather than the tsx CLI, so killing a child kills the process itself.
const tsxLoader = join(root, "node_modules", "tsx", "dist", "esm", "index.mjs");

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const ms = (n: number) => n.toFixed(2);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

let stopping = false;

function launch(name: string, cwd: string, env: Record<string, string>): ChildProcess {
  // BENCH_CPU_PROFILE=<dir>: each child writes a V8 CPU profile there when it stops.
  const profile = process.env.BENCH_CPU_PROFILE
    ? ["--cpu-prof", `--cpu-prof-dir=${join(process.env.BENCH_CPU_PROFILE, name)}`]
    : [];
  const child = spawn(process.execPath, [...profile, "--import", tsxLoader, "src/main.ts"], {
    cwd: join(root, cwd),
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  child.on("exit", (code, signal) => {
    if (!stopping && code !== 0) console.error(`${name} exited early (${signal ?? code})`);
  });
  return child;
}

async function waitFor(url: string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up`);
}

/**
 * A random id shaped like Stripe's (`evt_` and 24 URL-safe characters): a delivery's keys
 * land anywhere in the indexes, as real ones do, rather than in one corner of them.
 */
function stripeId(prefix: string): string {
  return `${prefix}_${randomBytes(18).toString("base64url")}`;
}

/** A realistic Stripe event body (a completed checkout session), unique per call. */
function stripeEvent(i: number): string {
  const id = stripeId("evt");
  return JSON.stringify({
    id,
    object: "event",
    api_version: "2026-10-28.endive",
    created: Math.floor(Date.now() / 1000),
    type: "checkout.session.completed",
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: {
      object: {
        id: stripeId("cs"),
        object: "checkout.session",
        amount_total: 12000,
        currency: "usd",
        client_reference_id: randomUUID(),
        metadata: { consultation_id: randomUUID(), payment_id: randomUUID() },
        payment_intent: stripeId("pi"),
        payment_status: "paid",
        status: "complete",
        mode: "payment",
        expires_at: Math.floor(Date.now() / 1000) + 3600,
        success_url: "https://example.com/ok",
        cancel_url: "https://example.com/cancel",
      },
    },
  });
}

// The generator's connections: raw keep-alive sockets (bench/lib/raw-http.ts), so the
// CPU the load takes from the server under test is the server's own work, not Node's HTTP
// client's.
let pool: RawHttpPool | null = null;

function post(
  port: number,
  path: string,
  body: string,
  headers: Record<string, string>,
): Promise<number> {
  pool ??= new RawHttpPool(port, CONCURRENCY * 2);
  return pool.post(path, body, headers);
}

type Signed = { body: string; signature: string };

/**
 * Bodies signed before a phase starts: signing is Stripe's work, not ours, and on a
 * 2-core machine the load generator's CPU is taken from the server under test.
 */
function presign(count: number, offset: number): Signed[] {
  return Array.from({ length: count }, (_, i) => {
    const body = stripeEvent(offset + i);
    return { body, signature: signStripePayload(body, DEV_STRIPE_WEBHOOK_SECRET) };
  });
}

function postStripe(port: number, d: Signed) {
  return post(port, "/webhooks/stripe", d.body, { "stripe-signature": d.signature });
}

/**
 * Runs bench/lib/open-loop.ts in a process of its own: `warmup` deliveries, then the rest,
 * `rate` per second; their latencies from each one's scheduled time.
 */
async function runOpenLoop(port: number, rate: number, warmup: number, deliveries: Signed[]) {
  const dir = await mkdtemp(join(tmpdir(), "an-bench-open-"));
  const file = join(dir, "deliveries.jsonl");
  try {
    await writeFile(file, deliveries.map((d) => JSON.stringify(d)).join("\n"));
    const child = spawn(
      process.execPath,
      [
        "--import",
        tsxLoader,
        join(root, "bench", "lib", "open-loop.ts"),
        String(port),
        "/webhooks/stripe",
        String(rate),
        String(warmup),
        file,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    if (code !== 0) throw new Error(`the open-loop load generator exited with ${code}`);
    return JSON.parse(out) as { latencies: number[]; errors: number; seconds: number };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Runs `one` from `CONCURRENCY` loops for `seconds`, or until `limit` operations have been
 * started (the phase then ends early; the rate is still completed operations over the time
 * taken); returns completed operations/s and latencies.
 */
async function closedLoop(seconds: number, one: (i: number) => Promise<void>, limit = Infinity) {
  let next = 0;
  const latencies: number[] = [];
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end && next < limit) {
        const i = next++;
        const t0 = performance.now();
        await one(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { rate: latencies.length / elapsed, count: latencies.length, seconds: elapsed, latencies };
}

type Run = Awaited<ReturnType<typeof closedLoop>>;

function emptyRun(): Run {
  return { rate: 0, count: 0, seconds: 0, latencies: [] };
}

/** Adds a slice's operations, time and latencies to `total`. */
function addRun(total: Run, slice: Run) {
  total.count += slice.count;
  total.seconds += slice.seconds;
  for (const l of slice.latencies) total.latencies.push(l);
}

/** The rate over all slices (operations over their summed time); latencies sorted. */
function finishRun(total: Run) {
  total.rate = total.count / total.seconds;
  total.latencies.sort((a, b) => a - b);
}

/** Adds the CPU each process used between `before` and `after` to `total`. */
function addCpu(total: CpuSample, before: CpuSample, after: CpuSample) {
  for (const k of Object.keys(after)) total[k] = (total[k] ?? 0) + after[k]! - (before[k] ?? 0);
}

/** Waits until no job is due (finished jobs are deleted; timers due later don't count). */
async function drained(db: Db) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const [row] = await db.execute<{ due: number }>(
      sql`select count(*)::int as due from graphile_worker._private_jobs where run_at <= now()`,
    );
    if (row!.due === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the job queue did not drain within 2 minutes");
}

async function clearQueue(db: Db) {
  await db.execute(sql`delete from graphile_worker._private_jobs`);
}

/**
 * Between phases: the queued jobs go (in production the workers would have taken them),
 * and the tables are vacuumed, so one phase's leftovers don't tax the next.
 */
async function settle(db: Db) {
  await clearQueue(db);
  await db.execute(sql`vacuum analyze webhook_events`);
  await db.execute(sql`vacuum analyze graphile_worker._private_jobs`);
  await db.execute(sql`checkpoint`);
}

async function main() {
  const database = await startBenchDatabase();
  const databaseUrl = database.url;
  console.log(`PostgreSQL: ${database.description}.`);
  const baseline = await measureMachineBaseline(databaseUrl);
  console.log(describeBaseline(baseline));
  const children: ChildProcess[] = [];
  const handle = createDb(databaseUrl, { max: CONCURRENCY, applicationName: "an-bench" });
  try {
    await migrateDatabase(databaseUrl);
    await seedDemoData(handle.db);
    await seedDemoMarketplace(handle.db);
    const port = await freePort();
    const apiUrl = `http://127.0.0.1:${port}`;
    const common = {
      NODE_ENV: "development",
      DATABASE_URL: databaseUrl,
      MIGRATE_ON_START: "false",
      PUBLIC_API_URL: apiUrl,
    };
    // The API runs in its own process, logging at info like production; the load comes from this one.
    children.push(
      launch("api", "apps/api", {
        ...common,
        PORT: String(port),
        HOST: "127.0.0.1",
        LOG_LEVEL: "info",
        DATABASE_POOL_SIZE: "20",
      }),
    );
    await waitFor(`${apiUrl}/readyz`);
    console.log(
      `Machine: ${(await import("node:os")).cpus().length} cores; API pid ${children[0]!.pid}; ` +
        `${CONCURRENCY} connections, ${SECONDS} s per phase; workers: 2 processes × ${WORKER_CONCURRENCY} jobs.\n`,
    );

    // Closed loops through the route, each body sent once, and through the same batcher
    // called in this process: the route's own statements, grouped the same way, minus HTTP
    // and signature checks. The direct bodies are the HTTP ones under ids of their own.
    const httpLoop = (bodies: Signed[], seconds: number) => {
      let n = 0;
      return closedLoop(
        seconds,
        async () => {
          const status = await postStripe(port, bodies[n++]!);
          if (status !== 200) throw new Error(`ingest answered ${status}`);
        },
        bodies.length,
      );
    };
    const direct = createWebhookIngestBatcher(handle.db);
    const directLoop = (bodies: Signed[], seconds: number) => {
      let n = 0;
      return closedLoop(seconds, async () => {
        const template = bodies[n++ % bodies.length]!.body;
        const parsed = JSON.parse(template) as {
          id: string;
          type: string;
          data: { object: { id: string } };
        };
        // New ids of the same shape, so the direct rows land in the indexes as the HTTP
        // ones do; the rest of the body is the HTTP one's.
        const id = stripeId("evt");
        const subject = stripeId("cs");
        const body = template.replace(parsed.id, id).replace(parsed.data.object.id, subject);
        await direct.ingest({
          provider: "stripe",
          dedupeKey: id,
          providerEventId: id,
          eventType: parsed.type,
          subject,
          body,
          bodySha256: createHash("sha256").update(body).digest("hex"),
        });
      });
    };

    // Warm-up: JIT, connection pools, plans, heap sizing, with new deliveries (the bodies
    // of an earlier warm-up were sent over and over, so it warmed the duplicate path).
    const warm = presign(WARMUP, 1_000_000);
    await httpLoop(warm, 60);
    await directLoop(warm, 2);
    warm.length = 0;
    await settle(handle.db);

    // 1. Throughput: HTTP route vs the same statements directly, in interleaved slices
    // (HTTP, direct, direct, HTTP, HTTP, …), so that a slow spell of the machine or the
    // disk (autovacuum, a noisy neighbour) falls on both alike, as the discovery bench
    // alternates its HTTP and direct calls. Run one phase after the other, the ratio of
    // the same code moved between 0.43 and 1.05 from run to run. Enough bodies for
    // 6,000/s (a run at 4,000/s used up the 4,000/s it had); a faster slice ends early.
    const closed = presign(SECONDS * 6000, 0);
    const sliceCount = Math.max(1, Math.round(SECONDS / SLICE_SECONDS));
    const sliceSeconds = SECONDS / sliceCount;
    const perSlice = Math.floor(closed.length / sliceCount);
    // Unmeasured lead-in of each kind: the first seconds after `settle` (vacuum,
    // checkpoint) ran slower, whichever kind ran them: the first slice's statement took
    // 2.2–3.1 ms and 820–950 buffers a call, against 0.8 ms and 530 after it (autovacuum
    // ran about then, and full-page writes follow a checkpoint; which of them it was is
    // not established). A 1 s lead-in still left it in the first slice; 2 s did not.
    await httpLoop(presign(LEAD_IN_SECONDS * 6000, 2_000_000), LEAD_IN_SECONDS);
    await directLoop(closed, LEAD_IN_SECONDS);
    await resetStatementStats(databaseUrl);
    const apiPid = { api: children[0]!.pid };
    const httpRun = emptyRun();
    const directRun = emptyRun();
    const httpCpu: CpuSample = {};
    const directCpu: CpuSample = {};
    const slices: string[] = [];
    for (let k = 0; k < 2 * sliceCount; k += 1) {
      // ABBA order: HTTP first in even pairs, direct first in odd ones, so a steady drift
      // over the phase (the tables growing) favours neither.
      const pair = Math.floor(k / 2);
      const http = pair % 2 === 0 ? k % 2 === 0 : k % 2 === 1;
      const pids = http ? apiPid : {};
      const before = await sampleCpu(pids);
      const run = await (http
        ? httpLoop(closed.slice(pair * perSlice, (pair + 1) * perSlice), sliceSeconds)
        : directLoop(closed, sliceSeconds));
      addCpu(http ? httpCpu : directCpu, before, await sampleCpu(pids));
      addRun(http ? httpRun : directRun, run);
      slices.push(`${http ? "HTTP" : "direct"} ${run.rate.toFixed(0)}`);
    }
    finishRun(httpRun);
    finishRun(directRun);
    const ingestStatements = await topStatements(databaseUrl, 4);
    await settle(handle.db);

    // 2. Latency at a fixed offered rate (open loop), from a load generator process of its
    // own (bench/lib/open-loop.ts): its small heap keeps collection pauses out of the
    // latencies. The closed loop's 60,000 bodies are dropped here first.
    closed.length = 0;
    await resetStatementStats(databaseUrl);
    const total = RATE * SECONDS;
    const open = presign(RATE + total, 4_000_000);
    const openLoop = await runOpenLoop(port, RATE, RATE, open);
    const lat = openLoop.latencies;
    const errors = openLoop.errors;
    lat.sort((a, b) => a - b);
    const achieved = total / openLoop.seconds;
    const openStatements = await topStatements(databaseUrl, 3);

    // 3. Event-to-state latency with two worker processes.
    await clearQueue(handle.db);
    const booked = await confirmedConsultations(handle.db, STATE_WARMUP + STATE_EVENTS);
    await installStateSignal(handle.db);
    for (let w = 0; w < 2; w += 1) {
      children.push(
        launch(`worker-${w}`, "apps/worker", {
          ...common,
          LOG_LEVEL: "warn",
          WORKER_CONCURRENCY,
        }),
      );
    }
    await new Promise((r) => setTimeout(r, 3000));
    // Warm-up, as for the API: a fresh worker compiles its code paths and loads the
    // notice templates on its first jobs, which a long-running one has long done. Then the
    // queue drains (the warm-up's notices too) before the measured run starts.
    if (STATE_WARMUP > 0) {
      await eventToState(handle.db, handle.sql, port, booked.slice(0, STATE_WARMUP));
      await drained(handle.db);
    }
    const ids = booked.slice(STATE_WARMUP);
    await resetStatementStats(databaseUrl);
    const statePids = {
      api: children[0]!.pid,
      "worker-0": children[1]!.pid,
      "worker-1": children[2]!.pid,
    };
    const cpu2 = await sampleCpu(statePids);
    const [phase] = await handle.db.execute<{ at: string }>(
      sql`select clock_timestamp()::text as at`,
    );
    const state = await eventToState(handle.db, handle.sql, port, ids);
    const stateCpu = cpuPerOperation(cpu2, await sampleCpu(statePids), state.count);
    const waited = await waitBeforeProcessing(handle.db, phase!.at);
    const stateStatements = await topStatements(
      databaseUrl,
      Number(process.env.BENCH_STATEMENTS_TOP ?? 8),
    );

    const ratio = httpRun.rate / directRun.rate;
    const p = (xs: number[], q: number) => ms(percentile(xs, q));
    const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");
    console.log("Ingest (verify + dedup + enqueue), closed loop:");
    console.log(
      `  HTTP route   ${httpRun.rate.toFixed(0).padStart(6)} deliveries/s  (${httpRun.count} in ${httpRun.seconds.toFixed(1)} s; p50 ${p(httpRun.latencies, 50)} ms, p99 ${p(httpRun.latencies, 99)} ms)`,
    );
    console.log(
      `  direct SQL   ${directRun.rate.toFixed(0).padStart(6)} statements/s  (${directRun.count} in ${directRun.seconds.toFixed(1)} s; p50 ${p(directRun.latencies, 50)} ms, p99 ${p(directRun.latencies, 99)} ms)`,
    );
    console.log(
      `  CPU per delivery: HTTP: ${cpuPerOperation({}, httpCpu, httpRun.count)}; ` +
        `direct: ${cpuPerOperation({}, directCpu, directRun.count)}`,
    );
    console.log(
      `  ${sliceCount * 2} slices of ${sliceSeconds.toFixed(1)} s, per second: ${slices.join(", ")}`,
    );
    console.log(
      `  HTTP / direct = ${ratio.toFixed(2)}  target ≥ ${TARGETS.ratio}: ${verdict(ratio >= TARGETS.ratio)}; ` +
        `HTTP rate target ≥ ${TARGETS.rate}/s: ${verdict(httpRun.rate >= TARGETS.rate)}`,
    );
    console.log(
      `Open loop at ${RATE}/s offered for ${SECONDS} s (achieved ${achieved.toFixed(0)}/s, ${errors} errors):`,
    );
    console.log(
      `  p50 ${p(lat, 50)} ms, p95 ${p(lat, 95)} ms, p99 ${p(lat, 99)} ms, max ${p(lat, 100)} ms  ` +
        `target p99 ≤ ${TARGETS.p99AtRate} ms: ${verdict(percentile(lat, 99) <= TARGETS.p99AtRate)}`,
    );
    console.log(
      `Event to state (2xx → the commit that completed the consultation, heard by LISTEN), ${state.count} MEETING_ENDED ` +
        `at ${STATE_RATE}/s, two workers (after ${STATE_WARMUP} unmeasured; ${state.byPoll} found first by the ${POLL_MS} ms poll):`,
    );
    console.log(
      `  p50 ${p(state.latencies, 50)} ms, p95 ${p(state.latencies, 95)} ms, p99 ${p(state.latencies, 99)} ms, max ${p(state.latencies, 100)} ms  ` +
        `targets p50 ≤ ${TARGETS.stateP50}: ${verdict(percentile(state.latencies, 50) <= TARGETS.stateP50)}, ` +
        `p99 ≤ ${TARGETS.stateP99}: ${verdict(percentile(state.latencies, 99) <= TARGETS.stateP99)}`,
    );
    console.log(
      `  of which before a worker began it (the delivery's received_at to its processing ` +
        `transaction's start, ${waited.n} deliveries): p50 ${ms(waited.p50)} ms, p95 ${ms(waited.p95)} ms, p99 ${ms(waited.p99)} ms`,
    );
    console.log(`  CPU per event (its processing and the notices it queues): ${stateCpu}`);
    console.log(
      `Ratios to this machine's baseline: HTTP ingest = ${ratio2(httpRun.rate, baseline.insertsPerSecond)} and direct = ` +
        `${ratio2(directRun.rate, baseline.insertsPerSecond)} the single-row insert rate; p99 at ${RATE}/s = ` +
        `${(percentile(lat, 99) / baseline.commitP50Ms).toFixed(0)}× one commit; event to state p50 = ` +
        `${(percentile(state.latencies, 50) / baseline.commitP50Ms).toFixed(0)}× one commit`,
    );
    if (process.env.BENCH_STATEMENTS !== "0") {
      console.log("\nWhere the server's time went (pg_stat_statements), ingest phase:");
      for (const line of ingestStatements) console.log(`  ${line}`);
      console.log(`Open loop at ${RATE}/s:`);
      for (const line of openStatements) console.log(`  ${line}`);
      console.log("Event-to-state phase:");
      for (const line of stateStatements) console.log(`  ${line}`);
    }
  } finally {
    stopping = true;
    for (const c of children) c.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 1500));
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    pool?.close();
    await removeStateSignal(handle.db).catch(() => undefined);
    await handle.close();
    await database.stop();
  }
}

/**
 * How long the deliveries received since `since` waited before a worker began processing
 * them: `received_at` (the API's ingest statement) to `processed_at` (the start of the
 * worker's processing transaction), both stored to the millisecond. The rest of event to
 * state is processing, its commit and the poll.
 */
async function waitBeforeProcessing(db: Db, since: string) {
  const [row] = await db.execute<{ n: number; p: number[] | null }>(sql`
    select count(*)::int as n,
           percentile_disc(array[0.5, 0.95, 0.99]) within group (
             order by extract(epoch from processed_at - received_at) * 1000)::float8[] as p
      from webhook_events
     where provider = 'calcom' and received_at >= ${since}::timestamptz
       and processed_at is not null`);
  const [p50, p95, p99] = (row?.p ?? []).map(Number);
  return { n: row?.n ?? 0, p50: p50 ?? Number.NaN, p95: p95 ?? Number.NaN, p99: p99 ?? Number.NaN };
}

/** `n` paid consultations whose meeting has started, booked through the real functions. */
async function confirmedConsultations(db: Db, n: number) {
  const [client] = await db.execute<{ id: string }>(
    sql`select id from users where id like 'demo|client%' order by id limit 1`,
  );
  const [advisor] = await db.execute<{ user_id: string }>(
    sql`select user_id from advisors order by user_id limit 1`,
  );
  const now = new Date();
  const result: { id: string; uid: string }[] = [];
  for (let i = 0; i < n; i += 1) {
    const uid = `bench-${i}-${randomUUID().slice(0, 8)}`;
    await db.transaction(async (tx) => {
      const [intent] = await tx
        .insert(bookingIntents)
        .values({
          clientId: client!.id,
          advisorId: advisor!.user_id,
          durationMinutes: 60,
          quote: {
            currency: "USD",
            hourlyRate: 12000,
            price: 12000,
            platformFee: 2400,
            advisorShare: 9600,
            rules: { pricing: "bench", commission: "bench" },
          },
          refundPolicy: DEFAULT_REFUND_POLICY,
          holdWindowHours: 48,
          expiresAt: new Date(now.getTime() + 3_600_000),
        })
        .returning({ id: bookingIntents.id });
      const made = await createConsultationFromIntent(tx, {
        intentId: intent!.id,
        bookingUid: uid,
        startsAt: new Date(now.getTime() - 10 * 60_000),
        endsAt: new Date(now.getTime() + 50 * 60_000),
        now,
        paymentWindowMinutes: 60,
        origin: { source: "bench" },
      });
      if (made.kind !== "created") throw new Error(`booking failed: ${made.kind}`);
      const paid = await applyConsultationEvent(tx, {
        consultationId: made.consultation.id,
        event: {
          id: `bench-pay-${i}`,
          type: "payment_succeeded",
          actor: "system",
          amount: { amount: 12000, currency: "USD" },
        },
        now,
        origin: { source: "bench" },
      });
      if (paid.kind !== "applied") throw new Error(`payment failed: ${paid.kind}`);
      result.push({ id: made.consultation.id, uid });
    });
  }
  await clearQueue(db);
  return result;
}

/**
 * The bench's signal that a consultation reached `completed`: a NOTIFY from a trigger,
 * delivered when the transaction that completed it commits, which is when the new state
 * becomes visible to everyone. In the bench's own (disposable) database only; it adds one
 * notification to a transaction that already sends graphile-worker's.
 */
async function installStateSignal(db: Db) {
  await db.execute(sql`
    create or replace function bench_consultation_completed() returns trigger
    language plpgsql as $$
    begin
      perform pg_notify('bench_consultation_completed', new.id::text);
      return null;
    end $$`);
  await db.execute(sql`drop trigger if exists bench_consultation_completed on consultations`);
  await db.execute(sql`
    create trigger bench_consultation_completed after update of status on consultations
    for each row when (new.status = 'completed' and old.status is distinct from 'completed')
    execute function bench_consultation_completed()`);
}

async function removeStateSignal(db: Db) {
  await db.execute(sql`drop trigger if exists bench_consultation_completed on consultations`);
  await db.execute(sql`drop function if exists bench_consultation_completed()`);
}

/**
 * Sends MEETING_ENDED for each of `items` at STATE_RATE/s and measures, for each, the time
 * from its 2xx to the commit that made its consultation `completed`, as the bench hears
 * of it (LISTEN; see installStateSignal). Polling for the state instead added half a poll
 * interval and the poll's own query to every figure. A poll every POLL_MS stays as a
 * safety net: a completion it finds first is counted at the time it found it, and the
 * count of those is reported.
 */
async function eventToState(
  db: Db,
  client: DbHandle["sql"],
  port: number,
  items: { id: string; uid: string }[],
) {
  const sentAt = new Map<string, number>();
  const completedEarly = new Set<string>();
  const latencies: number[] = [];
  let byPoll = 0;
  const completed = (id: string, at: number) => {
    const t = sentAt.get(id);
    if (t === undefined) {
      // Completed before its 2xx reached the bench: the state was there at the answer.
      completedEarly.add(id);
      return;
    }
    latencies.push(Math.max(0, at - t));
    sentAt.delete(id);
  };
  const wanted = new Set(items.map((item) => item.id));
  const listening = await client.listen("bench_consultation_completed", (id) => {
    if (wanted.has(id)) completed(id, performance.now());
  });
  let polling = true;
  let lastSent = performance.now();
  const poller = (async () => {
    while (polling || sentAt.size > 0) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      const pending = [...sentAt.keys()];
      if (pending.length > 0) {
        const rows = await db.execute<{ id: string }>(
          sql`select id from consultations where id = any(${`{${pending.join(",")}}`}::uuid[]) and status = 'completed'`,
        );
        const seen = performance.now();
        for (const r of rows) {
          if (!sentAt.has(r.id)) continue;
          byPoll += 1;
          completed(r.id, seen);
        }
      }
      if (!polling && performance.now() - lastSent > 30_000) break;
    }
  })();
  try {
    const start = performance.now();
    await Promise.all(
      items.map(async (item, i) => {
        const due = start + (i * 1000) / STATE_RATE;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const body = JSON.stringify({
          triggerEvent: "MEETING_ENDED",
          id: i + 1,
          uid: item.uid,
          title: "Consultation",
          startTime: new Date(Date.now() - 10 * 60_000).toISOString(),
          endTime: new Date(Date.now() + 50 * 60_000).toISOString(),
          createdAt: new Date(Date.now() - 3_600_000).toISOString(),
          status: "ACCEPTED",
          attendees: [],
          metadata: {},
        });
        const status = await post(port, "/webhooks/calcom", body, {
          "x-cal-signature-256": signCalcomPayload(body, DEV_CALCOM_WEBHOOK_SECRET),
          "x-cal-webhook-version": "2021-10-20",
        });
        if (status !== 200) throw new Error(`MEETING_ENDED answered ${status}`);
        const answered = performance.now();
        lastSent = answered;
        if (completedEarly.delete(item.id)) {
          latencies.push(0);
        } else {
          sentAt.set(item.id, answered);
        }
      }),
    );
    polling = false;
    await poller;
  } finally {
    polling = false;
    await listening.unlisten();
  }
  latencies.sort((a, b) => a - b);
  if (sentAt.size > 0) console.log(`  ${sentAt.size} consultations never reached completed`);
  return { count: latencies.length, latencies, byPoll };
}

await main();
