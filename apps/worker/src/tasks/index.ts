import { JOBS, type JobName } from "@an/db";
import type { Task, TaskList } from "graphile-worker";
import {
  reconcileSubscriptionsNightly,
  subscriptionTrialReminder,
  syncBillingCustomerTask,
} from "./billing";
import { cancelBooking } from "./cancel-booking";
import { chatDigests } from "./chat-digests";
import { consultationTimer } from "./consultation-timer";
import { createCheckout } from "./create-checkout";
import { deliverSimulatedWebhook } from "./deliver-simulated-webhook";
import { expireCheckout } from "./expire-checkout";
import { expireInvitationsTask } from "./expire-invitations";
import { planPayouts, preparePayoutBatchTask, reverseTransfer, sendPayoutItem } from "./payouts";
import { processWebhookEvent } from "./process-webhook-event";
import { purgeWebhookPayloads } from "./purge-webhook-payloads";
import { reconcileCalcomBookings } from "./reconcile-calcom-bookings";
import { reconcileProvider, reconcileProviderNightly } from "./reconcile-provider";
import { refundPayment } from "./refund-payment";
import { purgeRateLimits } from "./purge-rate-limits";
import { sendNotification } from "./send-notification";
import type { TaskHandler, WorkerDeps } from "./types";

type Handlers = { [N in JobName]: TaskHandler<N> };

/** Every task the worker runs: exactly the names in the job contract, no more, no less. */
export function createHandlers(deps: WorkerDeps): Handlers {
  return {
    send_notification: sendNotification(deps),
    purge_expired_rate_limits: purgeRateLimits(deps),
    process_webhook_event: processWebhookEvent(deps),
    consultation_timer: consultationTimer(deps),
    create_checkout: createCheckout(deps),
    expire_checkout: expireCheckout(deps),
    refund_payment: refundPayment(deps),
    cancel_booking: cancelBooking(deps),
    deliver_simulated_webhook: deliverSimulatedWebhook(deps),
    reconcile_calcom_bookings: reconcileCalcomBookings(deps),
    purge_webhook_payloads: purgeWebhookPayloads(deps),
    plan_payouts: planPayouts(deps),
    prepare_payout_batch: preparePayoutBatchTask(deps),
    send_payout_item: sendPayoutItem(deps),
    reverse_transfer: reverseTransfer(deps),
    reconcile_provider: reconcileProvider(deps),
    reconcile_provider_nightly: reconcileProviderNightly(deps),
    chat_digests: chatDigests(deps),
    expire_invitations: expireInvitationsTask(deps),
    sync_billing_customer: syncBillingCustomerTask(deps),
    subscription_trial_reminder: subscriptionTrialReminder(deps),
    reconcile_subscriptions_nightly: reconcileSubscriptionsNightly(deps),
  };
}

/**
 * The task list for graphile-worker. Each task parses its payload with the contract first:
 * a malformed job fails loudly instead of running on bad data.
 */
export function createTaskList(deps: WorkerDeps): TaskList {
  const handlers = createHandlers(deps);
  const entries = (Object.keys(JOBS) as JobName[]).map((name) => {
    const task: Task = async (payload, helpers) => {
      const parsed = JOBS[name].parse(payload) as never;
      await (handlers[name] as TaskHandler<JobName>)(parsed, helpers);
    };
    return [name, task] as const;
  });
  return Object.fromEntries(entries);
}

/** Recurring jobs, in graphile-worker's crontab syntax. */
export const CRONTAB = [
  "# m h dom mon dow task ?opts",
  "17 * * * * purge_expired_rate_limits ?max=3",
  // Cal.com mostly never retries a webhook: look for bookings we never heard about.
  "*/10 * * * * reconcile_calcom_bookings ?max=1",
  "41 3 * * * purge_webhook_payloads ?max=3",
  // Payout runs happen at each advisor's local time: look for due runs every five minutes.
  "*/5 * * * * plan_payouts ?max=3",
  // Yesterday (UTC) against the provider's records, once the day's events have settled.
  "23 2 * * * reconcile_provider_nightly ?max=3",
  // Members who missed chat messages get one email per unread stretch, a few minutes late.
  "* * * * * chat_digests ?max=1",
  // Invitation expiry ends chat access: within a minute of the time the inviter set.
  "* * * * * expire_invitations ?max=1",
  // Subscriptions against Stripe's state: catches a webhook that never arrived.
  "47 3 * * * reconcile_subscriptions_nightly ?max=3",
].join("\n");
