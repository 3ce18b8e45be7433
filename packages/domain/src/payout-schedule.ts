import { type CurrencyCode, type Money, type MoneyError, money, sum, zero } from "./money";
import { err, ok, type Result } from "./result";

/**
 * When an advisor is paid, and what a payout run pays.
 *
 * Time-zone rules (all local times are wall-clock times in the advisor's IANA zone, read
 * through `Intl.DateTimeFormat`; no tz library):
 * - A run is at `runAtLocalTime` on each run day, so a 09:00 run stays 09:00 local on both
 *   sides of a DST change (its UTC instant moves by the change).
 * - A local time that doesn't exist that day (spring-forward gap, e.g. 02:30 in New York on
 *   2026-03-08) runs at the first instant that exists after the gap: the moment of the
 *   change (03:00 local). The run is moved, never skipped.
 * - A local time that happens twice (fall-back overlap, e.g. 01:30 in New York on
 *   2026-11-01) runs at the earlier instant only; the repeat is not a second run.
 * - Offsets are looked up a day either side of the run time, which is correct for every
 *   zone that changes its offset at most once in 48 hours (all current tzdb zones).
 */

/** ISO weekday: Monday = 1 … Sunday = 7. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/**
 * How often an advisor is paid.
 * - `weekly`: every week on `weekday`.
 * - `biweekly`: every 14 days starting on `anchorDate` (a local `YYYY-MM-DD` that is itself
 *   the first run day; there are no runs before it, so an anchor in the future means the
 *   first payout waits for it).
 * - `monthly`: on `dayOfMonth` (1–31); a month without that day runs on its last day
 *   (31 → 30 April, 28 or 29 February), and the next month goes back to `dayOfMonth`.
 */
export type PayoutCadence =
  | { kind: "weekly"; weekday: IsoWeekday }
  | { kind: "biweekly"; anchorDate: string }
  | { kind: "monthly"; dayOfMonth: number };

/**
 * A validated schedule: the cadence, the local run time `HH:MM` (24-hour) and the advisor's
 * IANA time zone in the canonical spelling `Intl` resolves it to.
 */
export type PayoutSchedule = PayoutCadence & { timeZone: string; runAtLocalTime: string };

/** A schedule as it arrives from an edge; `runAtLocalTime` defaults to `DEFAULT_PAYOUT_RUN_TIME`. */
export type PayoutScheduleInput = (
  | { kind: "weekly"; weekday: number }
  | { kind: "biweekly"; anchorDate: string }
  | { kind: "monthly"; dayOfMonth: number }
) & { timeZone: string; runAtLocalTime?: string };

/** Local run time when a schedule doesn't say: 09:00, so advisors see money in business hours. */
export const DEFAULT_PAYOUT_RUN_TIME = "09:00";

export type PayoutScheduleError =
  | { code: "UNKNOWN_CADENCE"; message: string; value: unknown }
  | { code: "INVALID_WEEKDAY"; message: string; value: unknown }
  | { code: "INVALID_DAY_OF_MONTH"; message: string; value: unknown }
  | { code: "INVALID_ANCHOR_DATE"; message: string; value: unknown }
  | { code: "UNKNOWN_TIME_ZONE"; message: string; value: unknown }
  | { code: "INVALID_LOCAL_TIME"; message: string; value: unknown }
  | { code: "INVALID_NOW"; message: string; value: unknown };

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** `now` must fall in these UTC years; outside them Intl's year field stops being plain digits. */
const SUPPORTED_YEARS = { from: 1900, to: 9999 } as const;

/** Proleptic Gregorian days since 1970-01-01; setUTCFullYear because Date.UTC maps 0–99 to 19xx. */
function epochDay(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return Math.floor(d.getTime() / DAY_MS);
}

function civil(day: number): { year: number; month: number; day: number } {
  const d = new Date(day * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function daysInMonth(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, 0);
  return d.getUTCDate();
}

/** 1970-01-01 was a Thursday (ISO 4). */
const isoWeekday = (day: number): number => ((((day + 3) % 7) + 7) % 7) + 1;

const mod = (a: number, n: number): number => ((a % n) + n) % n;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** A formatter per zone (building one is the slow part of Intl); null for an unknown zone. */
function formatterFor(timeZone: string): Intl.DateTimeFormat | null {
  const cached = formatters.get(timeZone);
  if (cached) return cached;
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
  } catch {
    return null;
  }
  formatters.set(timeZone, fmt);
  return fmt;
}

/** The zone's UTC offset at instant `t` (ms, local − UTC), to the second. */
function offsetAt(fmt: Intl.DateTimeFormat, t: number): number {
  const fields: Record<string, number> = {};
  for (const part of fmt.formatToParts(new Date(t))) fields[part.type] = Number(part.value);
  const wall =
    epochDay(fields.year ?? 0, fields.month ?? 0, fields.day ?? 0) * DAY_MS +
    ((fields.hour ?? 0) * 3600 + (fields.minute ?? 0) * 60 + (fields.second ?? 0)) * 1000;
  return wall - Math.floor(t / 1000) * 1000;
}

/**
 * The UTC instant of a local wall-clock time (`wall`: ms since 1970-01-01T00:00 local).
 * Overlap → the earlier instant; gap → the first instant after the gap (see module notes).
 */
function instantOfWallTime(fmt: Intl.DateTimeFormat, wall: number): number {
  const offsets = new Set([offsetAt(fmt, wall - DAY_MS), offsetAt(fmt, wall + DAY_MS)]);
  const valid = [...offsets].map((o) => wall - o).filter((t) => t + offsetAt(fmt, t) === wall);
  if (valid.length > 0) return Math.min(...valid);
  // In a gap the two readings of `wall` straddle the change: find it to the second.
  const readings = [...offsets].map((o) => Math.floor((wall - o) / 1000));
  let lo = Math.min(...readings);
  let hi = Math.max(...readings);
  const before = offsetAt(fmt, lo * 1000);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(fmt, mid * 1000) === before) lo = mid;
    else hi = mid;
  }
  return hi * 1000;
}

type ParsedCadence =
  | { kind: "weekly"; weekday: number }
  | { kind: "biweekly"; anchorDay: number }
  | { kind: "monthly"; dayOfMonth: number };

type ParsedSchedule = {
  schedule: PayoutSchedule;
  cadence: ParsedCadence;
  fmt: Intl.DateTimeFormat;
  minuteOfDay: number;
};

const LOCAL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseAnchorDate(value: unknown): number | null {
  const match = typeof value === "string" ? LOCAL_DATE.exec(value) : null;
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return epochDay(year, month, day);
}

function parseSchedule(input: PayoutScheduleInput): Result<ParsedSchedule, PayoutScheduleError> {
  const raw = input as Record<string, unknown>;
  let cadence: ParsedCadence;
  let validCadence: PayoutCadence;
  switch (raw.kind) {
    case "weekly": {
      const weekday = raw.weekday;
      if (typeof weekday !== "number" || !Number.isInteger(weekday) || weekday < 1 || weekday > 7) {
        return err({
          code: "INVALID_WEEKDAY",
          message: `weekday must be a whole number from 1 (Monday) to 7 (Sunday), got ${String(weekday)}`,
          value: weekday,
        });
      }
      cadence = { kind: "weekly", weekday };
      validCadence = { kind: "weekly", weekday: weekday as IsoWeekday };
      break;
    }
    case "biweekly": {
      const anchorDay = parseAnchorDate(raw.anchorDate);
      if (anchorDay === null) {
        return err({
          code: "INVALID_ANCHOR_DATE",
          message: `anchorDate must be a real calendar date as YYYY-MM-DD, got ${JSON.stringify(raw.anchorDate)}`,
          value: raw.anchorDate,
        });
      }
      cadence = { kind: "biweekly", anchorDay };
      validCadence = { kind: "biweekly", anchorDate: raw.anchorDate as string };
      break;
    }
    case "monthly": {
      const dayOfMonth = raw.dayOfMonth;
      if (
        typeof dayOfMonth !== "number" ||
        !Number.isInteger(dayOfMonth) ||
        dayOfMonth < 1 ||
        dayOfMonth > 31
      ) {
        return err({
          code: "INVALID_DAY_OF_MONTH",
          message: `dayOfMonth must be a whole number from 1 to 31, got ${String(dayOfMonth)}`,
          value: dayOfMonth,
        });
      }
      cadence = { kind: "monthly", dayOfMonth };
      validCadence = { kind: "monthly", dayOfMonth };
      break;
    }
    default:
      return err({
        code: "UNKNOWN_CADENCE",
        message: `payout schedule must be weekly, biweekly or monthly, got ${JSON.stringify(raw.kind)}`,
        value: raw.kind,
      });
  }

  const fmt =
    typeof raw.timeZone === "string" && raw.timeZone !== "" ? formatterFor(raw.timeZone) : null;
  if (!fmt) {
    return err({
      code: "UNKNOWN_TIME_ZONE",
      message: `timeZone must be an IANA time zone such as 'Europe/Berlin', got ${JSON.stringify(raw.timeZone)}`,
      value: raw.timeZone,
    });
  }

  const runAtLocalTime = raw.runAtLocalTime ?? DEFAULT_PAYOUT_RUN_TIME;
  const time = typeof runAtLocalTime === "string" ? LOCAL_TIME.exec(runAtLocalTime) : null;
  if (!time) {
    return err({
      code: "INVALID_LOCAL_TIME",
      message: `runAtLocalTime must be a 24-hour time HH:MM from 00:00 to 23:59, got ${JSON.stringify(runAtLocalTime)}`,
      value: runAtLocalTime,
    });
  }

  return ok({
    schedule: {
      ...validCadence,
      timeZone: fmt.resolvedOptions().timeZone,
      runAtLocalTime: time[0],
    },
    cadence,
    fmt,
    minuteOfDay: Number(time[1]) * 60 + Number(time[2]),
  });
}

/**
 * Checks a schedule and returns it normalized: default run time filled in, time zone in its
 * canonical spelling. Errors name the first impossible field: weekday outside 1–7, day of
 * month outside 1–31, an anchor date that isn't a real date (2026-02-30), a zone `Intl`
 * doesn't know, a run time that isn't HH:MM on a 24-hour clock.
 */
export function validatePayoutSchedule(
  input: PayoutScheduleInput,
): Result<PayoutSchedule, PayoutScheduleError> {
  const parsed = parseSchedule(input);
  return parsed.ok ? ok(parsed.value.schedule) : parsed;
}

/** The first run day on or after local day `from`. */
function firstRunDay(cadence: ParsedCadence, from: number): number {
  switch (cadence.kind) {
    case "weekly":
      return from + mod(cadence.weekday - isoWeekday(from), 7);
    case "biweekly":
      return from <= cadence.anchorDay
        ? cadence.anchorDay
        : cadence.anchorDay + Math.ceil((from - cadence.anchorDay) / 14) * 14;
    case "monthly": {
      const { year, month } = civil(from);
      const thisMonth = epochDay(
        year,
        month,
        Math.min(cadence.dayOfMonth, daysInMonth(year, month)),
      );
      return thisMonth >= from ? thisMonth : monthlyRunIn(cadence.dayOfMonth, year, month + 1);
    }
  }
}

function monthlyRunIn(dayOfMonth: number, year: number, month: number): number {
  const y = month > 12 ? year + 1 : year;
  const m = month > 12 ? 1 : month;
  return epochDay(y, m, Math.min(dayOfMonth, daysInMonth(y, m)));
}

/** The run day after run day `day`. */
function followingRunDay(cadence: ParsedCadence, day: number): number {
  switch (cadence.kind) {
    case "weekly":
      return day + 7;
    case "biweekly":
      return day + 14;
    case "monthly": {
      const { year, month } = civil(day);
      return monthlyRunIn(cadence.dayOfMonth, year, month + 1);
    }
  }
}

/**
 * The first payout run strictly after `now` (a UTC instant), at the schedule's local time in
 * its zone, with the DST rules in the module notes. Chaining it (`next(next(now))`) walks
 * the runs one period at a time, so a worker can store the last run and ask for the next.
 * Validates `schedule` as `validatePayoutSchedule` does; `now` must be a valid Date in UTC
 * years 1900–9999.
 */
export function nextPayoutRun(
  schedule: PayoutScheduleInput,
  now: Date,
): Result<Date, PayoutScheduleError> {
  const parsed = parseSchedule(schedule);
  if (!parsed.ok) return parsed;
  const t = now instanceof Date ? now.getTime() : Number.NaN;
  const year = new Date(t).getUTCFullYear();
  if (!Number.isFinite(t) || year < SUPPORTED_YEARS.from || year > SUPPORTED_YEARS.to) {
    return err({
      code: "INVALID_NOW",
      message: `now must be a valid date in the years ${SUPPORTED_YEARS.from}–${SUPPORTED_YEARS.to}, got ${String(now)}`,
      value: now,
    });
  }
  const { cadence, fmt, minuteOfDay } = parsed.value;
  // Start a day early: a run on the previous local date can land after `now` when a gap pushes it past midnight.
  const today = Math.floor((t + offsetAt(fmt, t)) / DAY_MS);
  let day = firstRunDay(cadence, today - 1);
  for (;;) {
    const at = instantOfWallTime(fmt, day * DAY_MS + minuteOfDay * MINUTE_MS);
    if (at > t) return ok(new Date(at));
    day = followingRunDay(cadence, day);
  }
}

/**
 * Money an advisor earned from one consultation and hasn't been paid: their share, in minor
 * units, and when the consultation completed. Callers pass only earnings that are not
 * frozen by a dispute or chargeback; this rule decides timing and the minimum, nothing else.
 */
export type UnpaidEarning = { id: string; amount: Money; completedAt: Date };

/**
 * What one run pays. `included`, `carriedOver` and `held` partition the input ids (input
 * order kept): nothing is lost or counted twice.
 * - `included`: paid now; `total` = their sum (zero when nothing is paid; a zero total
 *   with included items — only zero-amount earnings and a zero minimum — needs no transfer).
 * - `carriedOver`: out of their hold window, but together below the minimum payout; they
 *   stay unpaid and come back in the next run's `earnings` (there is no separate carry-over
 *   input: the unpaid rows are the carry-over). `carriedOverTotal` is their sum.
 * - `held`: still inside the hold window at `runAt`.
 */
export type PayoutSelection = {
  outcome: "pay" | "below_minimum" | "nothing_payable";
  included: string[];
  total: Money;
  carriedOver: string[];
  carriedOverTotal: Money;
  held: string[];
};

export type PayoutSelectionError =
  | (MoneyError & { earningId?: string })
  | { code: "DUPLICATE_EARNING"; message: string; earningId: string }
  | { code: "INVALID_DATE"; message: string; field: "runAt" | "completedAt"; earningId?: string }
  | { code: "INVALID_HOLD_WINDOW"; message: string; value: number };

const isValidDate = (d: unknown): d is Date => d instanceof Date && Number.isFinite(d.getTime());

/**
 * Chooses the earnings a payout run at `runAt` pays. An earning is payable once
 * `completedAt + holdWindowHours ≤ runAt` (the hold window for no-show reports and
 * disputes; whole hours ≥ 0). If the payable total is at least `minimumPayout`, all of it
 * is paid; otherwise nothing is and every payable earning carries over.
 *
 * One currency per call, the minimum's: an earning in another currency is
 * `CURRENCY_MISMATCH` (a run never converts). Negative or fractional amounts, duplicate ids,
 * invalid dates and a negative minimum are errors, never skipped or clamped.
 */
export function selectPayoutEarnings(input: {
  earnings: readonly UnpaidEarning[];
  runAt: Date;
  holdWindowHours: number;
  minimumPayout: Money;
}): Result<PayoutSelection, PayoutSelectionError> {
  const { earnings, runAt, holdWindowHours, minimumPayout } = input;
  if (!isValidDate(runAt)) {
    return err({ code: "INVALID_DATE", message: "runAt must be a valid date", field: "runAt" });
  }
  if (!Number.isSafeInteger(holdWindowHours) || holdWindowHours < 0) {
    return err({
      code: "INVALID_HOLD_WINDOW",
      message: `holdWindowHours must be a whole number of hours ≥ 0, got ${holdWindowHours}`,
      value: holdWindowHours,
    });
  }
  const minimum = money(minimumPayout.amount, minimumPayout.currency);
  if (!minimum.ok) {
    return err({ ...minimum.error, message: `minimumPayout: ${minimum.error.message}` });
  }
  const currency: CurrencyCode = minimum.value.currency;

  const seen = new Set<string>();
  const payable: UnpaidEarning[] = [];
  const held: string[] = [];
  for (const earning of earnings) {
    if (seen.has(earning.id)) {
      return err({
        code: "DUPLICATE_EARNING",
        message: `earning '${earning.id}' appears more than once`,
        earningId: earning.id,
      });
    }
    seen.add(earning.id);
    const amount = money(earning.amount.amount, earning.amount.currency);
    if (!amount.ok) {
      return err({
        ...amount.error,
        message: `earning '${earning.id}': ${amount.error.message}`,
        earningId: earning.id,
      });
    }
    if (amount.value.currency !== currency) {
      return err({
        code: "CURRENCY_MISMATCH",
        message: `earning '${earning.id}' is in ${amount.value.currency} but the payout is in ${currency}`,
        currencies: [amount.value.currency, currency],
        earningId: earning.id,
      });
    }
    if (!isValidDate(earning.completedAt)) {
      return err({
        code: "INVALID_DATE",
        message: `earning '${earning.id}' has an invalid completedAt`,
        field: "completedAt",
        earningId: earning.id,
      });
    }
    if (earning.completedAt.getTime() + holdWindowHours * 3_600_000 <= runAt.getTime())
      payable.push(earning);
    else held.push(earning.id);
  }

  const payableTotal = sum(
    payable.map((e) => e.amount),
    currency,
  );
  if (!payableTotal.ok) return payableTotal;
  const ids = payable.map((e) => e.id);
  if (ids.length === 0) {
    return ok({
      outcome: "nothing_payable",
      included: [],
      total: zero(currency),
      carriedOver: [],
      carriedOverTotal: zero(currency),
      held,
    });
  }
  if (payableTotal.value.amount < minimum.value.amount) {
    return ok({
      outcome: "below_minimum",
      included: [],
      total: zero(currency),
      carriedOver: ids,
      carriedOverTotal: payableTotal.value,
      held,
    });
  }
  return ok({
    outcome: "pay",
    included: ids,
    total: payableTotal.value,
    carriedOver: [],
    carriedOverTotal: zero(currency),
    held,
  });
}
