import { completeReconciliation, seedDemoData } from "@an/db";
import { useTestDatabase, ADMIN, AMIRA, jobPayloads, SAM } from "@an/db/testing";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { callerFor } from "../consultations/test-fixtures";

const t = useTestDatabase((db) => seedDemoData(db.db));

const UNKNOWN = "00000000-0000-4000-8000-000000000000";

describe("reconciliation", () => {
  it("run starts a report and queues its job (audited); list and get show it with its differences", async () => {
    const admin = await callerFor(t.db, ADMIN);
    const started = await admin.reconciliation.run({
      from: "2026-03-01T00:00:00Z",
      to: "2026-03-08T00:00:00Z",
    });
    expect(started).toMatchObject({
      status: "running",
      periodFrom: new Date("2026-03-01T00:00:00Z"),
      periodTo: new Date("2026-03-08T00:00:00Z"),
    });
    expect(await jobPayloads(t.db, "reconcile_provider")).toEqual([{ reportId: started.id }]);
    const audit = await t.db.execute<{ action: string; actor_id: string }>(
      sql`select action, actor_id from audit_log where subject_type = 'reconciliation_report' and subject_id = ${started.id}`,
    );
    expect(audit).toEqual([{ action: "reconciliation.started", actor_id: ADMIN }]);

    const second = await admin.reconciliation.run({
      from: "2026-03-08T00:00:00Z",
      to: "2026-03-09T00:00:00Z",
    });
    await t.db.transaction((tx) =>
      completeReconciliation(tx, {
        reportId: started.id,
        summary: { differences: { missing_here: 1 } },
        differences: [
          {
            kind: "missing_here",
            objectType: "transfer",
            providerObjectId: "tr_stray",
            currency: "USD",
            providerAmount: 1_000,
            message: "Transfer tr_stray exists at the provider but matches no payout item here.",
          },
        ],
      }),
    );

    const page1 = await admin.reconciliation.list({ limit: 1 });
    expect(page1.items.map((r) => r.id)).toEqual([second.id]);
    const page2 = await admin.reconciliation.list({ limit: 1, cursor: page1.nextCursor });
    expect(page2.items.map((r) => [r.id, r.status, r.differenceCount])).toEqual([
      [started.id, "completed", 1],
    ]);
    expect(page2.nextCursor).toBeNull();
    expect((await admin.reconciliation.list({ status: "running" })).items.map((r) => r.id)).toEqual(
      [second.id],
    );

    const report = await admin.reconciliation.get({ id: started.id });
    expect(report).toMatchObject({
      status: "completed",
      requestedBy: ADMIN,
      summary: { differences: { missing_here: 1 } },
      differences: [
        expect.objectContaining({
          kind: "missing_here",
          providerObjectId: "tr_stray",
          message: "Transfer tr_stray exists at the provider but matches no payout item here.",
        }),
      ],
    });
    await expect(admin.reconciliation.get({ id: UNKNOWN })).rejects.toMatchObject({
      code: "NOT_FOUND",
      appCode: "RECONCILIATION_NOT_FOUND",
    });
  });

  it("refuses a period that is reversed or longer than 93 days", async () => {
    const admin = await callerFor(t.db, ADMIN);
    for (const [from, to] of [
      ["2026-03-08T00:00:00Z", "2026-03-01T00:00:00Z"],
      ["2026-01-01T00:00:00Z", "2026-04-04T00:00:01Z"],
    ]) {
      await expect(admin.reconciliation.run({ from: from!, to: to! })).rejects.toMatchObject({
        code: "BAD_REQUEST",
        appCode: "PERIOD_INVALID",
      });
    }
    await expect(
      admin.reconciliation.run({ from: "yesterday", to: "2026-03-01T00:00:00Z" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("refuses a period that starts in the future; one that includes today runs", async () => {
    const now = new Date("2026-03-10T15:00:00Z");
    const admin = await callerFor(t.db, ADMIN, { now });
    await expect(
      admin.reconciliation.run({ from: "2026-03-11T00:00:00Z", to: "2026-03-12T00:00:00Z" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", appCode: "PERIOD_IN_FUTURE" });
    // The last seven days up to today, the console's default: `to` is tomorrow's start.
    await expect(
      admin.reconciliation.run({ from: "2026-03-04T00:00:00Z", to: "2026-03-11T00:00:00Z" }),
    ).resolves.toMatchObject({ status: "running" });
  });

  it("is for admins only", async () => {
    for (const userId of [AMIRA, SAM]) {
      const caller = await callerFor(t.db, userId);
      await expect(
        caller.reconciliation.run({ from: "2026-03-01T00:00:00Z", to: "2026-03-02T00:00:00Z" }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(caller.reconciliation.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(caller.reconciliation.get({ id: UNKNOWN })).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
    }
  });
});
