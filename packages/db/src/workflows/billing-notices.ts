import { isLiveSubscriptionStatus, TRIAL_REMINDER_DAYS } from "@an/domain";
import { enqueueJob } from "../jobs";
import { raiseIncident } from "../queries/incidents";
import type { AllowlistedPrice, SubscriptionRow } from "../queries/subscriptions";
import type { SyncedProviderSubscription } from "./billing-sync-port";
import { type BillingSyncCtx as Ctx, event, iso, notice, planName } from "./billing-sync-context";

const grantsAccess = (row: Pick<SubscriptionRow, "status" | "duplicate" | "planId">) =>
  !row.duplicate && row.planId !== null && (row.status === "active" || row.status === "trialing");

/**
 * What a stored subscription's change means: incidents (a price off the allowlist, a
 * duplicate live subscription), timeline entries, the user's notices and the trial reminder.
 */
export async function subscriptionEffects(
  ctx: Ctx,
  p: {
    before: SubscriptionRow | null;
    row: SubscriptionRow;
    provider: SyncedProviderSubscription;
    price: AllowlistedPrice | null;
  },
): Promise<void> {
  const { before, row, price } = p;
  const sub = row.stripeSubscriptionId;
  const plan = planName(ctx, price, row.stripePriceId);

  if (!price) {
    const incident = await raiseIncident(ctx.tx, {
      kind: "price_not_allowlisted",
      dedupeKey: `price_not_allowlisted:${sub}:${row.stripePriceId}`,
      message: `Subscription ${sub} of customer ${ctx.stripeCustomerId} carries price ${row.stripePriceId}, which is not on the plan allowlist; it grants nothing.`,
      details: { userId: ctx.userId, subscriptionId: sub, priceId: row.stripePriceId },
    });
    if (incident.created) {
      await event(ctx, {
        subscriptionId: sub,
        kind: "incident",
        summary: `price ${row.stripePriceId} is not on the allowlist`,
        details: { incidentId: incident.id, incident: "price_not_allowlisted" },
      });
    }
  }
  if (row.duplicate && isLiveSubscriptionStatus(row.status)) {
    const incident = await raiseIncident(ctx.tx, {
      kind: "duplicate_subscription",
      dedupeKey: `duplicate_subscription:${sub}`,
      message: `Customer ${ctx.stripeCustomerId} has more than one live subscription; ${sub} is a duplicate and grants nothing.`,
      details: { userId: ctx.userId, subscriptionId: sub },
    });
    if (incident.created) {
      await event(ctx, {
        subscriptionId: sub,
        kind: "incident",
        summary: `duplicate live subscription`,
        details: { incidentId: incident.id, incident: "duplicate_subscription" },
      });
    }
  }

  if (!before || before.status !== row.status) {
    await event(ctx, {
      subscriptionId: sub,
      kind: "status_changed",
      summary: `${before?.status ?? "none"} → ${row.status}`,
      details: { from: before?.status ?? null, to: row.status },
    });
  }
  if (before && before.stripePriceId !== row.stripePriceId) {
    await event(ctx, {
      subscriptionId: sub,
      kind: "plan_changed",
      summary: `${before.stripePriceId} → ${row.stripePriceId}`,
      details: { from: before.stripePriceId, to: row.stripePriceId },
    });
    if (price) {
      await notice(ctx, {
        notice: "plan_changed",
        dedupeKey: `billing:plan_changed:${sub}:${row.stripePriceId}`,
        plan,
        amount: row.amount,
        currency: row.currency,
      });
    }
  }
  // Once per subscription, when it first grants access (not again when a past-due one
  // recovers: that has its own notice).
  const grantedBefore =
    before !== null &&
    before.status !== "incomplete" &&
    before.status !== "incomplete_expired" &&
    before.planId !== null &&
    !before.duplicate;
  if (grantsAccess(row) && !grantedBefore) {
    await notice(ctx, {
      notice: "subscription_started",
      dedupeKey: `billing:started:${sub}`,
      plan,
      amount: row.amount,
      currency: row.currency,
      at: row.trialEnd && row.status === "trialing" ? row.trialEnd : row.currentPeriodEnd,
    });
  }
  const cancelAt = row.cancelAt ?? (row.cancelAtPeriodEnd ? row.currentPeriodEnd : null);
  const beforeCancelAt = before
    ? (before.cancelAt ?? (before.cancelAtPeriodEnd ? before.currentPeriodEnd : null))
    : null;
  if (cancelAt && isLiveSubscriptionStatus(row.status) && iso(cancelAt) !== iso(beforeCancelAt)) {
    await event(ctx, {
      subscriptionId: sub,
      kind: "cancel_scheduled",
      summary: `ends ${cancelAt.toISOString()}`,
      details: { at: cancelAt.toISOString() },
    });
    await notice(ctx, {
      notice: "subscription_canceling",
      dedupeKey: `billing:subscription_canceling:${sub}:${cancelAt.toISOString()}`,
      plan,
      at: cancelAt,
    });
  }
  if (row.status === "canceled" && before?.status !== "canceled") {
    await event(ctx, {
      subscriptionId: sub,
      kind: "ended",
      summary: `ended ${iso(row.endedAt) ?? ""}`.trim(),
      details: { endedAt: iso(row.endedAt) },
    });
    await notice(ctx, {
      notice: "subscription_ended",
      dedupeKey: `billing:subscription_ended:${sub}`,
      plan,
      at: row.endedAt ?? ctx.now,
    });
  }
  if (row.status === "trialing" && row.trialEnd && row.trialEnd.getTime() > ctx.now.getTime()) {
    // The job key keeps one reminder per subscription; a moved trial end moves it.
    const runAt = new Date(
      Math.max(row.trialEnd.getTime() - TRIAL_REMINDER_DAYS * 86_400_000, ctx.now.getTime()),
    );
    await enqueueJob(
      ctx.tx,
      "subscription_trial_reminder",
      { subscriptionId: row.id },
      { runAt, jobKey: `trial-reminder:${row.id}` },
    );
  }
}
