import {
  fakeSubscriptions,
  FakePayments,
  type FakeSubscriptions,
  providerInvoice,
  providerSubscription,
} from "@an/billing/testing";
import type { Db } from "@an/db";
import { queuedJobs, removeQueuedJob } from "@an/db/testing";
import { createHandlers } from "../../tasks";
import { testWorkerDeps } from "../../testing";
import { jobHelpers, T0 } from "./fixtures";

export { providerInvoice, providerSubscription };
export {
  entitlementsOf,
  TEST_PRO_ENTITLEMENTS as PRO,
  seedSubscriber,
  seedSubscriptionPlans as seedPlans,
  subscriptionLedger,
  TEST_TEAM_ENTITLEMENTS as TEAM,
} from "@an/db/testing";

/*
 * Fixtures for the subscription tests: plans on the allowlist, a subscriber with a Stripe
 * customer, a scripted Stripe Billing whose state the test sets, and the worker's real
 * task handlers around them.
 */

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
    await removeQueuedJob(w.deps.db, "sync_billing_customer", job.key);
    await w.handlers.sync_billing_customer(
      job.payload as { stripeCustomerId: string; source: string },
      jobHelpers(),
    );
  }
  return jobs.length;
}
