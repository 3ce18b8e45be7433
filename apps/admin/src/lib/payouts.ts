import type { MantineColor } from "@mantine/core";
import type { RouterOutputs } from "./trpc";

export type PayoutItemStatus = RouterOutputs["payoutAdmin"]["listItems"]["items"][number]["status"];
export type PayoutBatchKind = RouterOutputs["payoutAdmin"]["listBatches"]["items"][number]["kind"];
export type ReversalStatus =
  RouterOutputs["payoutAdmin"]["listReversals"]["items"][number]["status"];

type Display = { label: string; color: MantineColor; meaning: string };

/**
 * Label, colour and meaning per payout item status; a full record so a new status can't be
 * forgotten. Ordered as an item moves: the batch table's columns follow this order.
 */
export const PAYOUT_ITEM_STATUS_DISPLAY: Record<PayoutItemStatus, Display> = {
  pending: {
    label: "Pending",
    color: "blue",
    meaning: "Created; its transfer isn't asked for yet.",
  },
  sending: {
    label: "Sending",
    color: "cyan",
    meaning: "A worker is asking Stripe for the transfer right now.",
  },
  retrying: {
    label: "Retrying",
    color: "yellow",
    meaning: "Stripe was unavailable or slow; the same request is tried again later.",
  },
  failed: {
    label: "Failed",
    color: "red",
    meaning: "Stripe refused it or it ran out of attempts: retry or cancel it.",
  },
  sent: { label: "Sent", color: "teal", meaning: "Stripe returned the transfer." },
  cancelled: {
    label: "Cancelled",
    color: "gray",
    meaning: "Withdrawn before sending; the share went back to the advisor's payable.",
  },
};

export const PAYOUT_ITEM_STATUSES = Object.keys(PAYOUT_ITEM_STATUS_DISPLAY) as PayoutItemStatus[];

export const PAYOUT_BATCH_KIND_LABELS: Record<PayoutBatchKind, string> = {
  scheduled: "Scheduled",
  off_cycle: "Off-cycle",
};

export const REVERSAL_STATUS_DISPLAY: Record<ReversalStatus, Display> = {
  pending: { label: "Pending", color: "blue", meaning: "Waiting to be asked of Stripe." },
  retrying: {
    label: "Retrying",
    color: "yellow",
    meaning: "Stripe was unavailable; tried again later.",
  },
  succeeded: {
    label: "Succeeded",
    color: "teal",
    meaning: "The advisor's share came back to the platform.",
  },
  failed: {
    label: "Failed",
    color: "red",
    meaning:
      "Stripe refused it (often: the advisor's balance is too low). The receivable stays booked; a later payout nets it, or retry.",
  },
};

/** "Weekly on Monday at 09:00", from a stored schedule. */
export function describeSchedule(schedule: {
  cadence: "weekly" | "biweekly" | "monthly";
  weekday: number;
  dayOfMonth: number;
  anchorDate: string | null;
  runAt: string;
}): string {
  const weekday = WEEKDAYS[schedule.weekday - 1] ?? `day ${schedule.weekday}`;
  switch (schedule.cadence) {
    case "weekly":
      return `Weekly on ${weekday} at ${schedule.runAt}`;
    case "biweekly":
      return `Every other week${schedule.anchorDate ? ` from ${schedule.anchorDate}` : ""} at ${schedule.runAt}`;
    case "monthly":
      return `Monthly on day ${schedule.dayOfMonth} at ${schedule.runAt}`;
  }
}

const WEEKDAYS = [
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday",
  "Sunday",
] as const;

/** A YYYY-MM-DD date input's value as the UTC midnight starting that day. */
export function dayStartUtc(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

/** The UTC calendar day of an instant, as YYYY-MM-DD. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** `days` days before/after `day` (YYYY-MM-DD), as YYYY-MM-DD. */
export function addDays(day: string, days: number): string {
  return utcDay(new Date(dayStartUtc(day).getTime() + days * 86_400_000));
}
