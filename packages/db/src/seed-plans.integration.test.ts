import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getEntitlements } from "./queries/entitlements";
import { planPrices, plans } from "./schema";
import { DEMO_PLANS, seedDemoPlans } from "./seed-plans";
import { SAM, seedParties, useTestDatabase } from "./testing";

const t = useTestDatabase((db) => seedParties(db.db));

/** A provider that counts what it creates and fails once when told to. */
function countingPort() {
  const created = { products: [] as string[], prices: [] as string[] };
  let failNextPrice = false;
  return {
    created,
    failNextPrice: () => {
      failNextPrice = true;
    },
    createPlanProduct: (input: { idempotencyKey: string }) => {
      created.products.push(input.idempotencyKey);
      return Promise.resolve({ id: `prod_${created.products.length}` });
    },
    createPlanPrice: (input: { idempotencyKey: string }) => {
      if (failNextPrice) {
        failNextPrice = false;
        return Promise.reject(new Error("provider down"));
      }
      created.prices.push(input.idempotencyKey);
      return Promise.resolve({ id: `price_${created.prices.length}` });
    },
    deactivatePlanPrice: () => Promise.resolve(),
  };
}

describe("seedDemoPlans", () => {
  it("creates free, starter and pro with their prices once; a re-run (even after a failure half-way) creates nothing twice", async () => {
    const port = countingPort();
    // The first run fails at the first price: the plan row and its claimed prices stay.
    port.failNextPrice();
    await expect(seedDemoPlans(t.db, port)).rejects.toThrow("provider down");
    await seedDemoPlans(t.db, port);
    await seedDemoPlans(t.db, port);

    const rows = await t.db.select().from(plans);
    expect(rows.map((p) => p.key).sort()).toEqual(["free", "pro", "starter"]);
    const paid = DEMO_PLANS.flatMap((p) => p.prices).length;
    const active = await t.db.select().from(planPrices).where(eq(planPrices.active, true));
    expect(active).toHaveLength(paid);
    expect(active.every((p) => p.stripePriceId.startsWith("price_"))).toBe(true);
    // One product per paid plan, one price per row: the retry reused the claimed rows' keys.
    expect(new Set(port.created.products).size).toBe(2);
    expect(port.created.prices).toHaveLength(paid);
    expect(new Set(port.created.prices).size).toBe(paid);
    const pro = active.find(
      (p) => p.currency === "USD" && p.interval === "month" && p.amount === 4_900,
    );
    expect(pro?.trialDays).toBe(14);
    // Without a subscription, the seeded free plan applies.
    expect((await getEntitlements(t.db, SAM, new Date())).entitlements).toEqual({
      inviteAdvisors: true,
      maxAdvisorsPerProject: 1,
      buyPasses: true,
    });
  });
});
