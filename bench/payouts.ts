// Payout benchmark: one scheduled payout run for many advisors with released earnings,
// against a Stripe limited to a request rate (429 + Retry-After above it, as Stripe does),
// with the API and two worker processes running as in production. The workers call a
// loopback Stripe over HTTP with the Stripe SDK (bench/lib/stripe-transfers.ts), as they
// call Stripe in production; BENCH_PROVIDER=simulator runs them on the in-process
// simulator instead, whose state in PostgreSQL costs this machine a dozen statements per
// transfer that a real provider doesn't.
//
//   node_modules/.bin/tsx bench/payouts.ts
//
// Reports the run's wall time (plan → every transfer recorded), the request rate the
// provider accepted as a fraction of its limit, the 429s it answered and how many of them
// were left unhandled (an item failed for it), and duplicate transfers (provider transfers
// per payout item and per charge). The baseline, measured in the same run on a smaller
// set: the same run with no shared pacing, leaning on 429 + Retry-After alone.
//
// BENCH_DATABASE_URL: a disposable database; otherwise an embedded PostgreSQL, durable and
// production-configured (BENCH_DURABILITY=ephemeral for the old fsync-off figures).
// BENCH_PAYOUT_ADVISORS (10000), BENCH_BASELINE_ADVISORS (2000), BENCH_RATE_LIMIT (100),
// BENCH_WORKER_CONCURRENCY (8 jobs per worker process: a send mostly waits for its slot).
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createSimulatedPayments,
  parseBillingEnv,
  resolveBillingConfig,
  seedSimulatedConnect,
} from "@an/billing";
import {
  createDb,
  createPgSimStore,
  type Db,
  enqueueJob,
  findUnbalancedEntries,
  migrateDatabase,
  seedReleasedEarnings,
} from "@an/db";
import {
  cpuPerOperation,
  describeBaseline,
  measureMachineBaseline,
  resetStatementStats,
  sampleCpu,
  startBenchDatabase,
  topStatements,
} from "./lib/cluster";
import { type LoopbackStripe, startLoopbackStripe } from "./lib/stripe-transfers";
import { sql } from "drizzle-orm";

const ADVISORS = Number(process.env.BENCH_PAYOUT_ADVISORS ?? 10_000);
const BASELINE_ADVISORS = Number(process.env.BENCH_BASELINE_ADVISORS ?? 2_000);
const LIMIT = Number(process.env.BENCH_RATE_LIMIT ?? 100);
const WORKER_CONCURRENCY = process.env.BENCH_WORKER_CONCURRENCY ?? "8";
const PROVIDER = process.env.BENCH_PROVIDER ?? "loopback";
if (PROVIDER !== "loopback" && PROVIDER !== "simulator") {
  throw new Error(`BENCH_PROVIDER is "loopback" (default) or "simulator", not "${PROVIDER}"`);
}
const TARGET_FRACTION = 0.95;

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// `node --import tsx` rather than the tsx CLI, so killing a child kills the process itself.
const tsxLoader = join(root, "node_modules", "tsx", "dist", "esm", "index.mjs");

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

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForUrl(url: string) {
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

/** The provider as the run sees it: what the workers are told, and what it recorded. */
type Provider = {
  env: Record<string, string>;
  resetStats(): Promise<void>;
  stats(): Promise<{ accepted: number; throttled: number }>;
  transfers(since: number): Promise<
    {
      created: Date;
      destination: string;
      payoutItemId: string | null;
      sourceTransaction: string | null;
    }[]
  >;
};

/**
 * The loopback Stripe (the workers use the Stripe SDK over HTTP, as in production), or with
 * BENCH_PROVIDER=simulator the in-process simulator the sandbox runs on, whose state is in
 * PostgreSQL. Either learns the seeded accounts and charges.
 */
async function providerFor(
  db: Db,
  loopback: LoopbackStripe | null,
  earnings: Awaited<ReturnType<typeof seedReleasedEarnings>>,
): Promise<Provider> {
  if (loopback) {
    for (const e of earnings) {
      loopback.addAccount(e.accountId);
      loopback.addCharge(e.chargeId, e.price, e.currency);
    }
    return {
      env: {
        STRIPE_SECRET_KEY: "sk_test_bench_loopback",
        STRIPE_API_BASE: loopback.url,
        // Real payments need their webhook secrets; the loopback sends no webhooks.
        STRIPE_WEBHOOK_SECRETS: "whsec_bench_loopback",
        STRIPE_CONNECT_WEBHOOK_SECRETS: "whsec_bench_loopback_connect",
      },
      resetStats: async () => loopback.resetStats(),
      stats: async () => loopback.stats(),
      transfers: async (since) =>
        loopback
          .transfers()
          .filter((t) => t.createdMs >= since - 60_000)
          // Stripe's `created` is whole seconds; the sending window is measured on it.
          .map((t) => ({ ...t, created: new Date(Math.floor(t.createdMs / 1000) * 1000) })),
    };
  }
  const store = createPgSimStore(db);
  await seedSimulatedConnect(store, earnings);
  const config = resolveBillingConfig(parseBillingEnv({ SIM_STRIPE_RATE_LIMIT: String(LIMIT) }), {
    production: false,
    defaultApiUrl: "http://127.0.0.1:9",
  });
  const sim = createSimulatedPayments(config, { store, deliver: () => Promise.resolve() });
  return {
    env: { SIM_STRIPE_RATE_LIMIT: String(LIMIT) },
    resetStats: () => sim.resetRequestStats(),
    stats: () => sim.getRequestStats(),
    transfers: (since) =>
      sim.listTransfers({ from: new Date(since - 60_000), to: new Date(Date.now() + 60_000) }),
  };
}

async function count(db: Db, query: ReturnType<typeof sql>): Promise<number> {
  const [row] = await db.execute<{ n: string }>(query);
  return Number(row?.n ?? 0);
}

type RunResult = {
  advisors: number;
  /** CPU per item settled, by process (workers, API, PostgreSQL, this one). */
  cpu: string;
  /** The statements that took the server's time during the run. */
  statements: string[];
  prepareSeconds: number;
  profile: string;
  wallSeconds: number;
  sendSeconds: number;
  accepted: number;
  throttled: number;
  transferRequests: number;
  achievedRate: number;
  fraction: number;
  sent: number;
  unhandled429: number;
  failed: number;
  duplicateTransfers: number;
  unbalanced: number;
};

async function run(
  db: Db,
  input: {
    prefix: string;
    advisors: number;
    paced: boolean;
    env: Record<string, string>;
    apiPid: number | undefined;
    /** The run's database, for its statement statistics. */
    databaseUrl: string;
    /** The loopback Stripe the workers call over HTTP; null: the in-process simulator. */
    loopback: LoopbackStripe | null;
  },
): Promise<RunResult> {
  const now = new Date();
  process.stdout.write(`  seeding ${input.advisors} advisors with released earnings… `);
  const seededAt = Date.now();
  const earnings = await seedReleasedEarnings(db, {
    prefix: input.prefix,
    count: input.advisors,
    now,
  });
  const provider = await providerFor(db, input.loopback, earnings);
  await db.execute(sql`vacuum analyze`);
  console.log(`${((Date.now() - seededAt) / 1000).toFixed(1)} s`);
  await provider.resetStats();

  const workers = [1, 2].map((n) =>
    launch(`worker ${n}`, "apps/worker", {
      ...input.env,
      WORKER_CONCURRENCY,
      ...provider.env,
      // Paced: the workers share the provider's budget through PostgreSQL. Unpaced
      // (baseline): a budget far above the limit, so only 429 + Retry-After hold them back.
      PAYOUT_REQUESTS_PER_SECOND: String(input.paced ? LIMIT : LIMIT * 10),
    }),
  );
  const pids = { "worker-1": workers[0]!.pid, "worker-2": workers[1]!.pid, api: input.apiPid };
  await resetStatementStats(input.databaseUrl);
  const cpu0 = await sampleCpu(pids);
  const started = Date.now();
  await enqueueJob(db, "plan_payouts", {});
  const mine = sql`advisor_id like ${`${input.prefix}|%`}`;
  let last = -1;
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    const done = await count(
      db,
      sql`select count(*) as n from payout_items where ${mine} and status in ('sent', 'failed')`,
    );
    if (done !== last && (done - last >= 1000 || done === input.advisors)) {
      process.stdout.write(
        `  ${done}/${input.advisors} items settled after ${((Date.now() - started) / 1000).toFixed(0)} s\n`,
      );
      last = done;
    }
    if (done >= input.advisors) break;
    if (Date.now() - started > 30 * 60_000)
      throw new Error("payout run did not finish in 30 minutes");
  }
  const wallSeconds = (Date.now() - started) / 1000;
  const cpu = cpuPerOperation(cpu0, await sampleCpu(pids), input.advisors);
  const statements = await topStatements(
    input.databaseUrl,
    Number(process.env.BENCH_STATEMENTS_TOP ?? 8),
  );
  stopping = true;
  for (const w of workers) w.kill("SIGTERM");
  await Promise.all(workers.map((w) => new Promise((r) => w.once("exit", r))));
  stopping = false;

  const stats = await provider.stats();
  const transfers = await provider.transfers(started);
  const ours = transfers.filter((t) => t.destination.startsWith(`acct_${input.prefix}_`));
  const firstAt = Math.min(...ours.map((t) => t.created.getTime()));
  const lastAt = Math.max(...ours.map((t) => t.created.getTime()));
  // Stripe's `created` is whole seconds: the window is at least one second long.
  const sendSeconds = Math.max(1, (lastAt - firstAt) / 1000 + 1);
  const prepared = (
    await db.execute<{ first: string; last: string }>(sql`
      select min(created_at) as first, max(created_at) as last from payout_batches where ${mine}`)
  )[0]!;
  const prepareSeconds = (new Date(prepared.last).getTime() - started) / 1000;
  // Transfers per 10 s of the run, to show where the rate was reached.
  const buckets = new Map<number, number>();
  for (const t of ours) {
    const b = Math.floor((t.created.getTime() - started) / 10_000);
    buckets.set(b, (buckets.get(b) ?? 0) + 1);
  }
  const profile = [...buckets.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([b, n]) => `${b * 10}s:${(n / 10).toFixed(0)}/s`)
    .join(" ");
  const itemsPerTransfer = new Set(ours.map((t) => t.payoutItemId)).size;
  const chargesPerTransfer = new Set(ours.map((t) => t.sourceTransaction)).size;
  const accepted = stats.accepted;
  const achievedRate = accepted / sendSeconds;
  return {
    advisors: input.advisors,
    cpu,
    statements,
    prepareSeconds,
    profile,
    wallSeconds,
    sendSeconds,
    accepted,
    throttled: stats.throttled,
    transferRequests: ours.length,
    achievedRate,
    fraction: achievedRate / LIMIT,
    sent: await count(
      db,
      sql`select count(*) as n from payout_items where ${mine} and status = 'sent'`,
    ),
    unhandled429: await count(
      db,
      sql`select count(*) as n from payout_items where ${mine} and status = 'failed' and last_error_code = 'rate_limit'`,
    ),
    failed: await count(
      db,
      sql`select count(*) as n from payout_items where ${mine} and status = 'failed'`,
    ),
    duplicateTransfers: ours.length - itemsPerTransfer + (ours.length - chargesPerTransfer),
    unbalanced: (await findUnbalancedEntries(db)).length,
  };
}

function report(label: string, r: RunResult) {
  console.log(`\n${label}: ${r.advisors} advisors, one released consultation each`);
  console.log(`  wall time (plan → last transfer recorded): ${r.wallSeconds.toFixed(1)} s`);
  console.log(
    `  every batch and item created (with its ledger entries) after ${r.prepareSeconds.toFixed(1)} s`,
  );
  console.log(`  transfers per second, by 10 s of the run: ${r.profile}`);
  console.log(`  CPU per item (planning, preparing and sending it): ${r.cpu}`);
  console.log("  statements that took the server's time:");
  for (const line of r.statements) console.log(`    ${line}`);
  console.log(
    `  provider requests accepted: ${r.accepted} in a ${r.sendSeconds.toFixed(0)} s sending window → ${r.achievedRate.toFixed(1)} req/s = ${r.fraction.toFixed(3)} of the ${LIMIT} req/s limit`,
  );
  console.log(
    `  429s answered by the provider: ${r.throttled}; left unhandled (item failed on a 429): ${r.unhandled429}`,
  );
  console.log(`  items sent: ${r.sent}/${r.advisors}; failed: ${r.failed}`);
  console.log(
    `  transfers at the provider: ${r.transferRequests}; duplicates: ${r.duplicateTransfers}; unbalanced entries: ${r.unbalanced}`,
  );
}

async function main() {
  const database = await startBenchDatabase();
  const databaseUrl = database.url;
  console.log(`PostgreSQL: ${database.description}.`);
  const machine = await measureMachineBaseline(databaseUrl);
  console.log(describeBaseline(machine));
  const handle = createDb(databaseUrl, { max: 4, applicationName: "an-bench" });
  const loopback = PROVIDER === "loopback" ? await startLoopbackStripe({ rateLimit: LIMIT }) : null;
  let api: ChildProcess | null = null;
  try {
    await migrateDatabase(databaseUrl);
    const port = await freePort();
    const apiUrl = `http://127.0.0.1:${port}`;
    const common = {
      NODE_ENV: "development",
      DATABASE_URL: databaseUrl,
      MIGRATE_ON_START: "false",
      PUBLIC_API_URL: apiUrl,
      LOG_LEVEL: "warn",
    };
    // The API receives the simulated Stripe's webhooks about the transfers, as in production.
    api = launch("api", "apps/api", { ...common, PORT: String(port), HOST: "127.0.0.1" });
    await waitForUrl(`${apiUrl}/readyz`);
    console.log(
      `Machine: ${(await import("node:os")).cpus().length} cores; ${loopback ? `a loopback Stripe over HTTP (${loopback.url}), the workers on the Stripe SDK` : "the in-process simulated Stripe, its state in PostgreSQL"}, limited to ${LIMIT} req/s; 2 worker processes × ${WORKER_CONCURRENCY} jobs.`,
    );

    console.log("\nBaseline (no shared pacing: 429 + Retry-After only)");
    const baseline = await run(handle.db, {
      prefix: "base",
      advisors: BASELINE_ADVISORS,
      paced: false,
      env: common,
      apiPid: api.pid,
      databaseUrl,
      loopback,
    });
    console.log("\nPaced run (workers share the provider's budget through PostgreSQL)");
    const paced = await run(handle.db, {
      prefix: "bench",
      advisors: ADVISORS,
      paced: true,
      env: common,
      apiPid: api.pid,
      databaseUrl,
      loopback,
    });

    report("Baseline", baseline);
    report("Payout run", paced);
    const ok =
      paced.fraction >= TARGET_FRACTION &&
      paced.unhandled429 === 0 &&
      paced.duplicateTransfers === 0 &&
      paced.sent === paced.advisors;
    // The figure is bound by the provider's limit, not by this machine: the baseline says
    // how far below its own capacity the run stayed.
    console.log(
      `\nRatios to this machine's baseline: provider requests per second = ` +
        `${(paced.achievedRate / machine.insertsPerSecond).toFixed(4)}× the single-row insert rate`,
    );
    console.log(
      `\nTarget: achieved ≥ ${TARGET_FRACTION} of the limit, zero unhandled 429s, zero duplicate transfers — ${ok ? "met" : "NOT met"}.`,
    );
  } finally {
    stopping = true;
    api?.kill("SIGTERM");
    await loopback?.close();
    await handle.close();
    await database.stop();
  }
}

await main();
