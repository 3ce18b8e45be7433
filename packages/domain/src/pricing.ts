import {
  type CurrencyCode,
  formatMoney,
  type Money,
  money,
  type MoneyError,
  mulDiv,
} from "./money";
import { err, ok, type Result } from "./result";

/** What the platform allows in one currency. Amounts are minor units of that currency. */
export type CurrencyLimits = {
  /** Lowest hourly rate an advisor may set. */
  minHourlyRate: number;
  /** Highest hourly rate an advisor may set. */
  maxHourlyRate: number;
  /** Consultation lengths a client may book, in minutes. */
  allowedLengths: readonly number[];
};

/**
 * The pricing rules in force: versioned, because a quote records the version it used
 * and later changes never reprice a booked consultation. Currencies absent here are not
 * offered.
 */
export type PricingRules = {
  version: string;
  limits: Partial<Record<CurrencyCode, CurrencyLimits>>;
};

export type PricingError =
  | MoneyError
  | { code: "CURRENCY_NOT_OFFERED"; message: string; currency: string }
  | { code: "RATE_BELOW_MINIMUM"; message: string; minimum: Money; maximum: Money }
  | { code: "RATE_ABOVE_MAXIMUM"; message: string; minimum: Money; maximum: Money }
  | { code: "LENGTH_NOT_ALLOWED"; message: string; allowedLengths: readonly number[] };

function limitsFor(
  rules: PricingRules,
  currency: CurrencyCode,
): Result<CurrencyLimits, PricingError> {
  const limits = rules.limits[currency];
  return limits
    ? ok(limits)
    : err({
        code: "CURRENCY_NOT_OFFERED",
        message: `the platform doesn't offer consultations in ${currency}`,
        currency,
      });
}

/**
 * Checks an hourly rate against the platform's limits for its currency. An out-of-range
 * rate is an error naming the limits (formatted in English for logs; callers localize
 * from `minimum`/`maximum`), never clamped.
 */
export function validateHourlyRate(rate: Money, rules: PricingRules): Result<Money, PricingError> {
  const valid = money(rate.amount, rate.currency);
  if (!valid.ok) return valid;
  const limits = limitsFor(rules, rate.currency);
  if (!limits.ok) return limits;
  const minimum = { amount: limits.value.minHourlyRate, currency: rate.currency };
  const maximum = { amount: limits.value.maxHourlyRate, currency: rate.currency };
  const range = `${formatMoney(minimum, "en")} to ${formatMoney(maximum, "en")}`;
  if (rate.amount < minimum.amount) {
    return err({
      code: "RATE_BELOW_MINIMUM",
      message: `hourly rate must be between ${range}`,
      minimum,
      maximum,
    });
  }
  if (rate.amount > maximum.amount) {
    return err({
      code: "RATE_ABOVE_MAXIMUM",
      message: `hourly rate must be between ${range}`,
      minimum,
      maximum,
    });
  }
  return ok(rate);
}

/**
 * The price of a consultation: hourly rate × minutes / 60, **rounded half up to the
 * currency's minor unit** (a half cent, or half yen, goes up). The rate must be within
 * limits and the length one the platform offers.
 */
export function priceFor(
  hourlyRate: Money,
  durationMinutes: number,
  rules: PricingRules,
): Result<Money, PricingError> {
  const rate = validateHourlyRate(hourlyRate, rules);
  if (!rate.ok) return rate;
  const limits = limitsFor(rules, hourlyRate.currency);
  if (!limits.ok) return limits;
  if (!limits.value.allowedLengths.includes(durationMinutes)) {
    return err({
      code: "LENGTH_NOT_ALLOWED",
      message: `a consultation lasts ${limits.value.allowedLengths.join(", ")} minutes, not ${durationMinutes}`,
      allowedLengths: limits.value.allowedLengths,
    });
  }
  return ok({
    amount: mulDiv(hourlyRate.amount, durationMinutes, 60, "half_up"),
    currency: hourlyRate.currency,
  });
}
