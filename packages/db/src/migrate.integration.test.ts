import { sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { useTestDatabase } from "./testing";
import { getMigrationStatus, JOB_QUEUE_AUTOVACUUM } from "./migrate";
import { enqueueJob, enqueueJobs, type QueuedJob } from "./jobs";
import { writeAudit } from "./queries/audit";

const t = useTestDatabase();

describe("migrations", () => {
  it("leave a cloned database current, job queue included", async () => {
    expect(await getMigrationStatus(t.db)).toEqual({ current: true });
  });

  it("leave graphile-worker's job table vacuumed after every few hundred dead rows", async () => {
    const [row] = await t.db.execute<{ reloptions: string[] | null }>(
      sql`select reloptions from pg_class where oid = 'graphile_worker._private_jobs'::regclass`,
    );
    expect([...(row?.reloptions ?? [])].sort()).toEqual(
      Object.entries(JOB_QUEUE_AUTOVACUUM)
        .map(([k, v]) => `${k}=${v}`)
        .sort(),
    );
  });

  it("report a database that is behind the committed migrations", async () => {
    await t.db
      .transaction(async (tx) => {
        await tx.execute(
          sql`delete from drizzle.__drizzle_migrations where id = (select max(id) from drizzle.__drizzle_migrations)`,
        );
        expect(await getMigrationStatus(tx)).toEqual({ current: false, reason: "behind" });
        tx.rollback();
      })
      .catch(() => undefined);
    expect(await getMigrationStatus(t.db)).toEqual({ current: true });
  });
});

describe("audit_log", () => {
  it("is append-only: updates, deletes and truncates are refused", async () => {
    await writeAudit(t.db, {
      actor: { kind: "system", label: "test" },
      action: "test.done",
      subjectType: "test",
      subjectId: "1",
    });
    for (const statement of [
      sql`update audit_log set action = 'x'`,
      sql`delete from audit_log`,
      sql`truncate audit_log`,
    ]) {
      const error: unknown = await t.db.execute(statement).then(
        () => null,
        (e: unknown) => e,
      );
      expect((error as { cause?: Error }).cause?.message).toMatch(/audit_log is append-only/);
    }
    const rows = await t.db.execute<{ action: string }>(sql`select action from audit_log`);
    expect(rows.map((r) => r.action)).toEqual(["test.done"]);
  });
});

describe("enqueueJob", () => {
  it("adds the job only when the caller's transaction commits", async () => {
    const payload = {
      userId: "u1",
      template: "role_granted" as const,
      params: { role: "advisor" as const },
      dedupeKey: "k1",
    };
    await t.db
      .transaction(async (tx) => {
        await enqueueJob(tx, "send_notification", payload);
        tx.rollback();
      })
      .catch(() => undefined);
    await t.db.transaction(async (tx) => {
      await enqueueJob(tx, "send_notification", { ...payload, dedupeKey: "k2" });
    });
    const jobs = await t.db.execute<{ task_identifier: string; payload: { dedupeKey: string } }>(
      sql`select t.identifier as task_identifier, j.payload from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id`,
    );
    expect(jobs.map((j) => [j.task_identifier, j.payload.dedupeKey])).toEqual([
      ["send_notification", "k2"],
    ]);
  });

  it("refuses a payload that breaks the job contract", async () => {
    await expect(
      enqueueJob(t.db, "send_notification", {
        userId: "u1",
        template: "nope" as never,
        params: { role: "admin" },
        dedupeKey: "k",
      }),
    ).rejects.toThrow();
  });
});

describe("enqueueJobs", () => {
  type JobRow = {
    identifier: string;
    payload: Record<string, unknown>;
    queue_name: string | null;
    run_at: string;
    max_attempts: number;
    key: string | null;
    priority: number;
    revision: number;
  };
  const listJobs = () =>
    t.db.execute<JobRow>(sql`
      select t.identifier, j.payload, q.queue_name, j.run_at, j.max_attempts, j.key, j.priority, j.revision
      from graphile_worker._private_jobs j
      join graphile_worker._private_tasks t on t.id = j.task_id
      left join graphile_worker._private_job_queues q on q.id = j.job_queue_id
      order by j.id`);
  const notice = (dedupeKey: string) => ({
    userId: "u1",
    template: "role_granted" as const,
    params: { role: "advisor" as const },
    dedupeKey,
  });
  const runAt = new Date("2030-01-02T03:04:05.000Z");
  beforeEach(async () => {
    await t.db.execute(sql`delete from graphile_worker._private_jobs`);
  });
  const jobs: QueuedJob[] = [
    { name: "send_notification", payload: notice("a") },
    {
      name: "consultation_timer",
      payload: {
        consultationId: "00000000-0000-4000-8000-000000000001",
        timer: "hold_window_elapsed",
        at: runAt.toISOString(),
      },
      options: { runAt, jobKey: "timer:1", maxAttempts: 25 },
    },
    {
      name: "send_notification",
      payload: notice("b"),
      options: { queueName: "q1", priority: 3 },
    },
  ];

  it("queues what graphile-worker's add_job per job would, in one statement", async () => {
    // The reference: graphile-worker's own add_job, one call per job.
    await t.db.transaction(async (tx) => {
      for (const job of jobs) {
        const o = job.options ?? {};
        await tx.execute(sql`select graphile_worker.add_job(
          identifier => ${job.name}, payload => ${JSON.stringify(job.payload)}::json,
          queue_name => ${o.queueName ?? null}, run_at => ${o.runAt?.toISOString() ?? null}::timestamptz,
          max_attempts => ${o.maxAttempts ?? null}::int, job_key => ${o.jobKey ?? null},
          priority => ${o.priority ?? (job.name === "send_notification" ? 10 : null)}::int)`);
      }
    });
    // run_at defaults to the transaction's now(), which differs between the two.
    // add_jobs inserts one call's jobs in no set order (they may run in any order anyway,
    // side by side), so rows are compared sorted.
    const comparable = (rows: JobRow[]) =>
      rows
        .map((r) => ({ ...r, run_at: r.key ? r.run_at : "now" }))
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const reference = comparable(await listJobs());
    await t.db.execute(sql`delete from graphile_worker._private_jobs`);

    await t.db.transaction(async (tx) => enqueueJobs(tx, jobs));
    const batched = await listJobs();
    expect(comparable(batched)).toEqual(reference);
    const summary = comparable(batched).map((j) => [j.identifier, j.key, j.priority, j.queue_name]);
    expect(summary).toEqual([
      ["consultation_timer", "timer:1", 0, null],
      ["send_notification", null, 10, null],
      ["send_notification", null, 3, "q1"],
    ]);
    const timer = batched.find((j) => j.key === "timer:1")!;
    expect(new Date(timer.run_at).toISOString()).toBe(runAt.toISOString());
  });

  it("lets a later job with the same key replace an earlier one, as enqueueJob does", async () => {
    await t.db.transaction(async (tx) =>
      enqueueJobs(tx, [
        { name: "send_notification", payload: notice("first"), options: { jobKey: "k" } },
        { name: "send_notification", payload: notice("other") },
        { name: "send_notification", payload: notice("second"), options: { jobKey: "k" } },
      ]),
    );
    const rows = await listJobs();
    expect(rows.map((r) => [r.payload.dedupeKey, r.key])).toEqual([
      ["second", "k"],
      ["other", null],
    ]);
    expect(rows[0]!.revision).toBe(1);
  });

  it("queues nothing when any payload breaks the contract", async () => {
    await expect(
      t.db.transaction(async (tx) =>
        enqueueJobs(tx, [
          { name: "send_notification", payload: notice("ok"), options: { jobKey: "x" } },
          { name: "send_notification", payload: notice("ok2"), options: { jobKey: "x" } },
          { name: "send_notification", payload: { ...notice("bad"), template: "nope" as never } },
        ]),
      ),
    ).rejects.toThrow();
    expect(await listJobs()).toEqual([]);
  });

  it("does nothing for no jobs", async () => {
    await t.db.transaction(async (tx) => enqueueJobs(tx, []));
    expect(await listJobs()).toEqual([]);
  });
});
