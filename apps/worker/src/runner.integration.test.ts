import { sql } from "drizzle-orm";
import { grantRole, seedDemoData } from "@an/db";
import { useTestDatabase } from "@an/db/testing";
import pino from "pino";
import { describe, expect, it } from "vitest";
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
});
