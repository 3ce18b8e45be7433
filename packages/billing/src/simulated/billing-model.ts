import { planChangeKind } from "@an/domain";
import type { ProviderSubscription } from "../ports";
import type {
  SimCustomerObject,
  SimInvoiceObject,
  SimPortalSessionObject,
  SimRecurringInterval,
  SimSubscriptionCheckoutSessionObject,
  SimSubscriptionObject,
} from "./billing-objects";
import { unixSeconds } from "./ids";

/*
 * What the simulated Stripe Billing keeps in the store, what its pages show, and the
 * calendar and proration arithmetic its parts share.
 */

/** What the customer's card on file does when charged (Stripe's test cards). */
export const SIM_CARDS = ["succeeds", "declines", "requires_action"] as const;
export type SimCard = (typeof SIM_CARDS)[number];

/** Stripe's test cards behind each behaviour: 4242…, 0341 (attaches, then declines), 3184 (always 3-D Secure). */
export const CARD_DETAILS: Record<SimCard, { brand: string; last4: string }> = {
  succeeds: { brand: "visa", last4: "4242" },
  declines: { brand: "visa", last4: "0341" },
  requires_action: { brand: "visa", last4: "3184" },
};

/** Smart Retries as configured for the simulator: 3, 5 and 7 days after the first failure. */
export const SIM_DUNNING_RETRY_DAYS = [3, 5, 7] as const;
/** Stripe sends `customer.subscription.trial_will_end` three days before a trial ends. */
export const TRIAL_WILL_END_DAYS = 3;
export const DAY = 24 * 60 * 60;

// Stripe's limits for `expires_at` (see payments.ts for the minute of slack).
export const MIN_EXPIRY_MS = 30 * 60_000 - 60_000;
export const MAX_EXPIRY_MS = 24 * 60 * 60_000;

export type SimBillingCustomerRecord = {
  customer: SimCustomerObject;
  /** The customer's test clock, unix seconds: frozen until advanced, as Stripe's are. */
  clock: number;
  card: SimCard;
};

export type SimSubscriptionRecord = {
  subscription: SimSubscriptionObject;
  /** A downgrade the subscription schedule applies at `at` (the period's end). */
  pending: { priceId: string; at: number } | null;
  trialReminderSent: boolean;
};

export type SimInvoiceRecord = {
  invoice: SimInvoiceObject;
  /** When the first automatic attempt failed: the retries are counted from it. */
  firstFailedAt: number | null;
  /** Automatic attempts made (the hosted page's attempts don't move the retry schedule). */
  autoAttempts: number;
};

export type SimSubscriptionCheckoutRecord = {
  session: SimSubscriptionCheckoutSessionObject;
  priceId: string;
  trialDays: number;
};

export type SimPortalRecord = {
  session: SimPortalSessionObject;
  allowedPrices: { productId: string; priceIds: string[] }[];
};

/** A price as the simulated pages show it. */
export type SimPriceView = {
  priceId: string;
  productName: string;
  amount: number;
  /** Uppercase ISO code. */
  currency: string;
  interval: SimRecurringInterval;
};

export type SimCheckoutView = {
  session: SimSubscriptionCheckoutSessionObject;
  price: SimPriceView;
  trialDays: number;
};

export type SimPortalView = {
  session: SimPortalSessionObject;
  subscription: ProviderSubscription | null;
  current: SimPriceView | null;
  /** The allowlisted prices to switch to, with what switching would be. */
  options: (SimPriceView & { change: "upgrade" | "downgrade" | "same" })[];
  card: SimCard;
};

/** Adds whole intervals the way Stripe bills: same day of month, clamped to the month's end. */
export function addBillingInterval(seconds: number, interval: SimRecurringInterval): number {
  const at = new Date(seconds * 1000);
  if (interval === "day") return seconds + DAY;
  if (interval === "week") return seconds + 7 * DAY;
  const months = interval === "month" ? 1 : 12;
  const day = at.getUTCDate();
  const next = new Date(at);
  next.setUTCDate(1);
  next.setUTCMonth(next.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 0)).getUTCDate();
  next.setUTCDate(Math.min(day, lastDay));
  return unixSeconds(next);
}

/**
 * The proration of an upgrade at `at`: the unused time of the old price credited, the
 * remaining time on the new one charged, both rounded to minor units as Stripe does per
 * line. A change of interval starts a new period now (the new price is charged in full).
 */
export function simProration(input: {
  oldAmount: number;
  newAmount: number;
  periodStart: number;
  periodEnd: number;
  at: number;
  resetsPeriod: boolean;
}): { credit: number; charge: number; total: number } {
  const length = input.periodEnd - input.periodStart;
  const remaining = Math.max(0, Math.min(length, input.periodEnd - input.at));
  const credit = length > 0 ? Math.round((input.oldAmount * remaining) / length) : 0;
  const charge = input.resetsPeriod
    ? input.newAmount
    : length > 0
      ? Math.round((input.newAmount * remaining) / length)
      : 0;
  return { credit, charge, total: charge - credit };
}

export const asDate = (seconds: number | null): Date | null =>
  seconds === null ? null : new Date(seconds * 1000);
export function changeOf(from: SimPriceView, to: SimPriceView): "upgrade" | "downgrade" | "same" {
  if (from.priceId === to.priceId) return "same";
  const interval = (i: SimRecurringInterval) => (i === "year" ? "year" : "month");
  return planChangeKind(
    { amount: from.amount, interval: interval(from.interval) },
    { amount: to.amount, interval: interval(to.interval) },
  );
}
