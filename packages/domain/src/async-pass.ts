import { type CommissionError, type CommissionTerms, splitFee } from "./commission";
import { type CurrencyCode, formatMoney, type Money, money, type MoneyError } from "./money";
import { err, ok, type Result } from "./result";

/**
 * An async advice pass: N days of written advice from one advisor in a project's chat,
 * bought at the advisor's day rate. It is a consultation of kind `async_pass` on the same
 * state machine, ledger, payouts and disputes as a booking; only these rules differ.
 *
 * Lifecycle (see the `kind === "async_pass"` branches of the transition table):
 * - created `awaiting_payment` with a placeholder window of N days from purchase;
 * - `payment_succeeded` → `confirmed`, and the window moves to start when the client paid
 *   (paid_at .. paid_at + N days): the client never loses days to a slow checkout;
 * - the advisor owes a first reply within {@link PASS_REPLY_HOURS} of the start (or by the
 *   window's end for a shorter pass). A timer checks it: no advisor message attributed to
 *   the pass by then → full refund, `refunded`. The window's end checks it too, so the
 *   outcome is the same whichever of the two clocks is processed first;
 * - `scheduled_end_reached` at the window's end → `completed`; then the hold window, during
 *   which the client can open a dispute, → `released` → paid out with the advisor's other
 *   earnings;
 * - no meeting exists: reschedules, `meeting_ended`, no-show reports and the calendar
 *   cancellation never apply to a pass (the machine refuses them).
 *
 * Refund policy for passes (what a client cancelling gets back):
 * - before payment: nothing was paid, nothing to refund;
 * - the advisor never replied in time: everything (automatic, see above);
 * - the client cancels before the advisor's first reply: everything — no advice was given;
 * - the client cancels after the first reply: the whole days not yet started, pro rata
 *   (a day that has begun counts as used; rounded half up, in the client's favour);
 * - the advisor or an admin cancels: everything (as for bookings; an admin who thinks
 *   otherwise refunds an amount instead);
 * - after the window has ended there is nothing to cancel: a complaint is a dispute.
 * What the client doesn't get back is released to the advisor and the platform at once.
 */

/** Hours the advisor has, from the pass's start, to post a first reply. */
export const PASS_REPLY_HOURS = 48;
export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** What the platform allows for async passes in one currency (minor units). */
export type AsyncPassLimits = {
  minDayRate: number;
  maxDayRate: number;
  /** Longest pass a client may buy, in days (the shortest is 1). */
  maxDays: number;
};

/** Versioned like the pricing rules: a pass's quote records the version that priced it. */
export type AsyncPassRules = {
  version: string;
  limits: Partial<Record<CurrencyCode, AsyncPassLimits>>;
};

export type AsyncPassError =
  | MoneyError
  | CommissionError
  | { code: "CURRENCY_NOT_OFFERED"; message: string; currency: string }
  | { code: "DAY_RATE_BELOW_MINIMUM"; message: string; minimum: Money; maximum: Money }
  | { code: "DAY_RATE_ABOVE_MAXIMUM"; message: string; minimum: Money; maximum: Money }
  | { code: "DAYS_NOT_ALLOWED"; message: string; maxDays: number };

function limitsFor(
  rules: AsyncPassRules,
  currency: CurrencyCode,
): Result<AsyncPassLimits, AsyncPassError> {
  const limits = rules.limits[currency];
  return limits
    ? ok(limits)
    : err({
        code: "CURRENCY_NOT_OFFERED",
        message: `the platform doesn't offer async advice in ${currency}`,
        currency,
      });
}

/** Checks a day rate against the limits for its currency; out of range is an error, never clamped. */
export function validateAsyncDayRate(
  rate: Money,
  rules: AsyncPassRules,
): Result<Money, AsyncPassError> {
  const valid = money(rate.amount, rate.currency);
  if (!valid.ok) return valid;
  const limits = limitsFor(rules, rate.currency);
  if (!limits.ok) return limits;
  const minimum = { amount: limits.value.minDayRate, currency: rate.currency };
  const maximum = { amount: limits.value.maxDayRate, currency: rate.currency };
  const range = `${formatMoney(minimum, "en")} to ${formatMoney(maximum, "en")}`;
  if (rate.amount < minimum.amount)
    return err({
      code: "DAY_RATE_BELOW_MINIMUM",
      message: `day rate must be between ${range}`,
      minimum,
      maximum,
    });
  if (rate.amount > maximum.amount)
    return err({
      code: "DAY_RATE_ABOVE_MAXIMUM",
      message: `day rate must be between ${range}`,
      minimum,
      maximum,
    });
  return ok(rate);
}

/** A pass's frozen quote: platformFee + advisorShare = price = dayRate × days exactly. */
export type PassQuote = {
  dayRate: Money;
  days: number;
  price: Money;
  platformFee: Money;
  advisorShare: Money;
  rules: { pricing: string; commission: string };
};

/** Prices a pass (day rate × days, whole minor units, no rounding) and splits it like a booking. */
export function quoteAsyncPass(input: {
  dayRate: Money;
  days: number;
  rules: AsyncPassRules;
  commission: CommissionTerms;
  advisorOverride?: CommissionTerms | null;
}): Result<PassQuote, AsyncPassError> {
  const rate = validateAsyncDayRate(input.dayRate, input.rules);
  if (!rate.ok) return rate;
  const limits = limitsFor(input.rules, input.dayRate.currency);
  if (!limits.ok) return limits;
  const { days } = input;
  if (!Number.isInteger(days) || days < 1 || days > limits.value.maxDays) {
    return err({
      code: "DAYS_NOT_ALLOWED",
      message: `a pass lasts 1 to ${limits.value.maxDays} days, not ${days}`,
      maxDays: limits.value.maxDays,
    });
  }
  const price = money(input.dayRate.amount * days, input.dayRate.currency);
  if (!price.ok) return price;
  const split = splitFee(price.value, input.commission, input.advisorOverride);
  if (!split.ok) return err(split.error);
  return ok({
    dayRate: input.dayRate,
    days,
    price: price.value,
    platformFee: split.value.platformFee,
    advisorShare: split.value.advisorShare,
    rules: { pricing: input.rules.version, commission: split.value.commissionVersion },
  });
}

/** The pass's length in whole days, from its window. */
export function passDaysOf(window: { startsAt: Date; endsAt: Date }): number {
  return Math.max(1, Math.round((window.endsAt.getTime() - window.startsAt.getTime()) / DAY_MS));
}

/** The window once paid: it starts at the payment and keeps its length. */
export function passWindowFrom(
  window: { startsAt: Date; endsAt: Date },
  paidAt: Date,
): { startsAt: Date; endsAt: Date } {
  const length = window.endsAt.getTime() - window.startsAt.getTime();
  return { startsAt: paidAt, endsAt: new Date(paidAt.getTime() + length) };
}

/** When the advisor's first reply is due: 48 h after the start, or the window's end if sooner. */
export function passReplyDeadline(window: { startsAt: Date; endsAt: Date }): Date {
  return new Date(
    Math.min(window.startsAt.getTime() + PASS_REPLY_HOURS * HOUR_MS, window.endsAt.getTime()),
  );
}

/** Whether the advisor's first reply (if any) came by the deadline. */
export function repliedInTime(c: {
  startsAt: Date;
  endsAt: Date;
  firstAdvisorReplyAt?: Date | null;
}): boolean {
  const reply = c.firstAdvisorReplyAt;
  return reply != null && reply.getTime() <= passReplyDeadline(c).getTime();
}

/**
 * Whole days of the window not yet begun at `at` (a begun day counts as used), out of the
 * pass's days. Zero at or after the end.
 */
export function unusedPassDays(window: { startsAt: Date; endsAt: Date }, at: Date): number {
  const days = passDaysOf(window);
  const elapsed = at.getTime() - window.startsAt.getTime();
  if (elapsed <= 0) return days;
  return Math.max(0, days - Math.ceil(elapsed / DAY_MS));
}
