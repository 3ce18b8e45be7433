import { randomUUID } from "node:crypto";
import {
  createProviders,
  createSimulatedSubscriptions,
  parseBillingEnv,
  resolveBillingConfig,
  type SimulatorRuntime,
} from "@an/billing";
import { createPgSimStore, getUserWithRoles, seedDemoData } from "@an/db";
import { billingCustomers } from "@an/db/schema";
import { ADMIN, DIEGO, SAM, useTestDatabase } from "@an/db/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { createContextInner } from "../../trpc/context";
import { createCaller } from "../../trpc/router";

const t = useTestDatabase(async (db) => {
  await seedDemoData(db.db);
});

const DAY_MS = 24 * 60 * 60_000;
const NOW = new Date("2026-12-02T09:00:00.000Z");
const config = resolveBillingConfig(parseBillingEnv({}), {
  production: false,
  defaultApiUrl: "http://api.test",
});

/** The Stripe events the simulator sent, in order (the app would sign and post them). */
let sent: string[] = [];
const runtime = (): SimulatorRuntime => ({
  store: createPgSimStore(t.db),
  deliver: (_provider, body) => {
    sent.push((JSON.parse(body) as { type: string }).type);
    return Promise.resolve();
  },
  now: () => NOW,
});

/** The admin's caller in development (dev sign-in on) or production (off). */
async function admin(devAuth = true) {
  const user = await getUserWithRoles(t.db, { id: ADMIN });
  return createCaller(
    createContextInner({
      db: t.db,
      user,
      requestId: `req-sandbox-billing-${randomUUID()}`,
      providers: createProviders(config, runtime()),
      now: () => NOW,
      devAuth: devAuth
        ? { enabled: true, secret: "x".repeat(40), ttlSeconds: 600 }
        : { enabled: false },
    }),
  );
}

let customerId: string;

/** Sam subscribed to a 20.00 monthly plan in the simulator, his customer stored as the app stores it. */
beforeAll(async () => {
  const sim = createSimulatedSubscriptions(config, runtime());
  const product = await sim.createPlanProduct({
    planId: "plan-basic",
    planKey: "basic",
    name: "Basic",
    idempotencyKey: "product:plan-basic",
  });
  const price = await sim.createPlanPrice({
    planPriceId: "price-basic-m",
    productId: product.id,
    currency: "USD",
    interval: "month",
    amount: 2000,
    idempotencyKey: "price:price-basic-m",
  });
  customerId = (
    await sim.createCustomer({
      userId: SAM,
      email: "sam@demo.advisor.network",
      name: "Sam",
      locale: "en",
      idempotencyKey: `customer:${SAM}`,
    })
  ).id;
  await t.db.insert(billingCustomers).values({ userId: SAM, stripeCustomerId: customerId });
  const checkout = await sim.createSubscriptionCheckout({
    checkoutId: randomUUID(),
    userId: SAM,
    customerId,
    priceId: price.id,
    trialDays: 0,
    expiresAt: new Date(NOW.getTime() + 60 * 60_000),
    successUrl: "http://app.test/billing?session_id={CHECKOUT_SESSION_ID}",
    cancelUrl: "http://app.test/billing",
  });
  await sim.completeCheckout(checkout.id);
});

describe("sandbox billing controls", () => {
  it("walks Sam from a paid subscription through a failed renewal to the end of access", async () => {
    const caller = await admin();
    const start = await caller.sandbox.billingState({ userId: SAM });
    expect(start).toMatchObject({ customerId, card: "succeeds", clock: NOW });
    expect(start.subscriptions).toHaveLength(1);
    expect(start.subscriptions[0]).toMatchObject({ status: "active", amount: 2000, userId: SAM });
    expect(start.invoices.map((i) => i.status)).toEqual(["paid"]);

    expect(await caller.sandbox.billingSetCard({ userId: SAM, card: "declines" })).toEqual({
      customerId,
      card: "declines",
    });
    sent = [];
    const renewal = await caller.sandbox.billingAdvanceClock({ userId: SAM, days: 31 });
    expect(renewal.clock).toEqual(new Date(NOW.getTime() + 31 * DAY_MS));
    expect(renewal.happened.join("\n")).toMatch(/payment failed \(attempt 1\)/);
    expect(renewal.happened.join("\n")).toMatch(/past_due/);
    expect(sent).toContain("invoice.payment_failed");
    const pastDue = await caller.sandbox.billingState({ userId: SAM });
    expect(pastDue.card).toBe("declines");
    expect(pastDue.subscriptions[0]!.status).toBe("past_due");
    expect(pastDue.invoices[0]).toMatchObject({ status: "open", attemptCount: 1 });

    sent = [];
    const end = await caller.sandbox.billingAdvanceClock({ userId: SAM, days: 8 });
    expect(end.happened.at(-1)).toMatch(/canceled \(retries exhausted\)/);
    expect(sent.at(-1)).toBe("customer.subscription.deleted");
    expect((await caller.sandbox.billingState({ userId: SAM })).subscriptions[0]!.status).toBe(
      "canceled",
    );
  });

  it("answers 409 for a user without a customer, and an empty state", async () => {
    const caller = await admin();
    await expect(
      caller.sandbox.billingAdvanceClock({ userId: DIEGO, days: 1 }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: "NO_BILLING_CUSTOMER" });
    await expect(
      caller.sandbox.billingSetCard({ userId: DIEGO, card: "declines" }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: "NO_BILLING_CUSTOMER" });
    expect(await caller.sandbox.billingState({ userId: DIEGO })).toEqual({
      clock: NOW,
      customerId: null,
      card: "succeeds",
      subscriptions: [],
      invoices: [],
    });
  });

  it("refuses outside development and out-of-range days", async () => {
    const production = await admin(false);
    await expect(production.sandbox.billingState({ userId: SAM })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "DEV_ONLY",
    });
    await expect(
      production.sandbox.billingAdvanceClock({ userId: SAM, days: 1 }),
    ).rejects.toMatchObject({ code: "FORBIDDEN", message: "DEV_ONLY" });
    await expect(
      production.sandbox.billingSetCard({ userId: SAM, card: "succeeds" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN", message: "DEV_ONLY" });
    const caller = await admin();
    const before = await caller.sandbox.billingState({ userId: SAM });
    await expect(
      caller.sandbox.billingAdvanceClock({ userId: SAM, days: 0 }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      caller.sandbox.billingAdvanceClock({ userId: SAM, days: 401 }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect((await caller.sandbox.billingState({ userId: SAM })).clock).toEqual(before.clock);
  });
});
