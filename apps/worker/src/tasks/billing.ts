import { isProviderError } from "@an/billing";
import {
  enqueueJob,
  getSubscription,
  planNameForUser,
  recordBillingSyncError,
  runBillingReconciliation,
  startBillingReconciliation,
  syncBillingCustomer,
} from "@an/db";
import { TRIAL_REMINDER_DAYS } from "@an/domain";
import type { TaskHandler, WorkerDeps } from "./types";

const DAY = 86_400_000;

const ports = (deps: WorkerDeps) => ({
  subscriptions: deps.subscriptions,
  payments: deps.payments,
});

/**
 * Re-reads one customer's subscriptions and invoices from Stripe and stores them. Any
 * failure is kept on the customer (the admin view shows it) and rethrown, so
 * graphile-worker retries with backoff: an unavailable provider leaves the stored state
 * as it was, never half-written.
 */
export function syncBillingCustomerTask(deps: WorkerDeps): TaskHandler<"sync_billing_customer"> {
  return async ({ stripeCustomerId, source }, helpers) => {
    try {
      const result = await syncBillingCustomer(deps.db, ports(deps), {
        stripeCustomerId,
        source,
        now: deps.now(),
      });
      if (!result.userId) {
        helpers.logger.warn(`sync_billing_customer: ${stripeCustomerId} is not a customer of ours`);
      }
    } catch (error) {
      await recordBillingSyncError(deps.db, {
        stripeCustomerId,
        error: isProviderError(error)
          ? `provider ${error.kind}: ${error.message}`
          : error instanceof Error
            ? error.message
            : String(error),
        now: deps.now(),
      });
      throw error;
    }
  };
}

/**
 * Tells a trialing subscriber their trial ends soon. Does nothing unless the subscription
 * still trials and its trial end is the one the reminder was for (within the reminder
 * window); the notice's dedupe key is the trial end, so a retried job sends it once.
 */
export function subscriptionTrialReminder(
  deps: WorkerDeps,
): TaskHandler<"subscription_trial_reminder"> {
  return async ({ subscriptionId }) => {
    const sub = await getSubscription(deps.db, { id: subscriptionId });
    const now = deps.now();
    if (!sub || sub.status !== "trialing" || !sub.trialEnd || sub.duplicate || !sub.planId) return;
    const due = sub.trialEnd.getTime() - TRIAL_REMINDER_DAYS * DAY;
    // A trial moved later has its reminder rescheduled by the sync; this one is early.
    if (now.getTime() < due - 60_000 || now.getTime() >= sub.trialEnd.getTime()) return;
    const plan = await planNameForUser(deps.db, { planId: sub.planId, userId: sub.userId });
    await enqueueJob(deps.db, "send_notification", {
      userId: sub.userId,
      dedupeKey: `billing:trial_ending:${sub.stripeSubscriptionId}:${sub.trialEnd.toISOString()}`,
      template: "billing_notice",
      params: {
        notice: "trial_ending",
        plan: plan ?? sub.stripePriceId,
        amount: sub.amount,
        currency: sub.currency,
        at: sub.trialEnd.toISOString(),
      },
    });
  };
}

/**
 * Crontab: re-syncs every billing customer against Stripe, records what differed in a
 * reconciliation run, and raises one incident per run that found differences.
 */
export function reconcileSubscriptionsNightly(
  deps: WorkerDeps,
): TaskHandler<"reconcile_subscriptions_nightly"> {
  return async (_payload, helpers) => {
    const { runId } = await startBillingReconciliation(deps.db, { now: deps.now() });
    const outcome = await runBillingReconciliation(deps.db, ports(deps), {
      runId,
      now: deps.now,
    });
    helpers.logger.info(
      `reconcile_subscriptions_nightly ${runId}: ${outcome.customersChecked} checked, ${outcome.customersDiffering} differing, ${outcome.failures} failed`,
    );
  };
}
