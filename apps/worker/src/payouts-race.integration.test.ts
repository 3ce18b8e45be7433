import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createSimulatedPayments, seedSimulatedConnect } from "@an/billing";
import {
  accountBalances,
  createPgSimStore,
  enqueueJob,
  findUnbalancedEntries,
  seedReleasedEarnings,
} from "@an/db";
import { payoutBatches, payoutItems } from "@an/db/schema";
import { createTestDatabase, type TestDatabase } from "@an/db/testing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testBillingConfig } from "./testing";

/**
 * Two worker processes race one payout run: the planner queued twice, every advisor's
 * batch asked for twice more with no job key, and every item's send queued again while
 * the first sends are going out. Afterwards each consultation was paid exactly once — one
 * batch per advisor, one item per consultation, one transfer per item at the provider —
 * and the ledger agrees.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const tsxLoader = join(root, "node_modules", "tsx", "dist", "esm", "index.mjs");
const ADVISORS = 30;
const NOW = new Date();

describe("payout run raced by two worker processes", () => {
  let db: TestDatabase;
  const workers: ChildProcess[] = [];

  function startWorker(): ChildProcess {
    const child = spawn(process.execPath, ["--import", tsxLoader, "src/main.ts"], {
      cwd: join(root, "apps", "worker"),
      env: {
        ...process.env,
        NODE_ENV: "test",
        DATABASE_URL: db.url,
        MIGRATE_ON_START: "false",
        LOG_LEVEL: "silent",
        // No API in this test: simulated webhooks about transfers fail fast and don't matter.
        PUBLIC_API_URL: "http://127.0.0.1:9",
        WORKER_CONCURRENCY: "4",
        PAYOUT_REQUESTS_PER_SECOND: "500",
      },
      stdio: "ignore",
    });
    workers.push(child);
    return child;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const w of workers) w.kill("SIGKILL");
    await db?.drop();
  });

  it("pays every consultation exactly once", { timeout: 120_000 }, async () => {
    const first = await seedReleasedEarnings(db.db, { prefix: "race", count: ADVISORS, now: NOW });
    const second = await seedReleasedEarnings(db.db, {
      prefix: "race",
      count: ADVISORS,
      now: NOW,
      moreFor: { round: 2 },
    });
    const earnings = [...first, ...second];
    const store = createPgSimStore(db.db);
    await seedSimulatedConnect(store, earnings);

    // The planner twice, and each advisor's batch twice more with no job key: four
    // requests for the same run, for two processes to fight over.
    await enqueueJob(db.db, "plan_payouts", {});
    await enqueueJob(db.db, "plan_payouts", {});
    for (const e of first) {
      for (let i = 0; i < 2; i++) {
        await enqueueJob(db.db, "prepare_payout_batch", {
          kind: "scheduled",
          advisorId: e.advisorId,
          scheduledFor: new Date(NOW.getTime() - 60_000).toISOString(),
        });
      }
    }
    startWorker();
    startWorker();

    // Once the items exist, queue every send once more (no key) while the first go out.
    await waitFor(
      async () => (await count(sql`select count(*) from payout_items`)) === earnings.length,
    );
    const ids = await db.db.select({ id: payoutItems.id }).from(payoutItems);
    for (const { id } of ids) await enqueueJob(db.db, "send_payout_item", { itemId: id });

    await waitFor(
      async () =>
        (await count(sql`select count(*) from payout_items where status = 'sent'`)) ===
        earnings.length,
      90_000,
    );

    const batches = await db.db.select().from(payoutBatches);
    expect(batches).toHaveLength(ADVISORS);
    expect(new Set(batches.map((b) => b.advisorId)).size).toBe(ADVISORS);
    const items = await db.db.select().from(payoutItems);
    expect(items).toHaveLength(earnings.length);
    expect(new Set(items.map((i) => i.consultationId)).size).toBe(earnings.length);
    expect(new Set(items.map((i) => i.providerTransferId)).size).toBe(earnings.length);

    // The provider's own records: one transfer per item, none twice.
    const payments = createSimulatedPayments(testBillingConfig(), {
      store,
      deliver: () => Promise.resolve(),
    });
    const transfers = await payments.listTransfers({
      from: new Date(NOW.getTime() - 86_400_000),
      to: new Date(Date.now() + 86_400_000),
    });
    expect(transfers).toHaveLength(earnings.length);
    expect(new Set(transfers.map((t) => t.payoutItemId)).size).toBe(earnings.length);
    expect(new Set(transfers.map((t) => t.sourceTransaction)).size).toBe(earnings.length);

    expect(await count(sql`select count(*) from consultations where status = 'paid_out'`)).toBe(
      earnings.length,
    );
    expect(await findUnbalancedEntries(db.db)).toEqual([]);
    const owed = await accountBalances(db.db, { prefix: "advisor_pay" });
    expect(owed.filter((b) => b.balance !== 0)).toEqual([]);
  });

  async function count(query: ReturnType<typeof sql>): Promise<number> {
    const [row] = await db.db.execute<{ count: string }>(query);
    return Number(row?.count ?? 0);
  }
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("timed out waiting for the payout run");
}
