import type {
  PayoutBatchKind,
  PayoutCadenceKind,
  PayoutItemStatus,
  TransferReversalStatus,
  Translator,
} from "@an/domain";
import type { MantineColor } from "@mantine/core";

export type { PayoutBatchKind, PayoutItemStatus };
export type ReversalStatus = TransferReversalStatus;

/**
 * Colour per payout item status; a full record so a new status can't be forgotten. Ordered
 * as an item moves: the batch table's columns follow this order. Labels and meanings are
 * the catalog's `console.payouts.itemStatus.<status>` and `…itemStatusMeaning.<status>`.
 */
export const PAYOUT_ITEM_STATUS_COLORS: Record<PayoutItemStatus, MantineColor> = {
  pending: "blue",
  sending: "cyan",
  retrying: "yellow",
  failed: "red",
  sent: "teal",
  cancelled: "gray",
};

export const PAYOUT_ITEM_STATUSES = Object.keys(PAYOUT_ITEM_STATUS_COLORS) as PayoutItemStatus[];

/** The batch kinds, labelled by `console.payouts.kind.<kind>`. */
export const PAYOUT_BATCH_KINDS: readonly PayoutBatchKind[] = ["scheduled", "off_cycle"];

/** Colour per reversal status; labelled by `console.payouts.reversalStatus.<status>`. */
export const REVERSAL_STATUS_COLORS: Record<ReversalStatus, MantineColor> = {
  pending: "blue",
  retrying: "yellow",
  succeeded: "teal",
  failed: "red",
};

/** "Weekly on Monday at 09:00", from a stored schedule, in `locale`'s words and digits. */
export function describeSchedule(
  schedule: {
    cadence: PayoutCadenceKind;
    weekday: number;
    dayOfMonth: number;
    anchorDate: string | null;
    runAt: string;
  },
  t: Translator,
  locale: string,
): string {
  const [hour = 0, minute = 0] = schedule.runAt.split(":").map(Number);
  // A fixed UTC instant only carries the wall-clock time and the weekday into Intl.
  const time = new Intl.DateTimeFormat(locale, {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: "UTC",
  }).format(Date.UTC(2024, 0, 1, hour, minute));
  // 2024-01-01 was a Monday: ISO weekday 1.
  const weekday = new Intl.DateTimeFormat(locale, { weekday: "long", timeZone: "UTC" }).format(
    Date.UTC(2024, 0, schedule.weekday),
  );
  switch (schedule.cadence) {
    case "weekly":
      return t("console.payouts.schedule.weekly", { weekday, time });
    case "biweekly":
      return schedule.anchorDate
        ? t("console.payouts.schedule.biweeklyFrom", {
            date: new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(
              dayStartUtc(schedule.anchorDate),
            ),
            time,
          })
        : t("console.payouts.schedule.biweekly", { time });
    case "monthly":
      return t("console.payouts.schedule.monthly", {
        day: new Intl.NumberFormat(locale).format(schedule.dayOfMonth),
        time,
      });
  }
}

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

/**
 * For a `Table.ScrollContainer`'s `scrollAreaProps`: a table that scrolls sideways on a
 * phone can be scrolled from the keyboard too (its viewport takes focus).
 */
export const KEYBOARD_SCROLL = { viewportProps: { tabIndex: 0 } } as const;
