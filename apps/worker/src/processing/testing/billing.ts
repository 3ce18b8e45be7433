import { randomBytes } from "node:crypto";
import {
  fakeSubscriptions,
  FakePayments,
  type FakeSubscriptions,
  providerInvoice,
  providerSubscription,
} from "@an/billing/testing";
import { type Db, listUserSubscriptions } from "@an/db";
import { queuedJobs } from "@an/db/testing";
import { billingCustomers, planPrices, plans, users } from "@an/db/schema";
import { DEFAULT_FREE_ENTITLEMENTS, type Entitlements, entitlementsFor } from "@an/domain";
import { sql } from "drizzle-orm";
import { createHandlers } from "../../tasks";
import { testWorkerDeps } from "../../testing";
import { jobHelpers, T0 } from "./fixtures";

export { providerInvoice, providerSubscription };

/*
 * Fixtures for the subscription tests: plans on the allowlist, a subscriber with a Stripe
 * customer, a scripted Stripe Billing whose state the test sets, and the worker's real
 * task handlers around them.
 */

export const PRO: Entitlements = {
  inviteAdvisors: true,
  maxAdvisorsPerProject: 5,
  buyPasses: true,
};
export const TEAM: Entitlements = {
  inviteAdvisors: true,
  maxAdvisorsPerProject: 20,
  buyPasses: true,
};

/** Two plans with a USD monthly price each; returns their Stripe price ids. */
export async function seedPlans(db: Db): Promise<{ pro: string; team: string }> {
  const suffix = randomBytes(4).toString("hex");
  const ids = { pro: `price_pro_${suffix}`, team: `price_team_${suffix}` };
  for (const [key, entitlements, priceId, amount] of [
    [`pro-${suffix}`, PRO, ids.pro, 1_500],
    [`team-${suffix}`, TEAM, ids.team, 4_900],
  ] as const) {
    const [plan] = await db
      .insert(plans)
      .values({
        key,
        texts: {
          en: { name: key.startsWith("pro") ? "Pro" : "Team", description: "" },
          de: { name: key.startsWith("pro") ? "Profi" : "Team", description: "" },
        },
        entitlements,
      })
      .returning();
    await db.insert(planPrices).values({
      planId: plan!.id,
      currency: "USD",
      interval: "month",
      amount,
      stripePriceId: priceId,
    });
  }
  return ids;
}

/** A new subscriber with a Stripe customer of ours. */
export async function seedSubscriber(
  db: Db,
  options: { locale?: string; withCustomer?: boolean } = {},
): Promise<{ userId: string; customerId: string }> {
  const suffix = randomBytes(5).toString("hex");
  const userId = `test|sub-${suffix}`;
  const customerId = `cus_${suffix}`;
  await db.insert(users).values({
    id: userId,
    email: `sub-${suffix}@example.test`,
    firstName: "Noor",
    locale: options.locale ?? "en",
  });
  if (options.withCustomer !== false) {
    await db.insert(billingCustomers).values({ userId, stripeCustomerId: customerId });
  }
  return { userId, customerId };
}

/** A world with a scripted Stripe Billing, fake payments and the real task handlers. */
export function billingWorld(db: Db) {
  const clock = { now: T0 };
  const payments = new FakePayments();
  const subscriptions: FakeSubscriptions = fakeSubscriptions();
  const deps = testWorkerDeps(db, { payments, subscriptions, now: () => clock.now });
  return { clock, payments, subscriptions, deps, handlers: createHandlers(deps) };
}
export type BillingWorld = ReturnType<typeof billingWorld>;

/**
 * Runs every queued `sync_billing_customer` job as graphile-worker would (its row is
 * removed first, like a worker taking it). Returns how many ran.
 */
export async function runQueuedSyncs(w: BillingWorld): Promise<number> {
  const jobs = await queuedJobs(w.deps.db, "sync_billing_customer");
  for (const job of jobs) {
    await w.deps.db.execute(
      sql`delete from graphile_worker._private_jobs j using graphile_worker._private_tasks k
          where k.id = j.task_id and k.identifier = 'sync_billing_customer' and j.key = ${job.key}`,
    );
    await w.handlers.sync_billing_customer(
      job.payload as { stripeCustomerId: string; source: string },
      jobHelpers(),
    );
  }
  return jobs.length;
}

/**
 * What a user may do, computed from the synced rows by the domain's rule (the free tier
 * is the default: these tests hold no `free` plan).
 */
export async function entitlementsOf(db: Db, userId: string, now: Date): Promise<Entitlements> {
  const rows = await listUserSubscriptions(db, { userId });
  const planRows = await db.select().from(plans);
  const byId = new Map(planRows.map((p) => [p.id, p.entitlements]));
  return entitlementsFor({
    free: DEFAULT_FREE_ENTITLEMENTS,
    subscriptions: rows.map((r) => ({
      status: r.status,
      entitlements: r.planId ? (byId.get(r.planId) ?? null) : null,
      pastDueSince: r.pastDueSince,
      duplicate: r.duplicate,
    })),
    grants: [],
    now,
  });
}

/** The ledger's subscription entries about some invoices: kind, dedupe key and postings. */
export async function subscriptionLedger(db: Db, invoicePrefix: string) {
  const rows = await db.execute<{
    kind: string;
    dedupe_key: string;
    account: string;
    amount: string;
    currency: string;
  }>(sql`
    select e.kind::text as kind, e.dedupe_key, p.account, p.amount::text as amount, p.currency
    from journal_entries e join journal_postings p on p.entry_id = e.id
    where e.dedupe_key like ${`subscription-invoice:${invoicePrefix}%`}
    order by e.dedupe_key, p.account
  `);
  return rows.map((r) => ({ ...r, amount: Number(r.amount) }));
}
