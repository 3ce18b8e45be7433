import { randomUUID } from "node:crypto";
import {
  createSimulatedSubscriptions,
  parseBillingEnv,
  resolveBillingConfig,
  signStripePayload,
} from "@an/billing";
import { translator } from "@an/domain";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../testing";
import { simulatorRuntime } from "./routes";

let api: TestApi;
const config = resolveBillingConfig(parseBillingEnv({}), {
  production: false,
  defaultApiUrl: "http://127.0.0.1:9",
});
const SUCCESS_URL = "http://app.test/billing/done?session_id={CHECKOUT_SESSION_ID}";
const CANCEL_URL = "http://app.test/billing";

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
  await api.db.drop();
});

/** The simulated Stripe Billing over the API's database: what the pages act on. */
const billing = () =>
  createSimulatedSubscriptions(config, simulatorRuntime({ db: api.db.db, now: () => new Date() }));

const get = (path: string) => fetch(`${api.url}${path}`, { redirect: "manual" });
const post = (path: string, fields: Record<string, string> = {}) =>
  fetch(`${api.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
    redirect: "manual",
  });

/** A page's markup without the `<bdi>` that isolates its data, to match sentences with amounts. */
const unisolated = (page: string) => page.replace(/<\/?bdi\b[^>]*>/g, "");

/** Stripe events the simulator queued for delivery to `/webhooks/stripe`, in order, about `customerId`. */
const queued = async (customerId: string) =>
  api.db.db.execute<{ type: string; body: string }>(sql`
      select (j.payload->>'body')::jsonb->>'type' as type, j.payload->>'body' as body
      from graphile_worker._private_jobs j
      join graphile_worker._private_tasks t on t.id = j.task_id
      where t.identifier = 'deliver_simulated_webhook'
        and j.payload->>'provider' = 'stripe'
        and (
          (j.payload->>'body')::jsonb->'data'->'object'->>'customer' = ${customerId}
        )
      order by j.id
    `);
const queuedEvents = async (customerId: string) => (await queued(customerId)).map((r) => r.type);

/** Two plans (20.00 and 50.00 a month) and a customer with an open subscription checkout. */
async function setup(trialDays = 0) {
  const sim = billing();
  const tag = randomUUID();
  const basic = await sim.createPlanProduct({
    planId: `basic-${tag}`,
    planKey: "basic",
    name: "Basic",
    idempotencyKey: `product:basic-${tag}`,
  });
  const pro = await sim.createPlanProduct({
    planId: `pro-${tag}`,
    planKey: "pro",
    name: "Pro",
    idempotencyKey: `product:pro-${tag}`,
  });
  const price = async (productId: string, amount: number, id: string) =>
    (
      await sim.createPlanPrice({
        planPriceId: id,
        productId,
        currency: "USD",
        interval: "month",
        amount,
        idempotencyKey: `price:${id}`,
      })
    ).id;
  const basicPrice = await price(basic.id, 2000, `basic-m-${tag}`);
  const proPrice = await price(pro.id, 5000, `pro-m-${tag}`);
  const userId = randomUUID();
  const customer = await sim.createCustomer({
    userId,
    email: "sam@demo.advisor.network",
    name: "Sam",
    locale: "en",
    idempotencyKey: `customer:${userId}`,
  });
  const checkout = await sim.createSubscriptionCheckout({
    checkoutId: randomUUID(),
    userId,
    customerId: customer.id,
    priceId: basicPrice,
    trialDays,
    expiresAt: new Date(Date.now() + 60 * 60_000),
    successUrl: SUCCESS_URL,
    cancelUrl: CANCEL_URL,
  });
  return {
    sim,
    customerId: customer.id,
    basic,
    pro,
    basicPrice,
    proPrice,
    checkout,
    path: new URL(checkout.url!).pathname,
  };
}

describe("the simulated subscription Checkout page", () => {
  it("shows the plan and price; Pay subscribes and returns to the success URL with the session id", async () => {
    const { sim, customerId, checkout, path } = await setup();
    expect(path).toBe(`/sim/billing/checkout/${checkout.id}`);

    const page = await get(path);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain(
      "form-action 'self' http://app.test",
    );
    const text = await page.text();
    expect(text).toContain("Basic");
    expect(unisolated(text)).toContain("$20.00 / month");
    expect(text).toContain("Pay and subscribe");

    const paid = await post(`${path}/pay`);
    expect(paid.status).toBe(303);
    expect(paid.headers.get("location")).toBe(
      `http://app.test/billing/done?session_id=${checkout.id}`,
    );
    const [subscription] = await sim.listCustomerSubscriptions(customerId);
    expect(subscription).toMatchObject({ status: "active", amount: 2000 });
    expect(await queuedEvents(customerId)).toEqual([
      "customer.subscription.created",
      "invoice.created",
      "invoice.finalized",
      "invoice.paid",
      "invoice.payment_succeeded",
      "checkout.session.completed",
    ]);
    // Signed as the worker signs them, our own webhook route takes every one.
    for (const { body } of await queued(customerId)) {
      const answer = await fetch(`${api.url}/webhooks/stripe`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "stripe-signature": signStripePayload(body, config.stripe.webhookSecrets[0]!),
        },
        body,
      });
      expect(answer.status).toBe(200);
    }
    // The page now says so; paying again is refused without a second subscription.
    expect(await (await get(path)).text()).toContain("Subscribed");
    const again = await post(`${path}/pay`);
    expect(again.status).toBe(409);
    expect(await sim.listCustomerSubscriptions(customerId)).toHaveLength(1);
  });

  it("shows a trial, and Abandon expires the session back to the cancel URL", async () => {
    const trial = await setup(14);
    expect(await (await get(trial.path)).text()).toContain("14-day free trial");
    const { customerId, checkout, path } = await setup();
    const abandoned = await post(`${path}/abandon`);
    expect(abandoned.status).toBe(303);
    expect(abandoned.headers.get("location")).toBe(CANCEL_URL);
    expect((await billing().retrieveSubscriptionCheckout(checkout.id)).status).toBe("expired");
    expect(await queuedEvents(customerId)).toEqual(["checkout.session.expired"]);
    expect((await get("/sim/billing/checkout/cs_sim_nothere")).status).toBe(404);
  });
});

describe("the simulated customer portal", () => {
  it("switches among the allowed plans, updates the card and cancels", async () => {
    const { sim, customerId, basic, pro, basicPrice, proPrice, path } = await setup();
    await post(`${path}/pay`);
    const portal = await sim.createPortalSession({
      customerId,
      returnUrl: "http://app.test/billing",
      allowedPrices: [
        { productId: basic.id, priceIds: [basicPrice] },
        { productId: pro.id, priceIds: [proPrice] },
      ],
    });
    const portalPath = new URL(portal.url).pathname;
    const page = await (await get(portalPath)).text();
    expect(page).toContain("upgrade now (prorated)");
    expect(page).toContain("Return to the app");

    // A price outside the allowed ones is refused, whatever the form says.
    const forged = await post(`${portalPath}/switch`, { priceId: "price_sim_forged" });
    expect(forged.status).toBe(404);
    expect((await sim.listCustomerSubscriptions(customerId))[0]!.priceId).toBe(basicPrice);

    const upgraded = await post(`${portalPath}/switch`, { priceId: proPrice });
    expect(upgraded.status).toBe(303);
    expect(upgraded.headers.get("location")).toBe(portalPath);
    const [sub] = await sim.listCustomerSubscriptions(customerId);
    expect(sub).toMatchObject({ priceId: proPrice, amount: 5000 });
    const [proration] = await sim.listCustomerInvoices(customerId);
    expect(proration).toMatchObject({ billingReason: "subscription_update", status: "paid" });
    expect(proration!.amountPaid).toBeGreaterThan(0);
    expect(proration!.amountPaid).toBeLessThanOrEqual(3000);

    const downgraded = await post(`${portalPath}/switch`, { priceId: basicPrice });
    expect(downgraded.status).toBe(303);
    expect((await sim.listCustomerSubscriptions(customerId))[0]!.pending?.priceId).toBe(basicPrice);
    expect(await (await get(portalPath)).text()).toContain("Scheduled change");

    // In Spanish, the portal's forms post the locale back and come back in Spanish.
    const spanish = await (await get(`${portalPath}?locale=es`)).text();
    expect(spanish).toMatch(/<html lang="es" dir="ltr">/);
    expect(spanish).toContain(translator("es")("simulator.billing.cancelNow"));
    const switched = await post(`${portalPath}/card`, { card: "requires_action", locale: "es" });
    expect(switched.headers.get("location")).toBe(`${portalPath}?locale=es`);
    const refused = await post(`${portalPath}/card`, { card: "stolen", locale: "ar" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain(translator("ar")("simulator.billing.invalidCard"));

    expect((await post(`${portalPath}/card`, { card: "stolen" })).status).toBe(400);
    expect((await post(`${portalPath}/card`, { card: "declines" })).status).toBe(303);
    expect(await sim.getCard(customerId)).toBe("declines");

    expect((await post(`${portalPath}/cancel`, { when: "period_end" })).status).toBe(303);
    expect((await sim.listCustomerSubscriptions(customerId))[0]).toMatchObject({
      status: "active",
      cancelAtPeriodEnd: true,
    });
    expect((await post(`${portalPath}/cancel`, { when: "now" })).status).toBe(303);
    expect((await sim.listCustomerSubscriptions(customerId))[0]!.status).toBe("canceled");
    expect((await queuedEvents(customerId)).at(-1)).toBe("customer.subscription.deleted");
  });
});

describe("the simulated hosted invoice page", () => {
  it("shows the amount due and pays it with the card now on file", async () => {
    const { sim, customerId, path } = await setup();
    await post(`${path}/pay`);
    await sim.setCard({ customerId, card: "declines" });
    const [sub] = await sim.listCustomerSubscriptions(customerId);
    await sim.advanceClock({ customerId, to: sub!.currentPeriodEnd! });
    const [open] = await sim.listCustomerInvoices(customerId);
    expect(open).toMatchObject({ status: "open" });
    const invoicePath = new URL(open!.hostedInvoiceUrl!).pathname;
    expect(invoicePath).toBe(`/sim/billing/invoices/${open!.id}`);
    const page = await (await get(invoicePath)).text();
    expect(page).toContain("$20.00");
    expect(unisolated(page)).toContain("Pay $20.00");

    await sim.setCard({ customerId, card: "succeeds" });
    const paid = await post(`${invoicePath}/pay`);
    expect(paid.status).toBe(303);
    expect(paid.headers.get("location")).toBe(invoicePath);
    expect(await sim.getInvoice(open!.id)).toMatchObject({ status: "paid", amountPaid: 2000 });
    expect((await sim.listCustomerSubscriptions(customerId))[0]!.status).toBe("active");
    const events = await queuedEvents(customerId);
    expect(events.slice(-3)).toEqual([
      "invoice.paid",
      "invoice.payment_succeeded",
      "customer.subscription.updated",
    ]);
    expect((await post(`${invoicePath}/pay`)).status).toBe(409);
  });
});
