import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { moneyOf } from "./money";
import { advisorPayoutSchedule, planPayout } from "./payout-plan";
import { nextPayoutRun } from "./payout-schedule";

const usd = (n: number) => moneyOf(n, "USD");
const runAt = new Date("2026-11-24T09:00:00Z");
const earning = (id: string, amount: number, hoursAgo = 72) => ({
  id,
  amount: usd(amount),
  completedAt: new Date(runAt.getTime() - hoursAgo * 3_600_000),
});

describe("planPayout", () => {
  it("pays every earning out of its hold window when the total reaches the minimum", () => {
    const plan = planPayout({
      earnings: [earning("a", 8_000), earning("b", 4_000), earning("c", 1_000, 1)],
      receivable: usd(0),
      runAt,
      holdWindowHours: 48,
      minimumPayout: usd(2_000),
    });
    expect(plan.ok && plan.value).toMatchObject({
      outcome: "pay",
      total: usd(12_000),
      netted: usd(0),
      held: ["c"],
    });
    expect(plan.ok && plan.value.items.map((i) => i.transfer.amount)).toEqual([8_000, 4_000]);
  });

  it("nets what the advisor owes, item by item, and checks the minimum after netting", () => {
    const plan = planPayout({
      earnings: [earning("a", 3_000), earning("b", 5_000)],
      receivable: usd(4_000),
      runAt,
      holdWindowHours: 48,
      minimumPayout: usd(2_000),
    });
    expect(plan.ok && plan.value.items).toEqual([
      { id: "a", gross: usd(3_000), netted: usd(3_000), transfer: usd(0) },
      { id: "b", gross: usd(5_000), netted: usd(1_000), transfer: usd(4_000) },
    ]);
    expect(plan.ok && plan.value.receivableLeft).toEqual(usd(0));
    const small = planPayout({
      earnings: [earning("a", 3_000)],
      receivable: usd(2_000),
      runAt,
      holdWindowHours: 48,
      minimumPayout: usd(2_000),
    });
    expect(small.ok && small.value.outcome).toBe("below_minimum");
  });

  it("settles earnings that only recover a receivable, whatever the minimum", () => {
    const plan = planPayout({
      earnings: [earning("a", 3_000)],
      receivable: usd(5_000),
      runAt,
      holdWindowHours: 48,
      minimumPayout: usd(2_000),
    });
    expect(plan.ok && plan.value).toMatchObject({
      outcome: "pay",
      total: usd(0),
      netted: usd(3_000),
      receivableLeft: usd(2_000),
    });
  });

  it("refuses a receivable in another currency", () => {
    const plan = planPayout({
      earnings: [earning("a", 3_000)],
      receivable: moneyOf(1, "EUR"),
      runAt,
      holdWindowHours: 48,
      minimumPayout: usd(0),
    });
    expect(!plan.ok && plan.error.code).toBe("INVALID_RECEIVABLE");
  });

  it("never creates or loses money: transfers + netted = gross, netted ≤ receivable", () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(100_000), { maxLength: 12 }),
        fc.nat(200_000),
        fc.nat(50_000),
        (amounts, owed, minimum) => {
          const plan = planPayout({
            earnings: amounts.map((a, i) => earning(`e${i}`, a)),
            receivable: usd(owed),
            runAt,
            holdWindowHours: 0,
            minimumPayout: usd(minimum),
          });
          if (!plan.ok) return false;
          const p = plan.value;
          const transferred = p.items.reduce((s, i) => s + i.transfer.amount, 0);
          const netted = p.items.reduce((s, i) => s + i.netted.amount, 0);
          expect(transferred).toBe(p.total.amount);
          expect(netted).toBe(p.netted.amount);
          expect(p.netted.amount).toBeLessThanOrEqual(owed);
          expect(p.receivableLeft.amount).toBe(owed - p.netted.amount);
          if (p.outcome === "pay") {
            expect(transferred + netted).toBe(p.gross.amount);
            expect(p.items.every((i) => i.transfer.amount >= 0)).toBe(true);
          }
          return true;
        },
      ),
    );
  });
});

describe("advisorPayoutSchedule", () => {
  it("maps stored settings to the schedule the domain computes with", () => {
    const weekly = advisorPayoutSchedule({
      cadence: "weekly",
      weekday: 5,
      dayOfMonth: 1,
      anchorDate: null,
      timeZone: "Europe/Berlin",
      runAt: "09:00",
    });
    const next = nextPayoutRun(weekly, runAt);
    // Friday 2026-11-27, 09:00 in Berlin (UTC+1).
    expect(next.ok && next.value.toISOString()).toBe("2026-11-27T08:00:00.000Z");
    const biweekly = advisorPayoutSchedule({
      cadence: "biweekly",
      weekday: 1,
      dayOfMonth: 1,
      anchorDate: null,
      timeZone: "UTC",
      runAt: "09:00",
    });
    expect(biweekly).toMatchObject({ kind: "biweekly", anchorDate: "2026-01-05" });
  });
});
