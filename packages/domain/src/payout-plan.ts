import { type CurrencyCode, type Money, money } from "./money";
import {
  type PayoutScheduleInput,
  type PayoutSelectionError,
  selectPayoutEarnings,
  type UnpaidEarning,
} from "./payout-schedule";
import { err, ok, type Result } from "./result";
import type { PayoutCadenceKind } from "./vocabulary";

/** One transfer of a payout: an earning's share, less what it recovers of a receivable. */
export type PlannedPayoutItem = {
  id: string;
  gross: Money;
  /** Withheld to recover what the advisor owes (booked as a clawback). */
  netted: Money;
  /** What the transfer carries: `gross − netted`, ≥ 0. */
  transfer: Money;
};

/**
 * What a payout run does for one advisor.
 * - `pay`: `items` are paid; `total` is the sum transferred, `netted` the receivable
 *   recovered. When netting takes everything, items transfer nothing (no minimum applies).
 * - `below_minimum`: payable earnings exist but, less what the advisor owes, stay under the
 *   minimum; they stay unpaid for a later run.
 * - `nothing_payable`: no earnings out of their hold window.
 */
export type PayoutPlan = {
  outcome: "pay" | "below_minimum" | "nothing_payable";
  items: PlannedPayoutItem[];
  gross: Money;
  netted: Money;
  total: Money;
  /** Receivable left after this run (what later runs still recover). */
  receivableLeft: Money;
  held: string[];
};

export type PayoutPlanError =
  PayoutSelectionError | { code: "INVALID_RECEIVABLE"; message: string };

/**
 * Plans one advisor's payout: picks the earnings out of their hold window (as
 * `selectPayoutEarnings`), nets the advisor's receivable (money owed back after a refund
 * or lost chargeback on an earlier payout that couldn't be reversed) against them in the
 * given order, and pays when the net total reaches `minimumPayout`. Netting takes as much
 * of each item as it needs, so earlier items can end up transferring nothing. Pure: the
 * caller books the clawbacks and transfers.
 */
export function planPayout(input: {
  earnings: readonly UnpaidEarning[];
  receivable: Money;
  runAt: Date;
  holdWindowHours: number;
  minimumPayout: Money;
}): Result<PayoutPlan, PayoutPlanError> {
  const selection = selectPayoutEarnings({
    earnings: input.earnings,
    runAt: input.runAt,
    holdWindowHours: input.holdWindowHours,
    // The minimum applies after netting, below.
    minimumPayout: { amount: 0, currency: input.minimumPayout.currency },
  });
  if (!selection.ok) return selection;
  const currency: CurrencyCode = input.minimumPayout.currency;
  const receivable = money(input.receivable.amount, input.receivable.currency);
  if (!receivable.ok || receivable.value.currency !== currency) {
    return err({
      code: "INVALID_RECEIVABLE",
      message: `the receivable must be a non-negative amount in ${currency}`,
    });
  }
  const zero = (): Money => ({ amount: 0, currency });
  const { included, held } = selection.value;
  if (included.length === 0) {
    return ok({
      outcome: "nothing_payable",
      items: [],
      gross: zero(),
      netted: zero(),
      total: zero(),
      receivableLeft: receivable.value,
      held,
    });
  }
  const byId = new Map(input.earnings.map((e) => [e.id, e]));
  let owed = receivable.value.amount;
  let gross = 0;
  const items: PlannedPayoutItem[] = included.map((id) => {
    const amount = byId.get(id)?.amount.amount ?? 0;
    const netted = Math.min(owed, amount);
    owed -= netted;
    gross += amount;
    return {
      id,
      gross: { amount, currency },
      netted: { amount: netted, currency },
      transfer: { amount: amount - netted, currency },
    };
  });
  const nettedTotal = receivable.value.amount - owed;
  const total = gross - nettedTotal;
  // Earnings that only recover what is owed are settled whatever the minimum (nothing to
  // transfer); a transfer below the minimum waits for more earnings.
  const nettingOnly = total === 0 && nettedTotal > 0;
  if (!nettingOnly && (total < input.minimumPayout.amount || total === 0)) {
    return ok({
      outcome: "below_minimum",
      items: [],
      gross: { amount: gross, currency },
      netted: zero(),
      total: zero(),
      receivableLeft: receivable.value,
      held,
    });
  }
  return ok({
    outcome: "pay",
    items,
    gross: { amount: gross, currency },
    netted: { amount: nettedTotal, currency },
    total: { amount: total, currency },
    receivableLeft: { amount: owed, currency },
    held,
  });
}

/** Biweekly runs without an anchor of their own run on the Mondays two weeks from this one. */
export const DEFAULT_BIWEEKLY_ANCHOR = "2026-01-05";

/** An advisor's stored payout settings as the schedule the domain computes with. */
export function advisorPayoutSchedule(settings: {
  cadence: PayoutCadenceKind;
  weekday: number;
  dayOfMonth: number;
  anchorDate: string | null;
  timeZone: string;
  runAt: string;
}): PayoutScheduleInput {
  const base = { timeZone: settings.timeZone, runAtLocalTime: settings.runAt };
  switch (settings.cadence) {
    case "weekly":
      return { kind: "weekly", weekday: settings.weekday, ...base };
    case "biweekly":
      return {
        kind: "biweekly",
        anchorDate: settings.anchorDate ?? DEFAULT_BIWEEKLY_ANCHOR,
        ...base,
      };
    case "monthly":
      return { kind: "monthly", dayOfMonth: settings.dayOfMonth, ...base };
  }
}
