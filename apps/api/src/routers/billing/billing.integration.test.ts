import { fakeSubscriptionBilling, type FakeSubscriptionBilling } from "@an/billing/testing";
import { ensureBillingCustomer, findAllowlistedPrice } from "@an/db";
import {
  advisorInvitations,
  advisors,
  auditLog,
  billingCheckouts,
  billingCustomers,
  planPrices,
  plans,
  subscriptions,
} from "@an/db/schema";
import {
  AMIRA,
  DIEGO,
  insertAdvisor,
  jobPayloads,
  LUCAS,
  SAM,
  seedProjectChat,
} from "@an/db/testing";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startTestApi, type TestApi, tokenFor } from "../../testing";

/*
 * The billing routers through the real HTTP handler, with Stripe Billing scripted by a
 * fake that records every call. The sync here is a stand-in for the real one: it re-reads
 * the customer's subscriptions from the fake and writes them, as the real sync does.
 */

let api: TestApi;
let fake: FakeSubscriptionBilling;
const ADMIN_ID = "demo|admin";
const tokens: Record<string, string> = {};

/** Re-reads one customer from the fake and stores its subscriptions (the sync's contract). */
async function testSync(input: { stripeCustomerId: string; source: string }) {
  const db = api.db.db;
  const [customer] = await db
    .select()
    .from(billingCustomers)
    .where(eq(billingCustomers.stripeCustomerId, input.stripeCustomerId));
  if (!customer) throw new Error(`unknown customer ${input.stripeCustomerId}`);
  const now = new Date();
  for (const sub of await fake.listCustomerSubscriptions(input.stripeCustomerId)) {
    const allowed = await findAllowlistedPrice(db, sub.priceId);
    const row = {
      userId: customer.userId,
      stripeSubscriptionId: sub.id,
      stripeCustomerId: sub.customerId,
      stripePriceId: sub.priceId,
      planId: allowed?.plan.id ?? null,
      planPriceId: allowed?.price.id ?? null,
      status: sub.status,
      currency: allowed?.price.currency ?? sub.currency,
      interval: allowed?.price.interval ?? null,
      amount: allowed?.price.amount ?? sub.amount,
      currentPeriodStart: sub.currentPeriodStart,
      currentPeriodEnd: sub.currentPeriodEnd,
      cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
      cancelAt: sub.cancelAt,
      canceledAt: sub.canceledAt,
      endedAt: sub.endedAt,
      trialEnd: sub.trialEnd,
      cardBrand: sub.card?.brand ?? null,
      cardLast4: sub.card?.last4 ?? null,
      syncedAt: now,
    };
    await db
      .insert(subscriptions)
      .values(row)
      .onConflictDoUpdate({ target: subscriptions.stripeSubscriptionId, set: row });
  }
  await db
    .update(billingCustomers)
    .set({ syncedAt: now })
    .where(eq(billingCustomers.userId, customer.userId));
  return { userId: customer.userId, changed: true, differences: [] };
}

beforeAll(async () => {
  fake = fakeSubscriptionBilling();
  api = await startTestApi({
    overrides: { providers: { subscriptions: fake }, billingSync: testSync },
  });
  await insertAdvisor(api.db.db, { userId: AMIRA, displayName: "Amira Haddad" });
  await insertAdvisor(api.db.db, { userId: LUCAS, displayName: "Lucas Martin" });
  for (const id of [SAM, DIEGO, ADMIN_ID, AMIRA]) tokens[id] = await tokenFor({ id });
});
afterAll(async () => {
  await api.close();
  await api.db.drop();
});

const as = (userId: string, locale = "en") => ({
  query: (path: string, input?: unknown) =>
    call(api.url, "query", path, { token: tokens[userId], input, headers: { "x-locale": locale } }),
  mutate: (path: string, input?: unknown) =>
    call(api.url, "mutation", path, {
      token: tokens[userId],
      input,
      headers: { "x-locale": locale },
    }),
});
const admin = as(ADMIN_ID);

type Status = {
  subscription: null | {
    planKey: string | null;
    status: string;
    cancelAtPeriodEnd: boolean;
    card: { brand: string; last4: string } | null;
    trialEnd: string | null;
  };
  entitlements: { inviteAdvisors: boolean; maxAdvisorsPerProject: number; buyPasses: boolean };
  source: string;
  grants: { id: string; planKey: string; planName: string }[];
};
const data = <T>(res: { body: { result?: { data: unknown } } }) => res.body.result?.data as T;

const starter = {
  key: "starter",
  texts: {
    en: { name: "Starter", description: "Three advisors per project" },
    de: { name: "Einstieg", description: "Drei Berater pro Projekt" },
  },
  entitlements: { inviteAdvisors: true, maxAdvisorsPerProject: 3, buyPasses: true },
  prices: [
    { currency: "USD", interval: "month", amount: 1900, trialDays: 0 },
    { currency: "USD", interval: "year", amount: 19_000, trialDays: 0 },
    { currency: "EUR", interval: "month", amount: 1900, trialDays: 0 },
  ],
  sortOrder: 1,
  reason: "launch pricing",
};
const pro = {
  key: "pro",
  texts: { en: { name: "Pro", description: "Ten advisors per project" } },
  entitlements: { inviteAdvisors: true, maxAdvisorsPerProject: 10, buyPasses: true },
  prices: [{ currency: "USD", interval: "month", amount: 4900, trialDays: 14 }],
  sortOrder: 2,
  reason: "launch pricing",
};

describe("admin plans", () => {
  it("creates plans with their Stripe product and prices, keyed by our rows, audited with the reason", async () => {
    for (const plan of [starter, pro]) {
      const res = await admin.mutate("billingAdmin.createPlan", plan);
      expect(res.status).toBe(200);
    }
    const [starterRow] = await api.db.db.select().from(plans).where(eq(plans.key, "starter"));
    const prices = await api.db.db
      .select()
      .from(planPrices)
      .where(eq(planPrices.planId, starterRow!.id));
    expect(prices).toHaveLength(3);
    expect(prices.every((p) => p.active && p.stripePriceId.startsWith("price_"))).toBe(true);
    expect(starterRow!.stripeProductId).toMatch(/^prod_/);
    expect(fake.callsOf("createPlanProduct")).toContainEqual(
      expect.objectContaining({ idempotencyKey: `product:${starterRow!.id}`, planKey: "starter" }),
    );
    for (const p of prices) {
      expect(fake.callsOf("createPlanPrice")).toContainEqual(
        expect.objectContaining({ idempotencyKey: `price:${p.id}`, amount: p.amount }),
      );
    }
    const audit = await api.db.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "plan.created"), eq(auditLog.subjectId, starterRow!.id)));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorId).toBe(ADMIN_ID);
    expect(audit[0]!.after).toMatchObject({ key: "starter", reason: "launch pricing" });

    const listed = data<{ plans: { key: string; subscriberCount: number; prices: unknown[] }[] }>(
      await admin.query("billingAdmin.listPlans"),
    );
    expect(listed.plans.map((p) => [p.key, p.prices.length, p.subscriberCount])).toEqual([
      ["starter", 3, 0],
      ["pro", 1, 0],
    ]);
  });

  it.each([
    ["an existing key", { ...starter }, 409, "PLAN_EXISTS"],
    ["a key with capitals", { ...starter, key: "Starter2" }, 400, "PLAN_INVALID"],
    [
      "no English text",
      { ...starter, key: "x-de", texts: { de: starter.texts.de } },
      400,
      "VALIDATION_FAILED",
    ],
    [
      "the same currency and interval twice",
      { ...starter, key: "x-dup", prices: [starter.prices[0], starter.prices[0]] },
      400,
      "PLAN_INVALID",
    ],
    [
      "an unsupported currency",
      { ...starter, key: "x-cur", prices: [{ ...starter.prices[0], currency: "XXX" }] },
      400,
      "PLAN_INVALID",
    ],
    [
      "a zero amount",
      { ...starter, key: "x-zero", prices: [{ ...starter.prices[0], amount: 0 }] },
      400,
      "VALIDATION_FAILED",
    ],
    [
      "a 91-day trial",
      { ...starter, key: "x-trial", prices: [{ ...starter.prices[0], trialDays: 91 }] },
      400,
      "VALIDATION_FAILED",
    ],
    [
      "more advisors than the limit",
      {
        ...starter,
        key: "x-many",
        entitlements: { ...starter.entitlements, maxAdvisorsPerProject: 101 },
      },
      400,
      "VALIDATION_FAILED",
    ],
    ["no reason", { ...starter, key: "x-reason", reason: "" }, 400, "VALIDATION_FAILED"],
  ])("refuses %s with %i %s, asking the provider nothing", async (_name, input, status, code) => {
    const before = fake.calls.length;
    const res = await admin.mutate("billingAdmin.createPlan", input);
    expect(res.status).toBe(status);
    expect(res.body.error?.data.appCode).toBe(code);
    expect(fake.calls.length).toBe(before);
  });

  it("a new amount is a new price; the old one stays allowlisted but inactive and is deactivated at Stripe", async () => {
    const [before] = await api.db.db
      .select()
      .from(planPrices)
      .innerJoin(plans, eq(plans.id, planPrices.planId))
      .where(
        and(
          eq(plans.key, "starter"),
          eq(planPrices.currency, "USD"),
          eq(planPrices.interval, "year"),
        ),
      );
    const res = await admin.mutate("billingAdmin.setPlanPrice", {
      key: "starter",
      currency: "USD",
      interval: "year",
      amount: 18_000,
      trialDays: 7,
      reason: "yearly discount",
    });
    expect(res.status).toBe(200);
    const rows = await api.db.db
      .select()
      .from(planPrices)
      .where(
        and(
          eq(planPrices.planId, before!.plans.id),
          eq(planPrices.currency, "USD"),
          eq(planPrices.interval, "year"),
        ),
      );
    expect(rows.map((r) => [r.amount, r.active, r.trialDays]).sort()).toEqual([
      [18_000, true, 7],
      [19_000, false, 0],
    ]);
    expect(fake.callsOf("deactivatePlanPrice")).toContainEqual({
      priceId: before!.plan_prices.stripePriceId,
    });
    // Still on the allowlist for its subscribers.
    expect(await findAllowlistedPrice(api.db.db, before!.plan_prices.stripePriceId)).not.toBeNull();
    const audit = await api.db.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, "plan.price_set"));
    expect(audit.at(-1)!.after).toMatchObject({ amount: 18_000, reason: "yearly discount" });
  });

  it("removes a price, updates texts, retires and reactivates a plan, all audited", async () => {
    await admin.mutate("billingAdmin.createPlan", {
      ...pro,
      key: "legacy",
      texts: { en: { name: "Legacy", description: "" } },
      prices: [
        { currency: "USD", interval: "month", amount: 900, trialDays: 0 },
        { currency: "USD", interval: "year", amount: 9000, trialDays: 0 },
      ],
    });
    const removed = await admin.mutate("billingAdmin.removePlanPrice", {
      key: "legacy",
      currency: "USD",
      interval: "year",
      reason: "monthly only",
    });
    expect(data<{ active: boolean }>(removed).active).toBe(false);
    const again = await admin.mutate("billingAdmin.removePlanPrice", {
      key: "legacy",
      currency: "USD",
      interval: "year",
      reason: "monthly only",
    });
    expect(again.status).toBe(400);
    expect(again.body.error?.data.appCode).toBe("PLAN_PRICE_NOT_OFFERED");
    // The interval in words, not the enum value.
    expect(again.body.error?.message).toBe(
      'The plan "legacy" isn\'t offered in USD per year. Choose another currency or billing interval.',
    );
    await admin.mutate("billingAdmin.updatePlan", {
      key: "legacy",
      texts: { en: { name: "Legacy plan", description: "Old" } },
      reason: "rename",
    });
    const retired = await admin.mutate("billingAdmin.setPlanStatus", {
      key: "legacy",
      status: "retired",
      reason: "sunset",
    });
    expect(data<{ status: string }>(retired).status).toBe("retired");
    const actions = await api.db.db.execute<{ action: string; reason: string }>(sql`
      select action, after->>'reason' as reason from audit_log
      where subject_type = 'plan' and subject_id = (select id::text from plans where key = 'legacy')
      order by id`);
    expect(actions.map((a) => [a.action, a.reason])).toEqual([
      ["plan.created", "launch pricing"],
      ["plan.price_removed", "monthly only"],
      ["plan.updated", "rename"],
      ["plan.status_set", "sunset"],
    ]);
  });
});

describe("billing.plans", () => {
  it("lists active plans with their offered prices in the caller's locale, filtered by currency", async () => {
    const res = await as(SAM, "de").query("billing.plans", {});
    const body = data<{
      plans: { key: string; name: string; prices: { currency: string }[] }[];
      free: unknown;
    }>(res);
    expect(body.plans.map((p) => [p.key, p.name])).toEqual([
      ["starter", "Einstieg"],
      ["pro", "Pro"],
    ]);
    expect(body.free).toEqual({ inviteAdvisors: true, maxAdvisorsPerProject: 1, buyPasses: true });
    const eur = data<typeof body>(await as(SAM).query("billing.plans", { currency: "EUR" }));
    expect(eur.plans.map((p) => [p.key, p.prices.map((x) => x.currency)])).toEqual([
      ["starter", ["EUR"]],
    ]);
  });
});

describe("checkout refusals: 4xx, localized, nothing created at the provider", () => {
  it.each([
    [
      "an unknown plan",
      { planKey: "gold", currency: "USD", interval: "month" },
      404,
      "PLAN_NOT_FOUND",
      "gold",
    ],
    [
      "a retired plan",
      { planKey: "legacy", currency: "USD", interval: "month" },
      409,
      "PLAN_RETIRED",
      "legacy",
    ],
    [
      "the free plan",
      { planKey: "free", currency: "USD", interval: "month" },
      404,
      "PLAN_NOT_FOUND",
      "free",
    ],
    [
      "a currency the plan doesn't offer",
      { planKey: "starter", currency: "EUR", interval: "year" },
      400,
      "PLAN_PRICE_NOT_OFFERED",
      "EUR",
    ],
    [
      "an unsupported currency",
      { planKey: "starter", currency: "ZZZ", interval: "month" },
      400,
      "PLAN_INVALID",
      "",
    ],
  ])("%s", async (_name, input, status, code, named) => {
    const before = fake.calls.length;
    const res = await as(DIEGO, "fr").mutate("billing.checkout", input);
    expect(res.status).toBe(status);
    expect(res.body.error?.data.appCode).toBe(code);
    expect(res.body.error?.message).toContain(named);
    expect(res.body.error?.message).not.toContain(code);
    expect(fake.calls.length).toBe(before);
  });

  it("portal, cancel and resume without a customer or subscription", async () => {
    const before = fake.calls.length;
    const portal = await as(DIEGO, "es").mutate("billing.portal", {});
    expect([portal.status, portal.body.error?.data.appCode]).toEqual([409, "NO_BILLING_CUSTOMER"]);
    expect(portal.body.error?.message).toMatch(/facturación/);
    const cancel = await as(DIEGO).mutate("billing.cancel", { atPeriodEnd: true });
    expect([cancel.status, cancel.body.error?.data.appCode]).toEqual([409, "NO_LIVE_SUBSCRIPTION"]);
    const resume = await as(DIEGO).mutate("billing.resume", {});
    expect([resume.status, resume.body.error?.data.appCode]).toEqual([409, "NO_LIVE_SUBSCRIPTION"]);
    expect(fake.calls.length).toBe(before);
    expect(await api.db.db.select().from(billingCustomers)).toHaveLength(0);
  });
});

describe("customers and checkout", () => {
  it("two concurrent ensureBillingCustomer calls make one customer", async () => {
    let created = 0;
    const slowPort = {
      createCustomer: async () => {
        created += 1;
        await new Promise((r) => setTimeout(r, 100));
        return { id: `cus_race_${created}` };
      },
    };
    const user = { id: AMIRA, email: null, name: null, locale: "en" };
    const [a, b] = await Promise.all([
      ensureBillingCustomer(api.db.db, slowPort, user),
      ensureBillingCustomer(api.db.db, slowPort, user),
    ]);
    expect(created).toBe(1);
    expect(a).toBe("cus_race_1");
    expect(b).toBe("cus_race_1");
  });

  it("two concurrent checkouts make one customer and one session; the second tab gets it again", async () => {
    fake.delayMs = 60;
    const input = { planKey: "starter", currency: "USD", interval: "month" };
    const [one, two] = await Promise.all([
      as(SAM).mutate("billing.checkout", input),
      as(SAM).mutate("billing.checkout", input),
    ]);
    fake.delayMs = 0;
    expect([one.status, two.status]).toEqual([200, 200]);
    const a = data<{ url: string; checkoutId: string; reused: boolean }>(one);
    const b = data<{ url: string; checkoutId: string; reused: boolean }>(two);
    expect(a.url).toBe(b.url);
    expect(a.checkoutId).toBe(b.checkoutId);
    expect([a.reused, b.reused].sort()).toEqual([false, true]);
    expect(fake.callsOf("createCustomer")).toHaveLength(1);
    expect(fake.callsOf("createCustomer")[0]).toMatchObject({ idempotencyKey: `customer:${SAM}` });
    expect(fake.callsOf("createSubscriptionCheckout")).toHaveLength(1);
    expect(fake.callsOf("createSubscriptionCheckout")[0]).toMatchObject({
      checkoutId: a.checkoutId,
      userId: SAM,
      trialDays: 0,
      successUrl: `${api.url}?billing=returned&session_id={CHECKOUT_SESSION_ID}`,
    });
    const open = await api.db.db
      .select()
      .from(billingCheckouts)
      .where(and(eq(billingCheckouts.userId, SAM), eq(billingCheckouts.status, "open")));
    expect(open).toHaveLength(1);
  });

  it("choosing another price expires the open session at the provider and opens a new one", async () => {
    const res = await as(SAM).mutate("billing.checkout", {
      planKey: "pro",
      currency: "USD",
      interval: "month",
    });
    const next = data<{ checkoutId: string; reused: boolean }>(res);
    expect(next.reused).toBe(false);
    expect(fake.callsOf("expireSubscriptionCheckout")).toHaveLength(1);
    expect(fake.callsOf("createSubscriptionCheckout").at(-1)).toMatchObject({ trialDays: 14 });
    const rows = await api.db.db
      .select({ status: billingCheckouts.status })
      .from(billingCheckouts)
      .where(eq(billingCheckouts.userId, SAM));
    expect(rows.map((r) => r.status).sort()).toEqual(["expired", "open"]);
  });

  it("paying and coming back syncs at once: plan, trial, card and entitlements; a second checkout is refused", async () => {
    const [open] = await api.db.db
      .select()
      .from(billingCheckouts)
      .where(and(eq(billingCheckouts.userId, SAM), eq(billingCheckouts.status, "open")));
    fake.completeCheckout(open!.stripeSessionId!);
    // Paid in another tab, not synced yet: the provider's word on the open session refuses
    // a second checkout (which would make a second subscription), and opens nothing.
    const sessionsBefore = fake.callsOf("createSubscriptionCheckout").length;
    const otherTab = await as(SAM).mutate("billing.checkout", {
      planKey: "pro",
      currency: "USD",
      interval: "month",
    });
    expect([otherTab.status, otherTab.body.error?.data.appCode]).toEqual([
      409,
      "SUBSCRIPTION_EXISTS",
    ]);
    expect(fake.callsOf("createSubscriptionCheckout")).toHaveLength(sessionsBefore);
    const status = data<Status>(
      await as(SAM).mutate("billing.syncAfterCheckout", { sessionId: open!.stripeSessionId }),
    );
    expect(status.subscription).toMatchObject({
      planKey: "pro",
      status: "trialing",
      cancelAtPeriodEnd: false,
      card: { brand: "visa", last4: "4242" },
    });
    expect(status.subscription!.trialEnd).not.toBeNull();
    expect(status.source).toBe("subscription");
    expect(status.entitlements.maxAdvisorsPerProject).toBe(10);

    const before = fake.calls.length;
    const again = await as(SAM, "de").mutate("billing.checkout", {
      planKey: "starter",
      currency: "USD",
      interval: "month",
    });
    expect([again.status, again.body.error?.data.appCode]).toEqual([409, "SUBSCRIPTION_EXISTS"]);
    expect(again.body.error?.message).toMatch(/Abonnement/);
    expect(fake.calls.length).toBe(before);
  });

  it("the portal offers only allowlisted prices, active, in the subscription's currency, per product", async () => {
    const res = await as(SAM).mutate("billing.portal", {});
    expect(data<{ url: string }>(res).url).toMatch(/^https:\/\/billing\.test\/portal\//);
    const input = fake.callsOf("createPortalSession").at(-1) as {
      allowedPrices: { productId: string; priceIds: string[] }[];
    };
    const active = await api.db.db
      .select({ productId: plans.stripeProductId, priceId: planPrices.stripePriceId })
      .from(planPrices)
      .innerJoin(plans, eq(plans.id, planPrices.planId))
      .where(
        and(
          eq(planPrices.active, true),
          eq(plans.status, "active"),
          eq(planPrices.currency, "USD"),
        ),
      );
    const expected = new Map<string, string[]>();
    for (const r of active)
      expected.set(r.productId!, [...(expected.get(r.productId!) ?? []), r.priceId].sort());
    expect(new Map(input.allowedPrices.map((g) => [g.productId, [...g.priceIds].sort()]))).toEqual(
      expected,
    );
  });

  it("cancels at period end and resumes, answering with the provider's state", async () => {
    const canceled = data<Status>(
      await as(SAM).mutate("billing.cancel", { atPeriodEnd: true, reason: "too expensive" }),
    );
    expect(canceled.subscription).toMatchObject({ planKey: "pro", cancelAtPeriodEnd: true });
    expect(fake.callsOf("cancelSubscription").at(-1)).toMatchObject({
      atPeriodEnd: true,
      reason: "too expensive",
    });
    const resumed = data<Status>(await as(SAM).mutate("billing.resume", {}));
    expect(resumed.subscription).toMatchObject({ cancelAtPeriodEnd: false });
    const notCanceling = await as(SAM).mutate("billing.resume", {});
    expect(notCanceling.body.error?.data.appCode).toBe("SUBSCRIPTION_NOT_CANCELING");
  });

  it("a provider failure is a 503 and changes nothing", async () => {
    const { ProviderUnavailableError } = await import("@an/billing");
    fake.fail.cancelSubscription = new ProviderUnavailableError("stripe down");
    const res = await as(SAM).mutate("billing.cancel", { atPeriodEnd: true });
    expect([res.status, res.body.error?.data.appCode]).toEqual([
      503,
      "BILLING_PROVIDER_UNAVAILABLE",
    ]);
    const status = data<Status>(await as(SAM).query("billing.status"));
    expect(status.subscription?.cancelAtPeriodEnd).toBe(false);
  });

  it("an admin sees the subscriber and re-syncs; cancelling now ends access", async () => {
    const list = data<{ items: { userId: string; planKey: string; status: string }[] }>(
      await admin.query("billingAdmin.listSubscribers", { search: "sam" }),
    );
    expect(list.items).toEqual([
      expect.objectContaining({ userId: SAM, planKey: "pro", status: "trialing" }),
    ]);
    const one = data<{ customer: { stripeCustomerId: string }; events: { kind: string }[] }>(
      await admin.query("billingAdmin.getSubscriber", { userId: SAM }),
    );
    expect(one.customer.stripeCustomerId).toMatch(/^cus_/);
    expect(one.events.map((e) => e.kind)).toContain("cancel_requested");
    const resync = await admin.mutate("billingAdmin.resync", { userId: SAM });
    expect(data<{ changed: boolean }>(resync).changed).toBe(true);

    const ended = data<Status>(await as(SAM).mutate("billing.cancel", { atPeriodEnd: false }));
    expect(ended.subscription).toBeNull();
    expect(ended.source).toBe("free");
    expect(ended.entitlements.maxAdvisorsPerProject).toBe(1);
  });
});

describe("complimentary grants", () => {
  it("grants a plan until a date, then revokes it, both audited with the reason", async () => {
    const endsAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const granted = await admin.mutate("billingAdmin.grantComplimentary", {
      userId: DIEGO,
      planKey: "starter",
      reason: "conference speaker",
      endsAt,
    });
    expect(granted.status).toBe(200);
    const grantId = data<{ id: string }>(granted).id;
    const status = data<Status>(await as(DIEGO, "de").query("billing.status"));
    expect(status.source).toBe("complimentary");
    expect(status.entitlements.maxAdvisorsPerProject).toBe(3);
    expect(status.grants).toEqual([expect.objectContaining({ id: grantId, planName: "Einstieg" })]);
    // Diego is told, the plan named in his language (Spanish: no Spanish text, so English).
    expect(await jobPayloads(api.db.db, "send_notification")).toContainEqual({
      userId: DIEGO,
      template: "billing_notice",
      params: { notice: "complimentary_granted", plan: "Starter", at: endsAt },
      dedupeKey: `billing:complimentary_granted:${grantId}`,
    });

    const tooLong = await admin.mutate("billingAdmin.grantComplimentary", {
      userId: DIEGO,
      planKey: "starter",
      reason: "forever",
      endsAt: new Date(Date.now() + 800 * 86_400_000).toISOString(),
    });
    expect([tooLong.status, tooLong.body.error?.data.appCode]).toEqual([
      400,
      "GRANT_END_OUT_OF_RANGE",
    ]);
    const unknownPlan = await admin.mutate("billingAdmin.grantComplimentary", {
      userId: DIEGO,
      planKey: "gold",
      reason: "typo",
      endsAt,
    });
    expect(unknownPlan.status).toBe(404);

    const revoked = await admin.mutate("billingAdmin.revokeComplimentary", {
      grantId,
      reason: "talk cancelled",
    });
    expect(revoked.status).toBe(200);
    expect(data<Status>(await as(DIEGO).query("billing.status")).source).toBe("free");
    const twice = await admin.mutate("billingAdmin.revokeComplimentary", {
      grantId,
      reason: "talk cancelled",
    });
    expect([twice.status, twice.body.error?.data.appCode]).toEqual([404, "GRANT_NOT_FOUND"]);
    const audit = await api.db.db.execute<{ action: string; reason: string }>(sql`
      select action, after->>'reason' as reason from audit_log
      where subject_type = 'user' and subject_id = ${DIEGO} and action like 'billing.%' order by id`);
    expect(audit.map((a) => [a.action, a.reason])).toEqual([
      ["billing.complimentary_granted", "conference speaker"],
      ["billing.complimentary_revoked", "talk cancelled"],
    ]);
  });
});

describe("the entitlement gate", () => {
  it("invitations: the free tier takes one advisor per project; a grant lifts the limit", async () => {
    const { projectId } = await seedProjectChat(api.db.db, { ownerId: DIEGO, name: "Gate" });
    const invite = (advisorId: string, locale = "en") =>
      as(DIEGO, locale).mutate("invitations.create", {
        projectId,
        advisorId,
        seesHistory: false,
        canPost: true,
      });
    expect((await invite(AMIRA)).status).toBe(200);
    const refused = await invite(LUCAS, "fr");
    expect([refused.status, refused.body.error?.data.appCode]).toEqual([403, "PLAN_ADVISOR_LIMIT"]);
    expect(refused.body.error?.message).toContain("1");
    expect(refused.body.error?.message).toMatch(/Abonnez-vous/);
    await admin.mutate("billingAdmin.grantComplimentary", {
      userId: DIEGO,
      planKey: "starter",
      reason: "pilot",
      endsAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect((await invite(LUCAS)).status).toBe(200);
    const live = await api.db.db
      .select()
      .from(advisorInvitations)
      .where(eq(advisorInvitations.projectId, projectId));
    expect(live).toHaveLength(2);
  });

  it("passes: a free plan without passes refuses the purchase; none is created", async () => {
    await api.db.db.update(advisors).set({ asyncDayRate: 5_000 }).where(eq(advisors.userId, AMIRA));
    const { projectId } = await seedProjectChat(api.db.db, { ownerId: SAM, name: "Passes" });
    await api.db.db.insert(advisorInvitations).values({
      projectId,
      advisorId: AMIRA,
      invitedBy: SAM,
      status: "accepted",
      expiresAt: new Date(Date.now() + 10 * 86_400_000),
    });
    const created = await admin.mutate("billingAdmin.createPlan", {
      key: "free",
      texts: { en: { name: "Free", description: "" } },
      entitlements: { inviteAdvisors: true, maxAdvisorsPerProject: 1, buyPasses: false },
      prices: [],
      reason: "no passes on free",
    });
    expect(created.status).toBe(200);
    const count = async () =>
      (
        await api.db.db.execute<{ n: number }>(
          sql`select count(*)::int as n from consultations where kind = 'async_pass'`,
        )
      )[0]!.n;
    const before = await count();
    const refused = await as(SAM, "de").mutate("passes.purchase", {
      projectId,
      advisorId: AMIRA,
      days: 3,
    });
    expect([refused.status, refused.body.error?.data.appCode]).toEqual([
      403,
      "PLAN_REQUIRED_PASSES",
    ]);
    expect(refused.body.error?.message).toMatch(/Tarif/);
    expect(await count()).toBe(before);
    // The free plan is what billing.plans reports as free, and it's not a plan to buy.
    const listed = data<{ plans: { key: string }[]; free: { buyPasses: boolean } }>(
      await as(SAM).query("billing.plans", {}),
    );
    expect(listed.free.buyPasses).toBe(false);
    expect(listed.plans.map((p) => p.key)).not.toContain("free");
  });
});
