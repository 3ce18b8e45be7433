import { beforeEach, describe, expect, it } from "vitest";
import { parseBillingEnv, resolveBillingConfig } from "../config";
import { ProviderRejectedError } from "../ports";
import type { SimInvoiceObject, SimSubscriptionObject } from "./billing-objects";
import { createSimulatedPayments, type SimulatedPayments } from "./payments";
import { memorySimStore } from "./store";
import { SIM_STRIPE_API_VERSION, simProcessingFee } from "./stripe-events";
import {
  createSimulatedSubscriptions,
  type SimulatedSubscriptions,
  simProration,
} from "./subscriptions";

const config = resolveBillingConfig(parseBillingEnv({ PUBLIC_API_URL: "http://api.test/" }), {
  production: false,
  defaultApiUrl: "http://unused",
});

const DAY_MS = 24 * 60 * 60_000;
const userId = "5d2c1b0a-9f8e-4d7c-8b6a-5f4e3d2c1b0a";

let realNow: Date;
let sent: { provider: string; body: string }[];
let billing: SimulatedSubscriptions;
let payments: SimulatedPayments;

beforeEach(() => {
  realNow = new Date("2030-01-10T10:00:00.000Z");
  sent = [];
  const runtime = {
    store: memorySimStore(),
    deliver: (provider: "stripe" | "stripe_connect" | "calcom", body: string) => {
      sent.push({ provider, body });
      return Promise.resolve();
    },
    now: () => realNow,
  };
  billing = createSimulatedSubscriptions(config, runtime);
  payments = createSimulatedPayments(config, runtime);
});

type Event = {
  type: string;
  created: number;
  api_version: string;
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
};

function events(): Event[] {
  return sent.map(({ provider, body }) => {
    expect(provider).toBe("stripe");
    return JSON.parse(body) as Event;
  });
}
const types = () => events().map((e) => e.type);

/** A plan with a monthly 20.00 price and a monthly 50.00 one (and a yearly 200.00). */
async function plans() {
  const basic = await billing.createPlanProduct({
    planId: "plan-basic",
    planKey: "basic",
    name: "Basic",
    idempotencyKey: "product:plan-basic",
  });
  const pro = await billing.createPlanProduct({
    planId: "plan-pro",
    planKey: "pro",
    name: "Pro",
    idempotencyKey: "product:plan-pro",
  });
  const price = (id: string, productId: string, amount: number, interval: "month" | "year") =>
    billing.createPlanPrice({
      planPriceId: id,
      productId,
      currency: "USD",
      interval,
      amount,
      idempotencyKey: `price:${id}`,
    });
  return {
    basic,
    pro,
    basicMonth: (await price("pp-basic-m", basic.id, 2000, "month")).id,
    proMonth: (await price("pp-pro-m", pro.id, 5000, "month")).id,
    basicYear: (await price("pp-basic-y", basic.id, 20_000, "year")).id,
  };
}

async function subscribe(priceId: string, trialDays = 0) {
  const customer = await billing.createCustomer({
    userId,
    email: "sam@demo.advisor.network",
    name: "Sam",
    locale: "en",
    idempotencyKey: `customer:${userId}`,
  });
  const session = await billing.createSubscriptionCheckout({
    checkoutId: "chk-1",
    userId,
    customerId: customer.id,
    priceId,
    trialDays,
    expiresAt: new Date(realNow.getTime() + 60 * 60_000),
    successUrl: "http://app.test/billing?session_id={CHECKOUT_SESSION_ID}",
    cancelUrl: "http://app.test/billing",
  });
  await billing.completeCheckout(session.id);
  const [subscription] = await billing.listCustomerSubscriptions(customer.id);
  return { customerId: customer.id, sessionId: session.id, subscription: subscription! };
}

const advance = async (customerId: string, days: number) => {
  const from = await billing.clockNow(customerId);
  return billing.advanceClock({ customerId, to: new Date(from.getTime() + days * DAY_MS) });
};

describe("simulated Stripe Billing", () => {
  it("checkout makes an active subscription with a paid first invoice, charged like a payment", async () => {
    const p = await plans();
    const { customerId, sessionId, subscription } = await subscribe(p.basicMonth);
    expect(subscription).toMatchObject({
      status: "active",
      priceId: p.basicMonth,
      productId: p.basic.id,
      amount: 2000,
      currency: "USD",
      interval: "month",
      userId,
      card: { brand: "visa", last4: "4242" },
      currentPeriodStart: realNow,
      currentPeriodEnd: new Date("2030-02-10T10:00:00.000Z"),
    });
    const checkout = await billing.retrieveSubscriptionCheckout(sessionId);
    expect(checkout).toMatchObject({
      status: "complete",
      customerId,
      subscriptionId: subscription.id,
      userId,
      checkoutId: "chk-1",
    });
    const [invoice] = await billing.listCustomerInvoices(customerId);
    expect(invoice).toMatchObject({
      status: "paid",
      subscriptionId: subscription.id,
      billingReason: "subscription_create",
      amountDue: 2000,
      amountPaid: 2000,
      paymentIntentStatus: "succeeded",
    });
    const charge = await payments.retrieveCharge({ paymentIntentId: invoice!.paymentIntentId! });
    expect(charge).toMatchObject({
      amount: 2000,
      currency: "USD",
      processingFee: simProcessingFee(2000),
    });
    const txns = await payments.listBalanceTransactions({
      from: new Date(realNow.getTime() - 1000),
      to: new Date(realNow.getTime() + 1000),
    });
    expect(txns.map((t) => [t.type, t.amount, t.source])).toEqual([
      ["charge", 2000, charge.chargeId],
    ]);
    expect(types()).toEqual([
      "customer.subscription.created",
      "invoice.created",
      "invoice.finalized",
      "invoice.paid",
      "invoice.payment_succeeded",
      "checkout.session.completed",
    ]);
    const all = events();
    expect(all.every((e) => e.api_version === SIM_STRIPE_API_VERSION)).toBe(true);
    const completed = all.at(-1)!.data.object;
    expect(completed).toMatchObject({
      mode: "subscription",
      customer: customerId,
      subscription: subscription.id,
    });
    const created = all[0]!.data.object as unknown as SimSubscriptionObject;
    expect(created.items.data[0]!.current_period_end).toBe(
      Date.parse("2030-02-10T10:00:00.000Z") / 1000,
    );
    const paid = all[3]!.data.object as unknown as SimInvoiceObject;
    expect(paid.parent?.subscription_details.subscription).toBe(subscription.id);
    // A second Pay on the same page is refused and starts nothing.
    await expect(billing.completeCheckout(sessionId)).rejects.toBeInstanceOf(ProviderRejectedError);
    expect(await billing.listCustomerSubscriptions(customerId)).toHaveLength(1);
  });

  it("a declined card keeps the checkout open; an expired session can't be paid", async () => {
    const p = await plans();
    const customer = await billing.createCustomer({
      userId,
      email: null,
      name: null,
      locale: null,
      idempotencyKey: `customer:${userId}`,
    });
    await billing.setCard({ customerId: customer.id, card: "declines" });
    const session = await billing.createSubscriptionCheckout({
      checkoutId: "chk-declined",
      userId,
      customerId: customer.id,
      priceId: p.basicMonth,
      trialDays: 0,
      expiresAt: new Date(realNow.getTime() + 60 * 60_000),
      successUrl: "http://app.test/ok",
      cancelUrl: "http://app.test/no",
    });
    await expect(billing.completeCheckout(session.id)).rejects.toMatchObject({
      code: "card_declined",
    });
    expect((await billing.retrieveSubscriptionCheckout(session.id)).status).toBe("open");
    expect(await billing.listCustomerSubscriptions(customer.id)).toEqual([]);
    sent = [];
    const expired = await billing.expireSubscriptionCheckout({
      sessionId: session.id,
      idempotencyKey: "expire:chk-declined",
    });
    expect(expired.status).toBe("expired");
    expect(types()).toEqual(["checkout.session.expired"]);
    await billing.setCard({ customerId: customer.id, card: "succeeds" });
    await expect(billing.completeCheckout(session.id)).rejects.toMatchObject({
      code: "checkout_session_not_open",
    });
    // An inactive price takes no new checkouts.
    await billing.deactivatePlanPrice({ priceId: p.proMonth });
    await expect(
      billing.createSubscriptionCheckout({
        checkoutId: "chk-inactive",
        userId,
        customerId: customer.id,
        priceId: p.proMonth,
        trialDays: 0,
        expiresAt: new Date(realNow.getTime() + 60 * 60_000),
        successUrl: "http://app.test/ok",
        cancelUrl: "http://app.test/no",
      }),
    ).rejects.toBeInstanceOf(ProviderRejectedError);
  });

  it("a trial reminds three days before its end, then invoices the first period", async () => {
    const p = await plans();
    const { customerId, subscription } = await subscribe(p.basicMonth, 14);
    expect(subscription.status).toBe("trialing");
    expect(subscription.trialEnd).toEqual(new Date(realNow.getTime() + 14 * DAY_MS));
    expect((await billing.listCustomerInvoices(customerId))[0]).toMatchObject({
      amountDue: 0,
      status: "paid",
    });
    sent = [];
    const r1 = await advance(customerId, 11);
    expect(types()).toEqual(["customer.subscription.trial_will_end"]);
    expect(events()[0]!.created).toBe((realNow.getTime() + 11 * DAY_MS) / 1000);
    expect(r1.happened).toEqual([`subscription ${subscription.id} trial will end`]);
    sent = [];
    await advance(customerId, 5);
    expect(types()).toEqual([
      "customer.subscription.updated",
      "invoice.created",
      "invoice.finalized",
      "invoice.paid",
      "invoice.payment_succeeded",
    ]);
    const [after] = await billing.listCustomerSubscriptions(customerId);
    expect(after).toMatchObject({
      status: "active",
      currentPeriodStart: new Date(realNow.getTime() + 14 * DAY_MS),
    });
    const [invoice] = await billing.listCustomerInvoices(customerId);
    expect(invoice).toMatchObject({ amountPaid: 2000, billingReason: "subscription_cycle" });
  });

  it("renews at the period's end when the card pays", async () => {
    const p = await plans();
    const { customerId, subscription } = await subscribe(p.basicMonth);
    sent = [];
    const r = await billing.advanceClock({
      customerId,
      to: new Date("2030-03-01T00:00:00.000Z"),
    });
    expect(r.happened).toContain(`subscription ${subscription.id} renewed`);
    const [renewed] = await billing.listCustomerSubscriptions(customerId);
    expect(renewed).toMatchObject({
      status: "active",
      currentPeriodStart: new Date("2030-02-10T10:00:00.000Z"),
      currentPeriodEnd: new Date("2030-03-10T10:00:00.000Z"),
    });
    const invoices = await billing.listCustomerInvoices(customerId);
    expect(invoices).toHaveLength(2);
    expect(invoices[0]).toMatchObject({ status: "paid", amountPaid: 2000 });
    expect(events().every((e) => e.created === Date.parse("2030-02-10T10:00:00.000Z") / 1000)).toBe(
      true,
    );
    expect(await billing.clockNow(customerId)).toEqual(new Date("2030-03-01T00:00:00.000Z"));
  });

  it("a declined renewal goes past due, retries after 3, 5 and 7 days, then cancels", async () => {
    const p = await plans();
    const { customerId, subscription } = await subscribe(p.basicMonth);
    await billing.setCard({ customerId, card: "declines" });
    sent = [];
    await billing.advanceClock({ customerId, to: new Date("2030-02-10T10:00:00.000Z") });
    expect(types()).toEqual([
      "customer.subscription.updated",
      "invoice.created",
      "invoice.finalized",
      "invoice.payment_failed",
      "customer.subscription.updated",
    ]);
    const renewal = Date.parse("2030-02-10T10:00:00.000Z");
    expect((await billing.listCustomerSubscriptions(customerId))[0]!.status).toBe("past_due");
    expect((await billing.listCustomerInvoices(customerId))[0]).toMatchObject({
      status: "open",
      attemptCount: 1,
      nextPaymentAttempt: new Date(renewal + 3 * DAY_MS),
      paymentIntentStatus: "requires_payment_method",
    });
    sent = [];
    await billing.advanceClock({ customerId, to: new Date(renewal + 6 * DAY_MS) });
    expect(types()).toEqual(["invoice.payment_failed", "invoice.payment_failed"]);
    expect(events().map((e) => e.created)).toEqual([
      (renewal + 3 * DAY_MS) / 1000,
      (renewal + 5 * DAY_MS) / 1000,
    ]);
    expect((await billing.listCustomerInvoices(customerId))[0]).toMatchObject({
      attemptCount: 3,
      nextPaymentAttempt: new Date(renewal + 7 * DAY_MS),
    });
    sent = [];
    const r = await billing.advanceClock({ customerId, to: new Date(renewal + 8 * DAY_MS) });
    expect(types()).toEqual([
      "invoice.payment_failed",
      "invoice.marked_uncollectible",
      "customer.subscription.deleted",
    ]);
    expect(r.happened.at(-1)).toBe(`subscription ${subscription.id} canceled (retries exhausted)`);
    expect((await billing.listCustomerSubscriptions(customerId))[0]).toMatchObject({
      status: "canceled",
      endedAt: new Date(renewal + 7 * DAY_MS),
    });
    expect((await billing.listCustomerInvoices(customerId))[0]).toMatchObject({
      status: "uncollectible",
      attemptCount: 4,
      nextPaymentAttempt: null,
    });
    // Nothing else is due on a canceled subscription.
    sent = [];
    await advance(customerId, 60);
    expect(sent).toEqual([]);
  });

  it("a fixed card pays the open invoice on the hosted page and the subscription is active again", async () => {
    const p = await plans();
    const { customerId } = await subscribe(p.basicMonth);
    await billing.setCard({ customerId, card: "declines" });
    await billing.advanceClock({ customerId, to: new Date("2030-02-11T00:00:00.000Z") });
    const [open] = await billing.listCustomerInvoices(customerId);
    // Still declining: the page's attempt fails and the retry schedule stays as it was.
    sent = [];
    await billing.payInvoice(open!.id);
    expect(types()).toEqual(["invoice.payment_failed"]);
    expect(await billing.getInvoice(open!.id)).toMatchObject({
      status: "open",
      attemptCount: 2,
      nextPaymentAttempt: open!.nextPaymentAttempt,
    });
    await billing.setCard({ customerId, card: "succeeds" });
    sent = [];
    const paid = await billing.payInvoice(open!.id);
    expect(paid).toMatchObject({ status: "paid", amountPaid: 2000, nextPaymentAttempt: null });
    expect(types()).toEqual([
      "invoice.paid",
      "invoice.payment_succeeded",
      "customer.subscription.updated",
    ]);
    expect((await billing.listCustomerSubscriptions(customerId))[0]!.status).toBe("active");
    // No retry is left for the paid invoice.
    sent = [];
    await billing.advanceClock({ customerId, to: new Date("2030-02-20T00:00:00.000Z") });
    expect(sent).toEqual([]);
  });

  it("a renewal needing 3-D Secure asks for action with the hosted invoice page", async () => {
    const p = await plans();
    const { customerId } = await subscribe(p.basicMonth);
    await billing.setCard({ customerId, card: "requires_action" });
    sent = [];
    const r = await billing.advanceClock({ customerId, to: new Date("2030-02-11T00:00:00.000Z") });
    expect(types()).toContain("invoice.payment_action_required");
    const [invoice] = await billing.listCustomerInvoices(customerId);
    expect(invoice).toMatchObject({
      status: "open",
      paymentIntentStatus: "requires_action",
      hostedInvoiceUrl: `http://api.test/sim/billing/invoices/${invoice!.id}`,
    });
    expect(r.happened.join("\n")).toContain(invoice!.hostedInvoiceUrl!);
    // On the hosted page the customer completes 3-D Secure.
    expect(await billing.payInvoice(invoice!.id)).toMatchObject({ status: "paid" });
  });

  it("an upgrade switches at once and charges the prorated difference", async () => {
    const p = await plans();
    const { customerId, subscription } = await subscribe(p.basicMonth);
    const portal = await billing.createPortalSession({
      customerId,
      returnUrl: "http://app.test/billing",
      allowedPrices: [
        { productId: p.basic.id, priceIds: [p.basicMonth] },
        { productId: p.pro.id, priceIds: [p.proMonth] },
      ],
    });
    const portalId = portal.url.split("/").at(-1)!;
    await billing.advanceClock({ customerId, to: new Date("2030-01-20T10:00:00.000Z") });
    sent = [];
    const result = await billing.portalSwitchPrice({
      portalSessionId: portalId,
      priceId: p.proMonth,
    });
    expect(result.change).toBe("upgrade");
    expect(result.subscription).toMatchObject({
      priceId: p.proMonth,
      amount: 5000,
      currentPeriodEnd: new Date("2030-02-10T10:00:00.000Z"),
    });
    // 21 of 31 days left: 5000·21/31 − 2000·21/31, each rounded to minor units.
    const expected = Math.round((5000 * 21) / 31) - Math.round((2000 * 21) / 31);
    expect(expected).toBe(2032);
    const [proration] = await billing.listCustomerInvoices(customerId);
    expect(proration).toMatchObject({
      billingReason: "subscription_update",
      subscriptionId: subscription.id,
      amountDue: expected,
      amountPaid: expected,
      status: "paid",
    });
    expect(types()).toEqual([
      "customer.subscription.updated",
      "invoice.created",
      "invoice.finalized",
      "invoice.paid",
      "invoice.payment_succeeded",
    ]);
    expect(
      simProration({
        oldAmount: 2000,
        newAmount: 20_000,
        periodStart: 0,
        periodEnd: 100,
        at: 25,
        resetsPeriod: true,
      }),
    ).toEqual({ credit: 1500, charge: 20_000, total: 18_500 });
  });

  it("an upgrade the card can't pay leaves the subscription as it was", async () => {
    const p = await plans();
    const { customerId } = await subscribe(p.basicMonth);
    const portal = await billing.createPortalSession({
      customerId,
      returnUrl: "http://app.test/billing",
      allowedPrices: [{ productId: p.pro.id, priceIds: [p.proMonth] }],
    });
    await billing.portalSetCard({
      portalSessionId: portal.url.split("/").at(-1)!,
      card: "declines",
    });
    sent = [];
    await expect(
      billing.portalSwitchPrice({
        portalSessionId: portal.url.split("/").at(-1)!,
        priceId: p.proMonth,
      }),
    ).rejects.toMatchObject({ code: "card_declined" });
    expect((await billing.listCustomerSubscriptions(customerId))[0]).toMatchObject({
      priceId: p.basicMonth,
      card: { last4: "0341" },
    });
    expect(await billing.listCustomerInvoices(customerId)).toHaveLength(1);
    expect(sent).toEqual([]);
  });

  it("a downgrade is pending until the period's end, then bills the new price", async () => {
    const p = await plans();
    const { customerId, subscription } = await subscribe(p.proMonth);
    const portal = await billing.createPortalSession({
      customerId,
      returnUrl: "http://app.test/billing",
      allowedPrices: [
        { productId: p.basic.id, priceIds: [p.basicMonth] },
        { productId: p.pro.id, priceIds: [p.proMonth] },
      ],
    });
    const portalId = portal.url.split("/").at(-1)!;
    const view = await billing.getPortalSession(portalId);
    expect(view?.options.map((o) => [o.priceId, o.change])).toEqual([
      [p.basicMonth, "downgrade"],
      [p.proMonth, "same"],
    ]);
    const result = await billing.portalSwitchPrice({
      portalSessionId: portalId,
      priceId: p.basicMonth,
    });
    expect(result.change).toBe("downgrade");
    const periodEnd = new Date("2030-02-10T10:00:00.000Z");
    expect(result.subscription).toMatchObject({
      priceId: p.proMonth,
      pending: { priceId: p.basicMonth, at: periodEnd },
    });
    expect(await billing.listCustomerInvoices(customerId)).toHaveLength(1);
    const r = await billing.advanceClock({ customerId, to: new Date("2030-02-11T00:00:00.000Z") });
    expect(r.happened[0]).toBe(
      `subscription ${subscription.id} switched to ${p.basicMonth} (scheduled)`,
    );
    expect((await billing.listCustomerSubscriptions(customerId))[0]).toMatchObject({
      priceId: p.basicMonth,
      amount: 2000,
      pending: null,
      currentPeriodStart: periodEnd,
    });
    expect((await billing.listCustomerInvoices(customerId))[0]).toMatchObject({ amountPaid: 2000 });
  });

  it("the portal refuses a price outside its allowed prices", async () => {
    const p = await plans();
    const { customerId } = await subscribe(p.basicMonth);
    const portal = await billing.createPortalSession({
      customerId,
      returnUrl: "http://app.test/billing",
      allowedPrices: [{ productId: p.basic.id, priceIds: [p.basicMonth] }],
    });
    sent = [];
    await expect(
      billing.portalSwitchPrice({
        portalSessionId: portal.url.split("/").at(-1)!,
        priceId: p.proMonth,
      }),
    ).rejects.toBeInstanceOf(ProviderRejectedError);
    expect((await billing.listCustomerSubscriptions(customerId))[0]!.priceId).toBe(p.basicMonth);
    expect(sent).toEqual([]);
  });

  it("cancels at the period's end, resumes, and cancels at once", async () => {
    const p = await plans();
    const { customerId, subscription } = await subscribe(p.basicMonth);
    const canceling = await billing.cancelSubscription({
      subscriptionId: subscription.id,
      atPeriodEnd: true,
      reason: "too expensive",
      idempotencyKey: "cancel:1",
    });
    expect(canceling).toMatchObject({
      status: "active",
      cancelAtPeriodEnd: true,
      cancelAt: new Date("2030-02-10T10:00:00.000Z"),
    });
    const resumed = await billing.resumeSubscription({
      subscriptionId: subscription.id,
      idempotencyKey: "resume:1",
    });
    expect(resumed).toMatchObject({ cancelAtPeriodEnd: false, cancelAt: null });
    await billing.cancelSubscription({
      subscriptionId: subscription.id,
      atPeriodEnd: true,
      reason: null,
      idempotencyKey: "cancel:2",
    });
    sent = [];
    await billing.advanceClock({ customerId, to: new Date("2030-02-11T00:00:00.000Z") });
    expect(types()).toEqual(["customer.subscription.deleted"]);
    expect(await billing.listCustomerInvoices(customerId)).toHaveLength(1);
    expect((await billing.listCustomerSubscriptions(customerId))[0]!.status).toBe("canceled");
  });

  it("honours idempotency keys as Stripe does", async () => {
    const p = await plans();
    const again = await billing.createPlanPrice({
      planPriceId: "pp-basic-m",
      productId: p.basic.id,
      currency: "USD",
      interval: "month",
      amount: 2000,
      idempotencyKey: "price:pp-basic-m",
    });
    expect(again.id).toBe(p.basicMonth);
    await expect(
      billing.createPlanPrice({
        planPriceId: "pp-basic-m",
        productId: p.basic.id,
        currency: "USD",
        interval: "month",
        amount: 2500,
        idempotencyKey: "price:pp-basic-m",
      }),
    ).rejects.toMatchObject({ code: "idempotency_error" });
    const input = {
      userId,
      email: "sam@demo.advisor.network",
      name: "Sam",
      locale: "en",
      idempotencyKey: `customer:${userId}`,
    };
    const a = await billing.createCustomer(input);
    const b = await billing.createCustomer(input);
    expect(b.id).toBe(a.id);
    expect(await billing.listCustomers()).toEqual([{ id: a.id, userId }]);
    await expect(billing.createCustomer({ ...input, email: "other@x.test" })).rejects.toMatchObject(
      {
        code: "idempotency_error",
      },
    );
  });
});
