import { type ChildProcess, spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { enqueueJob } from "@an/db";
import { useTestDatabase } from "@an/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
// `node --import tsx`, not the tsx CLI: the CLI runs the code in a child process, which a
// SIGKILL of the CLI would leave running.
const tsxLoader = join(root, "node_modules", "tsx", "dist", "esm", "index.mjs");

function startWorkerProcess(databaseUrl: string, apiUrl: string): ChildProcess {
  return spawn(process.execPath, ["--import", tsxLoader, "src/main.ts"], {
    cwd: join(root, "apps", "worker"),
    env: {
      ...process.env,
      NODE_ENV: "test",
      DATABASE_URL: databaseUrl,
      MIGRATE_ON_START: "false",
      LOG_LEVEL: "silent",
      PUBLIC_API_URL: apiUrl,
      WORKER_HEARTBEAT_SECONDS: "1",
      WORKER_STALE_SECONDS: "2",
      WORKER_CONCURRENCY: "2",
    },
    stdio: "ignore",
  });
}

async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("a worker killed with SIGKILL mid-job", () => {
  const t = useTestDatabase();
  let server: Server;
  let apiUrl: string;
  let hang = true;
  const received: string[] = [];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    // Stands in for our webhook route: holds the first delivery open, so the job is
    // mid-flight when its worker is killed.
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push(body);
        if (hang) return;
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const c of children) c.kill("SIGKILL");
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it("loses nothing: another worker runs the job once the dead one stops beating", async () => {
    const body = JSON.stringify({ id: "evt_liveness", type: "ping" });
    await enqueueJob(t.db, "deliver_simulated_webhook", { provider: "stripe", body });

    const first = startWorkerProcess(t.url, apiUrl);
    children.push(first);
    await until("the first delivery attempt", () =>
      Promise.resolve(received.length > 0 ? true : null),
    );
    const [locked] = await t.db.execute<{ locked_by: string | null }>(
      sql`select locked_by from graphile_worker.jobs where task_identifier = 'deliver_simulated_webhook'`,
    );
    expect(locked?.locked_by).toBeTruthy();

    first.kill("SIGKILL");
    await new Promise<void>((r) => first.once("exit", () => r()));
    hang = false;

    const second = startWorkerProcess(t.url, apiUrl);
    children.push(second);
    await until("the job to finish on the second worker", async () => {
      const [row] = await t.db.execute<{ n: string }>(
        sql`select count(*)::text as n from graphile_worker.jobs where task_identifier = 'deliver_simulated_webhook'`,
      );
      return row?.n === "0" ? true : null;
    });
    // At least once: the same body, delivered again after the crash.
    expect(received.length).toBeGreaterThanOrEqual(2);
    expect(new Set(received)).toEqual(new Set([body]));
    const beats = await t.db.execute<{ n: string }>(
      sql`select count(*)::text as n from worker_heartbeats`,
    );
    // The dead process was forgotten; only the live one remains.
    expect(beats[0]?.n).toBe("1");
  });
});
