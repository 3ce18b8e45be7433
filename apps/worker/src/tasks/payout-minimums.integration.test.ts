import {
  type Db,
  findUnbalancedEntries,
  preparePayoutBatch,
  seedReleasedEarnings,
  setPlatformRules,
} from "@an/db";
import { payoutBatches, payoutItems, users } from "@an/db/schema";
import { useTestDatabase } from "@an/db/testing";
import { asc, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { jobHelpers } from "../processing/testing/fixtures";
import { testWorkerDeps } from "../testing";
import { createHandlers } from "./index";

/**
 * Payout minimums per currency, from the operator's `payouts` rules: each currency is its
 * own batch held to its own minimum, read when the run is prepared, so a new version of the
 * rules applies from the next run without a deploy.
 */

const t = useTestDatabase();
const helpers = jobHelpers();
const NOW = new Date("2026-11-24T12:00:00.000Z");
const OPERATOR = "minimums|operator";
let db: Db;
let handlers: ReturnType<typeof createHandlers>;
let advisorId: string;

async function savePayoutRules(minimumPayout: Record<string, number>, reason: string) {
  const saved = await db.transaction((tx) =>
    setPlatformRules(tx, {
      kind: "payouts",
      rules: { holdWindowHours: 48, minimumPayout },
      reason,
      actor: { kind: "user", userId: OPERATOR },
    }),
  );
  if (!saved.ok) throw new Error(`rules refused: ${JSON.stringify(saved.error)}`);
  return saved.value.version;
}

async function nextRun(): Promise<Date> {
  const [row] = await db.execute<{ next: string }>(
    sql`select next_payout_at as next from advisors where user_id = ${advisorId}`,
  );
  return new Date(row!.next);
}

/** The advisor's batches, oldest first, as `kind currency total`. */
async function batches(): Promise<string[]> {
  const rows = await db
    .select()
    .from(payoutBatches)
    .where(eq(payoutBatches.advisorId, advisorId))
    .orderBy(asc(payoutBatches.createdAt), asc(payoutBatches.currency));
  return rows.map((b) => `${b.kind} ${b.currency} ${b.totalAmount}`);
}

/** The worker's task, as the planner queues it for the advisor's due run. */
async function runScheduled(): Promise<void> {
  const scheduledFor = await nextRun();
  await handlers.prepare_payout_batch(
    { kind: "scheduled", advisorId, scheduledFor: scheduledFor.toISOString() },
    helpers,
  );
}

beforeAll(async () => {
  db = t.db;
  await db.insert(users).values({ id: OPERATOR, email: "operator@example.test" });
  handlers = createHandlers(testWorkerDeps(db, { now: () => NOW }));
  // One advisor: USD 30.00 earned (price 40.00, fee 10.00), then EUR 25.00 (35.00 − 10.00).
  const [usd] = await seedReleasedEarnings(db, {
    prefix: "min",
    count: 1,
    price: 4_000,
    fee: 1_000,
    currency: "USD",
    now: NOW,
  });
  advisorId = usd!.advisorId;
  await seedReleasedEarnings(db, {
    prefix: "min",
    count: 1,
    price: 3_500,
    fee: 1_000,
    currency: "EUR",
    now: NOW,
    moreFor: { round: 1 },
  });
});

describe("payout minimums per currency", () => {
  it("pays the currency above its minimum and carries the one below over", async () => {
    // No single minimum could do this: the smaller amount is paid, the larger held.
    expect(await savePayoutRules({ USD: 5_000, EUR: 2_000 }, "USD 50, EUR 20")).toBe(1);

    await runScheduled();

    // USD 30.00 < USD 50.00: carried over; EUR 25.00 ≥ EUR 20.00: paid.
    expect(await batches()).toEqual(["scheduled EUR 2500"]);
    const items = await db.select().from(payoutItems).where(eq(payoutItems.advisorId, advisorId));
    expect(items.map((i) => `${i.currency} ${i.amount}`)).toEqual(["EUR 2500"]);
    expect(await findUnbalancedEntries(db)).toEqual([]);
  });

  it("a new version of the rules raising the EUR minimum holds EUR from the next run", async () => {
    await seedReleasedEarnings(db, {
      prefix: "min",
      count: 1,
      price: 3_500,
      fee: 1_000,
      currency: "EUR",
      now: NOW,
      moreFor: { round: 2 },
    });
    expect(await savePayoutRules({ USD: 5_000, EUR: 3_000 }, "EUR minimum 30")).toBe(2);
    const run = await nextRun();
    expect(run.getTime()).toBeGreaterThan(NOW.getTime());

    const outcome = await db.transaction((tx) =>
      preparePayoutBatch(tx, {
        request: { kind: "scheduled", advisorId, scheduledFor: run },
        now: run,
      }),
    );

    // The new EUR 25.00 < EUR 30.00 now, and USD is still short: nothing paid, the run
    // moves on.
    expect(outcome.kind).toBe("below_minimum");
    expect(await batches()).toEqual(["scheduled EUR 2500"]);
    expect((await nextRun()).getTime()).toBeGreaterThan(run.getTime());
  });

  it("an admin's off-cycle payout pays every currency whatever the minimums", async () => {
    const requestedAt = new Date(NOW.getTime() + 60_000);
    const outcome = await db.transaction((tx) =>
      preparePayoutBatch(tx, {
        request: { kind: "off_cycle", advisorId, requestedBy: OPERATOR, requestedAt },
        now: requestedAt,
      }),
    );

    expect(outcome.kind).toBe("created");
    expect((await batches()).slice(1).sort()).toEqual(["off_cycle EUR 2500", "off_cycle USD 3000"]);
    expect(await findUnbalancedEntries(db)).toEqual([]);
  });
});
