import { type BillingNotice, planTextFor } from "@an/domain";
import type { Executor } from "../client";
import { enqueueJob } from "../jobs";
import type { AllowlistedPrice } from "../queries/subscriptions";
import { billingEvents } from "../schema";

/** One customer's sync under way: where it writes, for whom, and whether anything changed. */
export type BillingSyncCtx = {
  tx: Executor;
  userId: string;
  locale: string;
  stripeCustomerId: string;
  source: string;
  now: Date;
  changed: boolean;
};

export const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** Writes an entry to the customer's billing timeline. */
export async function event(
  ctx: BillingSyncCtx,
  e: { subscriptionId: string | null; kind: string; summary: string; details?: object },
): Promise<void> {
  ctx.changed = true;
  await ctx.tx.insert(billingEvents).values({
    userId: ctx.userId,
    stripeCustomerId: ctx.stripeCustomerId,
    stripeSubscriptionId: e.subscriptionId,
    kind: e.kind,
    summary: e.summary,
    details: e.details ?? {},
    source: ctx.source,
    at: ctx.now,
  });
}

/** Tells the user about their billing, once per dedupe key. */
export async function notice(
  ctx: BillingSyncCtx,
  n: {
    notice: BillingNotice;
    dedupeKey: string;
    plan: string;
    amount?: number;
    currency?: string;
    at?: Date | null;
    url?: string | null;
  },
): Promise<void> {
  await enqueueJob(ctx.tx, "send_notification", {
    userId: ctx.userId,
    dedupeKey: n.dedupeKey,
    template: "billing_notice",
    params: {
      notice: n.notice,
      plan: n.plan.slice(0, 200),
      ...(n.amount !== undefined && n.currency ? { amount: n.amount, currency: n.currency } : {}),
      ...(n.at ? { at: n.at.toISOString() } : {}),
      ...(n.url ? { url: n.url } : {}),
    },
  });
}

/** The plan's name in the user's locale; a price outside the allowlist shows as its id. */
export const planName = (ctx: BillingSyncCtx, price: AllowlistedPrice | null, priceId: string) =>
  price ? planTextFor(price.texts, ctx.locale).name : priceId;
