import { sql } from "drizzle-orm";
import { enqueueJob, grantRole, seedDemoData } from "@an/db";
import { useTestDatabase } from "@an/db/testing";
import pino from "pino";
import { Writable } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import { loadWorkerEnv } from "./env";
import { startWorker } from "./runner";

const t = useTestDatabase((db) => seedDemoData(db.db));

async function until<T>(
  probe: () => Promise<T | null | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("worker runner", () => {
  it("two worker processes drain the queue together, each job once, then stop cleanly", async () => {
    const env = loadWorkerEnv({ NODE_ENV: "test", LOG_LEVEL: "silent", WORKER_CONCURRENCY: "2" });
    const log = pino({ level: "silent" });
    const workers = await Promise.all([startWorker(env, t.url, log), startWorker(env, t.url, log)]);
    try {
      const users = [
        "demo|client-sam",
        "demo|client-diego",
        "demo|advisor-amira",
        "demo|advisor-lucas",
      ];
      await t.db.transaction(async (tx) => {
        for (const userId of users) {
          await grantRole(tx, { userId, role: "admin", actor: { kind: "system", label: "test" } });
        }
      });
      const rows = await until(async () => {
        const r = await t.db.execute<{ user_id: string }>(
          sql`select user_id from notifications where template = 'role_granted'`,
        );
        return r.length === users.length ? r : null;
      });
      expect(rows.map((r) => r.user_id).sort()).toEqual([...users].sort());
      // A job's row goes only after its task has committed, so the outbox can be seen a
      // moment before the queue is empty: wait for the queue to drain, don't race it.
      const drained = await until(async () => {
        const pending = await t.db.execute<{ n: number }>(
          sql`select count(*)::int as n from graphile_worker._private_jobs j join graphile_worker._private_tasks k on k.id = j.task_id where k.identifier = 'send_notification'`,
        );
        return pending[0]?.n === 0;
      });
      expect(drained).toBe(true);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
    const connections = await t.db.execute<{ n: number }>(
      sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name like 'advisor-network:worker%'`,
    );
    expect(connections[0]?.n).toBe(0);
  });

  it("graphile-worker's own lines go through our logger as JSON, at our level, never to the console", async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString("utf8").split("\n").filter(Boolean))
          lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const consoleCalls = (["log", "info", "warn", "error", "debug"] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation(() => undefined),
    );
    const completed = () =>
      lines.filter(
        (l) =>
          l.component === "graphile-worker" &&
          typeof l.msg === "string" &&
          l.msg.startsWith("Completed task"),
      );
    const runOneJob = async (level: "info" | "warn") => {
      const env = loadWorkerEnv({ NODE_ENV: "test", LOG_LEVEL: level, WORKER_CONCURRENCY: "1" });
      const worker = await startWorker(env, t.url, pino({ level }, sink));
      try {
        await enqueueJob(t.db, "purge_expired_rate_limits", {});
        await until(async () => {
          const pending = await t.db.execute<{ n: number }>(
            sql`select count(*)::int as n from graphile_worker._private_jobs`,
          );
          return pending[0]?.n === 0;
        });
      } finally {
        await worker.stop();
      }
    };
    try {
      await runOneJob("warn");
      expect(completed()).toEqual([]);

      await runOneJob("info");
      expect(completed()).toContainEqual(
        expect.objectContaining({
          level: 30,
          task: "purge_expired_rate_limits",
          jobId: expect.any(String) as string,
          durationMs: expect.any(Number) as number,
        }),
      );
      for (const spy of consoleCalls) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of consoleCalls) spy.mockRestore();
    }
  });
});
