import { randomBytes } from "node:crypto";
import type { ProviderInvoice, ProviderSubscription } from "@an/billing";
import { listUserSubscriptions } from "@an/db";
import { insertWebhookDelivery, useTestDatabase } from "@an/db/testing";
import { subscriptionInvoices } from "@an/db/schema";
import { DEFAULT_FREE_ENTITLEMENTS } from "@an/domain";
import { eq } from "drizzle-orm";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
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
} from "./testing/billing";
import { processDelivery, stripeEvent } from "./testing/fixtures";

/*
 * Subscription events are never applied from their payload: each queues a re-read of the
 * customer from Stripe. So whatever order, and however many times, the created / updated /
 * invoice paid / payment failed / deleted deliveries arrive, and whatever state Stripe has
 * moved on to when each is processed, the stored state ends as Stripe's final one, the
 * ledger holds each paid invoice once, and access follows.
 */

const t = useTestDatabase();

const DAY = 86_400_000;
const START = new Date("2026-03-02T09:00:00.000Z");
const at = (days: number) => new Date(START.getTime() + days * DAY);

type Stage = { subscriptions: ProviderSubscription[]; invoices: ProviderInvoice[] };

/** Stripe's state after each of the five events, for one customer. */
function stages(ids: { customerId: string; priceId: string; n: string }): Stage[] {
  const { customerId, priceId, n } = ids;
  const sub = (over: Partial<ProviderSubscription>) =>
    providerSubscription({ id: `sub_${n}`, customerId, priceId, created: START, ...over });
  const inv = (id: string, over: Partial<ProviderInvoice>) =>
    providerInvoice({ id: `in_${n}_${id}`, customerId, subscriptionId: `sub_${n}`, ...over });
  const in1 = inv("1", { created: START, paidAt: START });
  const in2open = inv("2", {
    created: at(30),
    status: "open",
    amountPaid: 0,
    paidAt: null,
    attemptCount: 0,
    billingReason: "subscription_cycle",
  });
  const in2paid = {
    ...in2open,
    status: "paid" as const,
    amountPaid: 1_500,
    paidAt: at(30),
    attemptCount: 1,
  };
  const in3failed = inv("3", {
    created: at(60),
    status: "open",
    amountPaid: 0,
    paidAt: null,
    attemptCount: 1,
    nextPaymentAttempt: at(63),
    billingReason: "subscription_cycle",
    paymentIntentStatus: "requires_payment_method",
  });
  const period = (from: number) => ({
    currentPeriodStart: at(from),
    currentPeriodEnd: at(from + 30),
  });
  return [
    // customer.subscription.created: the first invoice paid at checkout
    { subscriptions: [sub({ latestInvoiceId: in1.id, ...period(0) })], invoices: [in1] },
    // customer.subscription.updated: renewed, its invoice not yet paid
    {
      subscriptions: [sub({ latestInvoiceId: in2open.id, ...period(30) })],
      invoices: [in2open, in1],
    },
    // invoice.paid
    {
      subscriptions: [sub({ latestInvoiceId: in2open.id, ...period(30) })],
      invoices: [in2paid, in1],
    },
    // invoice.payment_failed: the next renewal declined
    {
      subscriptions: [sub({ status: "past_due", latestInvoiceId: in3failed.id, ...period(60) })],
      invoices: [in3failed, in2paid, in1],
    },
    // customer.subscription.deleted: retries exhausted
    {
      subscriptions: [
        sub({
          status: "canceled",
          latestInvoiceId: in3failed.id,
          canceledAt: at(67),
          endedAt: at(67),
          ...period(60),
        }),
      ],
      invoices: [{ ...in3failed, status: "uncollectible", nextPaymentAttempt: null }, in2paid, in1],
    },
  ];
}

const EVENT_TYPES = [
  "customer.subscription.created",
  "customer.subscription.updated",
  "invoice.paid",
  "invoice.payment_failed",
  "customer.subscription.deleted",
] as const;

function deliveryBody(index: number, stage: Stage) {
  const type = EVENT_TYPES[index]!;
  const object = type.startsWith("invoice.")
    ? { id: stage.invoices[0]!.id, object: "invoice", customer: stage.invoices[0]!.customerId }
    : {
        id: stage.subscriptions[0]!.id,
        object: "subscription",
        customer: stage.subscriptions[0]!.customerId,
      };
  return stripeEvent(type, object, `evt_${randomBytes(8).toString("hex")}`);
}

/** Everything the test compares, with the run's ids taken out. */
async function observe(w: BillingWorld, userId: string, n: string, now: Date) {
  const subs = (await listUserSubscriptions(w.deps.db, { userId })).map((s) => ({
    id: s.stripeSubscriptionId.replace(n, "N"),
    status: s.status,
    pastDueSince: s.pastDueSince?.toISOString() ?? null,
    endedAt: s.endedAt?.toISOString() ?? null,
    duplicate: s.duplicate,
    allowlisted: s.planId !== null,
  }));
  const invoices = (
    await w.deps.db
      .select()
      .from(subscriptionInvoices)
      .where(eq(subscriptionInvoices.userId, userId))
  )
    .map((i) => ({
      id: i.stripeInvoiceId.replace(n, "N"),
      status: i.status,
      postedPaid: i.postedPaid,
      fee: i.processingFee,
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
  const ledger = (await subscriptionLedger(w.deps.db, `in_${n}_`)).map((l) => ({
    ...l,
    dedupe_key: l.dedupe_key.replace(n, "N"),
  }));
  return { subs, invoices, ledger, entitlements: await entitlementsOf(w.deps.db, userId, now) };
}

describe("subscription events in any order", () => {
  it("end in Stripe's final state, with each paid invoice in the ledger once", async () => {
    const { pro } = await seedPlans(t.db);
    const expected = {
      subs: [
        {
          id: "sub_N",
          status: "canceled",
          pastDueSince: null,
          endedAt: at(67).toISOString(),
          duplicate: false,
          allowlisted: true,
        },
      ],
      invoices: [
        { id: "in_N_1", status: "paid", postedPaid: 1_500, fee: 380 },
        { id: "in_N_2", status: "paid", postedPaid: 1_500, fee: 380 },
        { id: "in_N_3", status: "uncollectible", postedPaid: 0, fee: null },
      ],
      ledger: ["1", "2"]
        .flatMap((i) => [
          {
            kind: "subscription_payment",
            dedupe_key: `subscription-invoice:in_N_${i}:paid`,
            account: "stripe_balance",
            amount: 1_500,
            currency: "USD",
          },
          {
            kind: "subscription_payment",
            dedupe_key: `subscription-invoice:in_N_${i}:paid`,
            account: "subscription_revenue",
            amount: -1_500,
            currency: "USD",
          },
        ])
        .concat(
          ["1", "2"].flatMap((i) => [
            {
              kind: "subscription_processing_fee",
              dedupe_key: `subscription-invoice:in_N_${i}:fee`,
              account: "processing_fees",
              amount: 380,
              currency: "USD",
            },
            {
              kind: "subscription_processing_fee",
              dedupe_key: `subscription-invoice:in_N_${i}:fee`,
              account: "stripe_balance",
              amount: -380,
              currency: "USD",
            },
          ]),
        )
        .sort((a, b) =>
          `${a.dedupe_key} ${a.account}`.localeCompare(`${b.dedupe_key} ${b.account}`),
        ),
      entitlements: DEFAULT_FREE_ENTITLEMENTS,
    };

    await fc.assert(
      fc.asyncProperty(
        // Each event delivered at least once, some twice, in any order.
        fc
          .tuple(
            fc.shuffledSubarray([0, 1, 2, 3, 4], { minLength: 0, maxLength: 3 }),
            fc.infiniteStream(fc.integer()),
          )
          .chain(([dupes]) =>
            fc.shuffledSubarray([...[0, 1, 2, 3, 4], ...dupes], {
              minLength: 5 + dupes.length,
              maxLength: 5 + dupes.length,
            }),
          ),
        // Per delivery: whether the queued sync runs before the next delivery (or later,
        // debounced with others), and how far Stripe moved on beyond the delivery's event.
        fc.array(fc.tuple(fc.boolean(), fc.nat(2)), { minLength: 8, maxLength: 8 }),
        async (order, schedule) => {
          const w = billingWorld(t.db);
          const { userId, customerId } = await seedSubscriber(t.db);
          const n = randomBytes(4).toString("hex");
          const states = stages({ customerId, priceId: pro, n });
          let stage = 0;
          for (const [k, index] of order.entries()) {
            const [syncNow, ahead] = schedule[k]!;
            // A delivery only exists once its event happened; Stripe may be further on.
            stage = Math.max(stage, Math.min(4, index + ahead));
            w.subscriptions.setState(customerId, states[stage]!);
            w.clock.now = new Date(Math.max(w.clock.now.getTime(), at(stage * 15).getTime()));
            const id = await insertWebhookDelivery(
              t.db,
              "stripe",
              deliveryBody(index, states[index]!),
              w.clock.now,
            );
            const r = await processDelivery(w, id);
            expect(r.error).toBeNull();
            expect(r.outcome).toBe(`billing sync queued for ${customerId}`);
            if (syncNow) await runQueuedSyncs(w);
          }
          await runQueuedSyncs(w);
          w.clock.now = at(70);
          const seen = await observe(w, userId, n, w.clock.now);
          expect(seen).toEqual(expected);
          expect(PRO.maxAdvisorsPerProject).toBeGreaterThan(
            seen.entitlements.maxAdvisorsPerProject,
          );
        },
      ),
      { numRuns: 25 },
    );
  });
});
