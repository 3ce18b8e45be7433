import { ProviderUnavailableError } from "@an/billing";
import {
  getUserWithRoles,
  listBillingEvents,
  listUserSubscriptions,
  syncBillingCustomer,
} from "@an/db";
import { incidents, jobPayloads, queuedJobs, useTestDatabase } from "@an/db/testing";
import {
  billingCustomers,
  billingReconciliationRuns,
  notifications,
  subscriptionInvoices,
} from "@an/db/schema";
import { DEFAULT_FREE_ENTITLEMENTS } from "@an/domain";
import { desc, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import {
  billingWorld,
  type BillingWorld,
  entitlementsOf,
  PRO,
  providerInvoice,
  providerSubscription,
  runQueuedSyncs,
  seedPlans,
  seedSubscriber,
  subscriptionLedger,
  TEAM,
} from "./testing/billing";
import { deliver, jobHelpers, stripeEvent, T0 } from "./testing/fixtures";

const t = useTestDatabase();
const DAY = 86_400_000;
const at = (days: number) => new Date(T0.getTime() + days * DAY);

let w: BillingWorld;
let prices: { pro: string; team: string };
beforeEach(async () => {
  w = billingWorld(t.db);
  prices = await seedPlans(t.db);
});

const sync = (customerId: string, source = "test") =>
  syncBillingCustomer(
    t.db,
    { subscriptions: w.subscriptions, payments: w.payments },
    { stripeCustomerId: customerId, source, now: w.clock.now },
  );

type Notice = { userId: string; dedupeKey: string; params: { notice: string } };
const noticesOf = async (userId: string) =>
  (await jobPayloads<Notice>(t.db, "send_notification"))
    .filter((p) => p.userId === userId)
    .map((p) => p.dedupeKey);

/** Queued syncs of one customer (every customer's when null: none may be queued by then). */
const syncJobsFor = async (customerId: string | null) =>
  (await queuedJobs(t.db, "sync_billing_customer")).filter(
    (j) => customerId === null || j.payload.stripeCustomerId === customerId,
  );

describe("the webhook branch", () => {
  beforeEach(async () => {
    // Earlier tests leave their queued syncs behind: each starts from an empty queue.
    await runQueuedSyncs(w);
  });

  it("queues one sync per customer for subscription, invoice and subscription-mode checkout events", async () => {
    const { customerId } = await seedSubscriber(t.db);
    for (const [type, object] of [
      ["customer.subscription.updated", { id: "sub_x", customer: customerId }],
      ["invoice.payment_failed", { id: "in_x", customer: customerId }],
      ["customer.subscription.trial_will_end", { id: "sub_x", customer: { id: customerId } }],
      ["checkout.session.completed", { id: "cs_x", mode: "subscription", customer: customerId }],
    ] as const) {
      const r = await deliver(w, "stripe", stripeEvent(type, object));
      expect(r.status).toBe("processed");
      expect(r.outcome).toBe(`billing sync queued for ${customerId}`);
    }
    const jobs = await syncJobsFor(customerId);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.key).toBe(`billing-sync:${customerId}`);
    expect(jobs[0]!.payload).toMatchObject({ stripeCustomerId: customerId });
  });

  it("leaves payment-mode checkouts to the consultation handlers", async () => {
    const r = await deliver(
      w,
      "stripe",
      stripeEvent("checkout.session.expired", { id: "cs_p", mode: "payment", customer: null }),
    );
    expect(r.outcome).not.toMatch(/billing sync/);
    expect(await syncJobsFor(null)).toEqual([]);
  });

  it("ignores a subscription event that names no customer", async () => {
    const r = await deliver(w, "stripe", stripeEvent("invoice.paid", { id: "in_y" }));
    expect(r.status).toBe("ignored");
    expect(await syncJobsFor(null)).toEqual([]);
  });
});

describe("syncBillingCustomer", () => {
  it("grants the plan of an allowlisted price and tells the subscriber once", async () => {
    const { userId, customerId } = await seedSubscriber(t.db);
    w.subscriptions.setState(customerId, {
      subscriptions: [providerSubscription({ id: "sub_a1", customerId, priceId: prices.pro })],
      invoices: [providerInvoice({ id: "in_a1", customerId, subscriptionId: "sub_a1" })],
    });
    const first = await sync(customerId);
    expect(first).toMatchObject({ userId, changed: true });
    const again = await sync(customerId);
    expect(again).toEqual({ userId, changed: false, differences: [] });
    expect(await entitlementsOf(t.db, userId, w.clock.now)).toEqual(PRO);
    expect(await noticesOf(userId)).toEqual(["billing:started:sub_a1"]);
    const [customer] = await t.db
      .select()
      .from(billingCustomers)
      .where(eq(billingCustomers.userId, userId));
    expect(customer!.syncedAt).toEqual(w.clock.now);
  });

  it("a price outside the allowlist raises an incident once and grants nothing", async () => {
    const { userId, customerId } = await seedSubscriber(t.db);
    w.subscriptions.setState(customerId, {
      subscriptions: [
        providerSubscription({ id: "sub_b1", customerId, priceId: "price_tampered" }),
      ],
    });
    await sync(customerId);
    await sync(customerId);
    const [sub] = await listUserSubscriptions(t.db, { userId });
    expect(sub).toMatchObject({ planId: null, status: "active" });
    expect(await entitlementsOf(t.db, userId, w.clock.now)).toEqual(DEFAULT_FREE_ENTITLEMENTS);
    const found = (await incidents(t.db, "price_not_allowlisted")).filter((i) =>
      i.dedupe_key.includes("sub_b1"),
    );
    expect(found).toHaveLength(1);
    expect(await noticesOf(userId)).toEqual([]);
    expect((await listBillingEvents(t.db, { userId, kind: "incident" })).length).toBe(1);
  });

  it("of two live subscriptions the oldest counts, the other is a duplicate with an incident", async () => {
    const { userId, customerId } = await seedSubscriber(t.db);
    // Newest first, as Stripe lists them; each sync order must keep the index satisfied.
    w.subscriptions.setState(customerId, {
      subscriptions: [
        providerSubscription({ id: "sub_c2", customerId, priceId: prices.team, created: at(0.01) }),
      ],
    });
    await sync(customerId);
    w.subscriptions.setState(customerId, {
      subscriptions: [
        providerSubscription({ id: "sub_c2", customerId, priceId: prices.team, created: at(0.01) }),
        providerSubscription({ id: "sub_c1", customerId, priceId: prices.pro, created: at(0) }),
      ],
    });
    await sync(customerId);
    const rows = await listUserSubscriptions(t.db, { userId });
    const byId = Object.fromEntries(rows.map((r) => [r.stripeSubscriptionId, r.duplicate]));
    expect(byId).toEqual({ sub_c1: false, sub_c2: true });
    expect(await entitlementsOf(t.db, userId, w.clock.now)).toEqual(PRO);
    expect(
      (await incidents(t.db, "duplicate_subscription")).filter((i) =>
        i.dedupe_key.includes("sub_c2"),
      ),
    ).toHaveLength(1);
    // The winner ends: the other is no longer a duplicate and takes its place.
    w.subscriptions.setState(customerId, {
      subscriptions: [
        providerSubscription({ id: "sub_c2", customerId, priceId: prices.team, created: at(0.01) }),
        providerSubscription({
          id: "sub_c1",
          customerId,
          priceId: prices.pro,
          created: at(0),
          status: "canceled",
          endedAt: at(1),
        }),
      ],
    });
    await sync(customerId);
    expect(await entitlementsOf(t.db, userId, w.clock.now)).toEqual(TEAM);
  });

  it("past due keeps access for the grace period from the oldest open invoice, then not", async () => {
    const { userId, customerId } = await seedSubscriber(t.db, { locale: "de" });
    w.subscriptions.setState(customerId, {
      subscriptions: [
        providerSubscription({
          id: "sub_d1",
          customerId,
          priceId: prices.pro,
          status: "past_due",
          latestInvoiceId: "in_d2",
        }),
      ],
      invoices: [
        providerInvoice({
          id: "in_d2",
          customerId,
          subscriptionId: "sub_d1",
          status: "open",
          amountPaid: 0,
          paidAt: null,
          attemptCount: 2,
          created: at(1),
          paymentIntentStatus: "requires_payment_method",
        }),
        providerInvoice({
          id: "in_d1",
          customerId,
          subscriptionId: "sub_d1",
          status: "open",
          amountPaid: 0,
          paidAt: null,
          attemptCount: 1,
          created: at(0),
          paymentIntentStatus: "requires_action",
        }),
      ],
    });
    await sync(customerId);
    const [sub] = await listUserSubscriptions(t.db, { userId });
    expect(sub!.pastDueSince).toEqual(at(0));
    expect(sub!.hostedInvoiceUrl).toBe("https://invoice.test/in_d2");
    expect(sub!.actionRequired).toBe(false);
    expect(await entitlementsOf(t.db, userId, at(6))).toEqual(PRO);
    expect(await entitlementsOf(t.db, userId, at(7.5))).toEqual(DEFAULT_FREE_ENTITLEMENTS);
    expect((await noticesOf(userId)).sort()).toEqual([
      "billing:payment_action_required:in_d1",
      "billing:payment_failed:in_d2:2",
    ]);

    // The notice is rendered in the subscriber's locale, the amount in their currency.
    const job = (await jobPayloads<Notice>(t.db, "send_notification")).find(
      (p) => p.dedupeKey === "billing:payment_failed:in_d2:2",
    )!;
    await w.handlers.send_notification(job as never, jobHelpers());
    const [message] = await t.db
      .select()
      .from(notifications)
      .where(eq(notifications.dedupeKey, job.dedupeKey));
    expect(message!.locale).toBe("de");
    expect(message!.subject).toBe("Die Zahlung für dein Abo Profi ist fehlgeschlagen");
    expect(message!.body).toMatch(/15,00\s\$/u);
    expect(message!.body).toContain("https://invoice.test/in_d2");
  });

  it("a customer we don't know changes nothing; one naming our user in its metadata is adopted", async () => {
    w.subscriptions.setState("cus_stranger", {
      subscriptions: [
        providerSubscription({ id: "sub_e1", customerId: "cus_stranger", priceId: prices.pro }),
      ],
    });
    expect(await sync("cus_stranger")).toEqual({ userId: null, changed: false, differences: [] });

    const { userId, customerId } = await seedSubscriber(t.db, { withCustomer: false });
    w.subscriptions.setState(customerId, {
      subscriptions: [
        providerSubscription({ id: "sub_e2", customerId, priceId: prices.pro, userId }),
      ],
    });
    expect(await sync(customerId)).toMatchObject({ userId, changed: true });
    const [customer] = await t.db
      .select()
      .from(billingCustomers)
      .where(eq(billingCustomers.userId, userId));
    expect(customer!.stripeCustomerId).toBe(customerId);
  });

  it("a paid invoice posts once however many syncs run; refunds and credit notes reverse it", async () => {
    const { customerId } = await seedSubscriber(t.db);
    const invoice = providerInvoice({ id: "in_f1", customerId, subscriptionId: "sub_f1" });
    w.subscriptions.setState(customerId, {
      subscriptions: [providerSubscription({ id: "sub_f1", customerId, priceId: prices.pro })],
      invoices: [invoice],
    });
    for (let i = 0; i < 3; i += 1) await sync(customerId);
    const sums = (rows: { kind: string; amount: number; account: string }[]) =>
      rows.reduce<Record<string, number>>((acc, r) => {
        acc[`${r.kind} ${r.account}`] = (acc[`${r.kind} ${r.account}`] ?? 0) + r.amount;
        return acc;
      }, {});
    expect(sums(await subscriptionLedger(t.db, "in_f1"))).toEqual({
      "subscription_payment stripe_balance": 1_500,
      "subscription_payment subscription_revenue": -1_500,
      "subscription_processing_fee processing_fees": 380,
      "subscription_processing_fee stripe_balance": -380,
    });
    // A partial refund on the charge (seen by the nightly run), then a larger credit note.
    w.payments.refundedByIntent.set(invoice.paymentIntentId!, 500);
    await sync(customerId, "reconcile:test");
    w.subscriptions.setState(customerId, { invoices: [{ ...invoice, creditedAfterPayment: 800 }] });
    await sync(customerId);
    await sync(customerId, "reconcile:test");
    const ledger = await subscriptionLedger(t.db, "in_f1");
    expect(sums(ledger)).toMatchObject({
      "subscription_reversal subscription_revenue": 800,
      "subscription_reversal stripe_balance": -800,
    });
    expect(new Set(ledger.map((l) => l.dedupe_key))).toEqual(
      new Set([
        "subscription-invoice:in_f1:paid",
        "subscription-invoice:in_f1:fee",
        "subscription-invoice:in_f1:reversed:500",
        "subscription-invoice:in_f1:reversed:800",
      ]),
    );
    // Balanced per currency.
    expect(ledger.reduce((s, l) => s + l.amount, 0)).toBe(0);
    const [row] = await t.db
      .select()
      .from(subscriptionInvoices)
      .where(eq(subscriptionInvoices.stripeInvoiceId, "in_f1"));
    expect(row).toMatchObject({
      postedPaid: 1_500,
      postedReversed: 800,
      amountReversed: 800,
      stripeChargeId: "ch_f1",
    });
  });
});

describe("notices through a subscription's life", () => {
  it("tells of a failed renewal, its recovery, a plan change, a scheduled cancellation and the end, each once", async () => {
    const { userId, customerId } = await seedSubscriber(t.db);
    const base = providerSubscription({ id: "sub_m1", customerId, priceId: prices.pro });
    const paid = providerInvoice({ id: "in_m1", customerId, subscriptionId: "sub_m1" });
    const renewal = providerInvoice({
      id: "in_m2",
      customerId,
      subscriptionId: "sub_m1",
      status: "open",
      amountPaid: 0,
      paidAt: null,
      attemptCount: 1,
      created: at(30),
      billingReason: "subscription_cycle",
    });
    const steps: { subscription: typeof base; invoices: (typeof paid)[] }[] = [
      { subscription: base, invoices: [paid] },
      { subscription: { ...base, status: "past_due" }, invoices: [renewal, paid] },
      {
        subscription: base,
        invoices: [{ ...renewal, status: "paid", amountPaid: 1_500, paidAt: at(32) }, paid],
      },
      {
        subscription: { ...base, priceId: prices.team, amount: 4_900 },
        invoices: [{ ...renewal, status: "paid", amountPaid: 1_500, paidAt: at(32) }, paid],
      },
      {
        subscription: { ...base, priceId: prices.team, amount: 4_900, cancelAtPeriodEnd: true },
        invoices: [],
      },
      {
        subscription: {
          ...base,
          priceId: prices.team,
          amount: 4_900,
          status: "canceled",
          endedAt: at(60),
        },
        invoices: [],
      },
    ];
    for (const step of steps) {
      w.subscriptions.setState(customerId, {
        subscriptions: [step.subscription],
        ...(step.invoices.length > 0 ? { invoices: step.invoices } : {}),
      });
      // Every step synced twice: a repeated sync tells nothing new.
      await sync(customerId);
      await sync(customerId);
    }
    expect(await noticesOf(userId)).toEqual([
      "billing:started:sub_m1",
      "billing:payment_failed:in_m2:1",
      "billing:payment_recovered:in_m2",
      `billing:plan_changed:sub_m1:${prices.team}`,
      `billing:subscription_canceling:sub_m1:${base.currentPeriodEnd!.toISOString()}`,
      "billing:subscription_ended:sub_m1",
    ]);
    const kinds = (await listBillingEvents(t.db, { userId })).map((e) => e.kind);
    expect(kinds).toEqual([
      "status_changed",
      "invoice_paid",
      "status_changed",
      "invoice_payment_failed",
      "status_changed",
      "invoice_paid",
      "plan_changed",
      "cancel_scheduled",
      "status_changed",
      "ended",
    ]);
  });

  it("the nightly run adopts a customer only the provider knows, by the user id in its metadata", async () => {
    const { userId, customerId } = await seedSubscriber(t.db, { withCustomer: false });
    w.subscriptions.customers = [{ id: customerId, userId }];
    w.subscriptions.setState(customerId, {
      subscriptions: [
        providerSubscription({ id: "sub_n1", customerId, priceId: prices.team, userId }),
      ],
    });
    await w.handlers.reconcile_subscriptions_nightly({}, jobHelpers());
    expect(await entitlementsOf(t.db, userId, w.clock.now)).toEqual(TEAM);
    const [customer] = await t.db
      .select()
      .from(billingCustomers)
      .where(eq(billingCustomers.userId, userId));
    expect(customer!.stripeCustomerId).toBe(customerId);
  });
});

describe("a refund of a subscription invoice's charge", () => {
  it("queues the customer's sync, which re-reads the charge and reverses the revenue", async () => {
    const { customerId } = await seedSubscriber(t.db);
    const invoice = providerInvoice({ id: "in_k1", customerId, subscriptionId: "sub_k1" });
    w.subscriptions.setState(customerId, {
      subscriptions: [providerSubscription({ id: "sub_k1", customerId, priceId: prices.pro })],
      invoices: [invoice],
    });
    await sync(customerId);
    await runQueuedSyncs(w);
    // Refunded in the dashboard: the invoice doesn't change, the charge does.
    w.payments.refundedByIntent.set(invoice.paymentIntentId!, 1_500);
    const r = await deliver(
      w,
      "stripe",
      stripeEvent("charge.refunded", {
        id: "ch_k1",
        object: "charge",
        amount: 1_500,
        amount_refunded: 1_500,
        currency: "usd",
        payment_intent: invoice.paymentIntentId,
        metadata: {},
      }),
    );
    expect(r).toMatchObject({
      status: "processed",
      outcome: `billing sync queued for ${customerId}`,
    });
    expect((await syncJobsFor(customerId))[0]!.payload.source).toBe("charge-refund:ch_k1");
    // A later invoice event queues a plain sync; it must not replace the refund's (which
    // alone re-reads the charges), or the reversal would wait for the nightly run.
    await deliver(
      w,
      "stripe",
      stripeEvent("invoice.updated", { id: "in_k1", object: "invoice", customer: customerId }),
    );
    expect((await syncJobsFor(customerId)).map((j) => j.key).sort()).toEqual([
      `billing-sync-charges:${customerId}`,
      `billing-sync:${customerId}`,
    ]);
    await runQueuedSyncs(w);
    const ledger = await subscriptionLedger(t.db, "in_k1");
    expect(
      ledger.filter((l) => l.kind === "subscription_reversal").map((l) => [l.account, l.amount]),
    ).toEqual([
      ["stripe_balance", -1_500],
      ["subscription_revenue", 1_500],
    ]);
  });
});

describe("the worker's subscription tasks", () => {
  it("an unavailable provider keeps the stored state, records the error and retries", async () => {
    const { userId, customerId } = await seedSubscriber(t.db);
    w.subscriptions.fail.listCustomerInvoices = new ProviderUnavailableError("Stripe 503");
    await expect(
      w.handlers.sync_billing_customer(
        { stripeCustomerId: customerId, source: "test" },
        jobHelpers(),
      ),
    ).rejects.toThrow("Stripe 503");
    const [customer] = await t.db
      .select()
      .from(billingCustomers)
      .where(eq(billingCustomers.userId, userId));
    expect(customer!.lastSyncError).toMatch(/Stripe 503/);
    expect(customer!.syncedAt).toBeNull();
    await w.handlers.sync_billing_customer(
      { stripeCustomerId: customerId, source: "test" },
      jobHelpers(),
    );
    const [after] = await t.db
      .select()
      .from(billingCustomers)
      .where(eq(billingCustomers.userId, userId));
    expect(after!.lastSyncError).toBeNull();
  });

  it("a dropped customer.subscription.deleted: the nightly run revokes access and reports it", async () => {
    const { userId, customerId } = await seedSubscriber(t.db);
    const live = providerSubscription({ id: "sub_g1", customerId, priceId: prices.pro });
    w.subscriptions.setState(customerId, { subscriptions: [live] });
    await deliver(
      w,
      "stripe",
      stripeEvent("customer.subscription.created", { id: "sub_g1", customer: customerId }),
    );
    await runQueuedSyncs(w);
    expect(await entitlementsOf(t.db, userId, w.clock.now)).toEqual(PRO);

    // Stripe ends it; its webhook never arrives.
    w.subscriptions.setState(customerId, {
      subscriptions: [{ ...live, status: "canceled", endedAt: at(1), canceledAt: at(1) }],
    });
    w.clock.now = at(2);
    await w.handlers.reconcile_subscriptions_nightly({}, jobHelpers());
    expect(await entitlementsOf(t.db, userId, w.clock.now)).toEqual(DEFAULT_FREE_ENTITLEMENTS);
    const [run] = await t.db
      .select()
      .from(billingReconciliationRuns)
      .orderBy(desc(billingReconciliationRuns.startedAt))
      .limit(1);
    expect(run).toMatchObject({ customersDiffering: 1, failures: 0 });
    expect(run!.customersChecked).toBeGreaterThanOrEqual(1);
    expect(run!.finishedAt).toEqual(at(2));
    expect(run!.differences).toEqual([
      {
        stripeCustomerId: customerId,
        userId,
        differences: expect.arrayContaining([
          { field: "status", ours: "active", stripe: "canceled", subscriptionId: "sub_g1" },
          { field: "endedAt", ours: null, stripe: at(1).toISOString(), subscriptionId: "sub_g1" },
        ]) as unknown,
      },
    ]);
    const outOfSync = async () => (await incidents(t.db, "subscription_out_of_sync")).length;
    expect((await incidents(t.db, "subscription_out_of_sync")).map((i) => i.dedupe_key)).toContain(
      `subscription_out_of_sync:${run!.id}`,
    );
    expect(await noticesOf(userId)).toContain("billing:subscription_ended:sub_g1");

    // A second run finds nothing to report and raises nothing.
    const raised = await outOfSync();
    await w.handlers.reconcile_subscriptions_nightly({}, jobHelpers());
    expect(await outOfSync()).toBe(raised);
  });

  it("the trial reminder is scheduled by the sync and sent only while still trialing", async () => {
    const { userId, customerId } = await seedSubscriber(t.db);
    const trialing = providerSubscription({
      id: "sub_h1",
      customerId,
      priceId: prices.pro,
      status: "trialing",
      trialEnd: at(14),
    });
    w.subscriptions.setState(customerId, { subscriptions: [trialing] });
    await sync(customerId);
    const [sub] = await listUserSubscriptions(t.db, { userId });
    const [job] = await queuedJobs(t.db, "subscription_trial_reminder");
    expect(job).toMatchObject({ key: `trial-reminder:${sub!.id}`, runAt: at(11) });

    w.clock.now = at(11);
    await w.handlers.subscription_trial_reminder({ subscriptionId: sub!.id }, jobHelpers());
    expect(await noticesOf(userId)).toContain(
      `billing:trial_ending:sub_h1:${at(14).toISOString()}`,
    );
    const user = await getUserWithRoles(t.db, { id: userId });
    expect(user).not.toBeNull();

    // Converted to active before a (stale) reminder runs: nothing more is sent.
    const before = (await noticesOf(userId)).length;
    w.subscriptions.setState(customerId, { subscriptions: [{ ...trialing, status: "active" }] });
    await sync(customerId);
    await w.handlers.subscription_trial_reminder({ subscriptionId: sub!.id }, jobHelpers());
    expect((await noticesOf(userId)).length).toBe(before);
  });
});
