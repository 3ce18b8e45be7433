import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "./testing";
import { getMigrationStatus } from "./migrate";
import { enqueueJob } from "./jobs";
import { writeAudit } from "./queries/audit";

const t = useTestDatabase();

describe("migrations", () => {
  it("leave a cloned database current, job queue included", async () => {
    expect(await getMigrationStatus(t.db)).toEqual({ current: true });
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
