import { enqueueJob } from "@an/db";
import { useTestDatabase } from "@an/db/testing";
import { sql } from "drizzle-orm";
import { Logger, runOnce } from "graphile-worker";
import { describe, expect, it } from "vitest";
import { testBillingConfig, testWorkerDeps } from "../testing";
import { createTaskList } from "./index";
import { PURGE_BATCH_SIZE } from "./purge-webhook-payloads";

const logger = new Logger(() => () => undefined);
const t = useTestDatabase();

const NOW = new Date("2031-03-01T12:00:00.000Z");
const DAY = 86_400_000;

/** Stored deliveries received `daysAgo` before NOW, straight into the table (no jobs). */
async function deliveries(label: string, count: number, daysAgo: number) {
  await t.db.execute(sql`
    insert into webhook_events
      (provider, dedupe_key, event_type, subject, body, body_sha256, status, outcome, received_at)
    select 'calcom', ${label} || ':' || n, 'BOOKING_CREATED', ${label}, '{"n":' || n || '}',
      md5(${label} || n), 'processed', 'applied', ${new Date(NOW.getTime() - daysAgo * DAY).toISOString()}::timestamptz
    from generate_series(1, ${count}) as n
  `);
}

const state = (label: string) =>
  t.db.execute<{ kept: number; purged: number; hashes: number; outcomes: number }>(sql`
    select count(*) filter (where body is not null and body_purged_at is null)::int as kept,
      count(*) filter (where body is null and body_purged_at is not null)::int as purged,
      count(body_sha256)::int as hashes,
      count(*) filter (where outcome = 'applied' and status = 'processed')::int as outcomes
    from webhook_events where subject = ${label}
  `);

describe("purge_webhook_payloads", () => {
  it("runs from the queue: drops bodies past the retention period in batches, keeping hashes and outcomes", async () => {
    const many = PURGE_BATCH_SIZE * 2 + 37;
    await deliveries("old", many, 31);
    await deliveries("recent", 5, 29);
    await enqueueJob(t.db, "purge_webhook_payloads", {});
    await runOnce({
      connectionString: t.url,
      logger,
      taskList: createTaskList(
        testWorkerDeps(t.db, {
          now: () => NOW,
          billing: testBillingConfig({ webhookRetentionDays: 30 }),
        }),
      ),
    });
    expect(await state("old")).toEqual([{ kept: 0, purged: many, hashes: many, outcomes: many }]);
    expect(await state("recent")).toEqual([{ kept: 5, purged: 0, hashes: 5, outcomes: 5 }]);
    const [left] = await t.db.execute<{ n: number }>(
      sql`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'purge_webhook_payloads'`,
    );
    expect(left!.n).toBe(0);
  });
});
