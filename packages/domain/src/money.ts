import { numberFormat } from "./intl-cache";
import { err, ok, type Result } from "./result";

/**
 * Stripe counts amounts in a currency's smallest unit, and for most currencies that is a
 * hundredth; these are the exceptions, exactly as Stripe lists them (docs.stripe.com/currencies).
 * Stripe's exponent, not CLDR's, is the one that counts: ISK, HUF and TWD are two-decimal
 * in the API even where Intl shows them without a fraction.
 */
// prettier-ignore
const ZERO_DECIMAL = [
  "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV",
  "XAF", "XOF", "XPF",
] as const;
const THREE_DECIMAL = ["BHD", "JOD", "KWD", "OMR", "TND"] as const;
/** Every other ISO 4217 currency Stripe can charge in (withdrawn codes such as STD left out). */
// prettier-ignore
const TWO_DECIMAL = [
  "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
  "BGN", "BMD", "BND", "BOB", "BRL", "BSD", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CNY",
  "COP", "CRC", "CVE", "CZK", "DKK", "DOP", "DZD", "EGP", "ETB", "EUR", "FJD", "FKP", "GBP",
  "GEL", "GIP", "GMD", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "ISK",
  "JMD", "KES", "KGS", "KHR", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "MAD", "MDL",
  "MKD", "MMK", "MNT", "MOP", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO",
  "NOK", "NPR", "NZD", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "QAR", "RON", "RSD", "RUB",
  "SAR", "SBD", "SCR", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SZL", "THB", "TJS", "TOP",
  "TRY", "TTD", "TWD", "TZS", "UAH", "USD", "UYU", "UZS", "WST", "XCD", "YER", "ZAR", "ZMW",
] as const;

export type CurrencyCode =
  (typeof ZERO_DECIMAL)[number] | (typeof THREE_DECIMAL)[number] | (typeof TWO_DECIMAL)[number];

export type CurrencyInfo = { readonly exponent: 0 | 2 | 3 };

/**
 * ISO 4217 currencies the platform can hold, with their exponent (minor units per major
 * unit = 10^exponent): ¥1 is 1 (JPY), $1 is 100 (USD), 1 KD is 1,000 (KWD). Which of them
 * are offered is an operator's rule (the `pricing` rule set), not this list.
 */
export const CURRENCIES: Readonly<Record<CurrencyCode, CurrencyInfo>> = Object.freeze(
  Object.fromEntries([
    ...TWO_DECIMAL.map((c) => [c, { exponent: 2 }] as const),
    ...ZERO_DECIMAL.map((c) => [c, { exponent: 0 }] as const),
    ...THREE_DECIMAL.map((c) => [c, { exponent: 3 }] as const),
  ]) as Record<CurrencyCode, CurrencyInfo>,
);

export const CURRENCY_CODES = (Object.keys(CURRENCIES) as CurrencyCode[]).sort();

export function isCurrencyCode(value: string): value is CurrencyCode {
  return Object.hasOwn(CURRENCIES, value);
}

/** Decimals of `currency`'s major unit as Stripe counts them: 2 for USD, 0 for JPY, 3 for KWD. */
export function currencyExponent(currency: CurrencyCode): 0 | 2 | 3 {
  return CURRENCIES[currency].exponent;
}

/**
 * An amount of money: integer minor units (cents; yen for JPY; fils for KWD) of one
 * currency. Signed, so ledger lines and differences can be negative; inputs are validated
 * by `money()`.
 */
export type Money = { readonly amount: number; readonly currency: CurrencyCode };

export type MoneyError =
  | { code: "NOT_AN_INTEGER"; message: string; value: number }
  | { code: "NEGATIVE_AMOUNT"; message: string; value: number }
  | { code: "UNSAFE_AMOUNT"; message: string; value: number }
  | { code: "UNKNOWN_CURRENCY"; message: string; value: string }
  | { code: "CURRENCY_MISMATCH"; message: string; currencies: [string, string] }
  | { code: "INVALID_ALLOCATION"; message: string };

function checkAmount(amount: number, allowNegative: boolean): MoneyError | null {
  if (!Number.isFinite(amount) || !Number.isInteger(amount)) {
    return {
      code: "NOT_AN_INTEGER",
      message: `amount must be a whole number of minor units, got ${amount}`,
      value: amount,
    };
  }
  if (!Number.isSafeInteger(amount)) {
    return {
      code: "UNSAFE_AMOUNT",
      message: `amount ${amount} is too large to represent exactly`,
      value: amount,
    };
  }
  if (!allowNegative && amount < 0) {
    return {
      code: "NEGATIVE_AMOUNT",
      message: `amount must not be negative, got ${amount}`,
      value: amount,
    };
  }
  return null;
}

/**
 * Validates an amount in minor units and a currency code into Money. Non-negative unless
 * `allowNegative`; never rounds or clamps.
 */
export function money(
  amount: number,
  currency: string,
  options: { allowNegative?: boolean } = {},
): Result<Money, MoneyError> {
  if (!isCurrencyCode(currency)) {
    return err({
      code: "UNKNOWN_CURRENCY",
      message: `unknown or unsupported currency '${currency}'`,
      value: currency,
    });
  }
  const problem = checkAmount(amount, options.allowNegative ?? false);
  return problem ? err(problem) : ok({ amount, currency });
}

/** Money from trusted integer input (tests, constants); throws where `money()` would err. */
export function moneyOf(amount: number, currency: CurrencyCode): Money {
  const result = money(amount, currency, { allowNegative: true });
  if (!result.ok) throw new RangeError(result.error.message);
  return result.value;
}

export const zero = (currency: CurrencyCode): Money => ({ amount: 0, currency });

function sameCurrency(a: Money, b: Money): MoneyError | null {
  return a.currency === b.currency
    ? null
    : {
        code: "CURRENCY_MISMATCH",
        message: `can't combine ${a.currency} with ${b.currency}`,
        currencies: [a.currency, b.currency],
      };
}

function checked(amount: number, currency: CurrencyCode): Result<Money, MoneyError> {
  const problem = checkAmount(amount, true);
  return problem ? err(problem) : ok({ amount, currency });
}

/** a + b, same currency only. */
export function add(a: Money, b: Money): Result<Money, MoneyError> {
  const mismatch = sameCurrency(a, b);
  return mismatch ? err(mismatch) : checked(a.amount + b.amount, a.currency);
}

/** a − b, same currency only (may be negative). */
export function subtract(a: Money, b: Money): Result<Money, MoneyError> {
  const mismatch = sameCurrency(a, b);
  return mismatch ? err(mismatch) : checked(a.amount - b.amount, a.currency);
}

/** Sum of amounts in one currency; an empty list sums to zero of `currency`. */
export function sum(items: readonly Money[], currency: CurrencyCode): Result<Money, MoneyError> {
  let total = zero(currency);
  for (const item of items) {
    const next = add(total, item);
    if (!next.ok) return next;
    total = next.value;
  }
  return ok(total);
}

export const negate = (m: Money): Money => ({ amount: -m.amount || 0, currency: m.currency });
export const isZero = (m: Money): boolean => m.amount === 0;
export const equals = (a: Money, b: Money): boolean =>
  a.currency === b.currency && a.amount === b.amount;

/** a vs b: -1, 0 or 1; mismatched currencies are an error, never a guess. */
export function compare(a: Money, b: Money): Result<-1 | 0 | 1, MoneyError> {
  const mismatch = sameCurrency(a, b);
  if (mismatch) return err(mismatch);
  return ok(a.amount < b.amount ? -1 : a.amount > b.amount ? 1 : 0);
}

/**
 * Splits `total` into parts proportional to `ratios` (non-negative integers, not all zero)
 * without losing or creating a minor unit: each part gets its floor share, and the units
 * left over go one each to the parts with the largest remainders (earlier parts first on
 * ties). Works on negative totals too (the parts are the negated split of |total|).
 */
export function allocate(total: Money, ratios: readonly number[]): Result<Money[], MoneyError> {
  if (
    ratios.length === 0 ||
    ratios.some((r) => !Number.isSafeInteger(r) || r < 0) ||
    ratios.every((r) => r === 0)
  ) {
    return err({
      code: "INVALID_ALLOCATION",
      message: "ratios must be non-negative whole numbers, not all zero",
    });
  }
  const sign = total.amount < 0 ? -1n : 1n;
  const whole = BigInt(Math.abs(total.amount));
  const weights = ratios.map(BigInt);
  const weightSum = weights.reduce((a, b) => a + b, 0n);
  const shares = weights.map((w) => (whole * w) / weightSum);
  const remainders = weights.map((w, i) => ({ i, rem: (whole * w) % weightSum, weight: w }));
  let left = whole - shares.reduce((a, b) => a + b, 0n);
  const order = remainders
    .filter((r) => r.weight > 0n)
    .sort((a, b) => (a.rem === b.rem ? a.i - b.i : a.rem > b.rem ? -1 : 1));
  for (const r of order) {
    if (left === 0n) break;
    shares[r.i] = (shares[r.i] ?? 0n) + 1n;
    left -= 1n;
  }
  return ok(shares.map((s) => ({ amount: Number(s * sign) || 0, currency: total.currency })));
}

/** Basis points in a whole: 10,000 bp = 100 %. */
export const BPS_DENOMINATOR = 10_000;

/** Splits `total` by basis points that must add up to exactly 10,000. */
export function allocateBps(total: Money, bps: readonly number[]): Result<Money[], MoneyError> {
  if (bps.reduce((a, b) => a + b, 0) !== BPS_DENOMINATOR) {
    return err({
      code: "INVALID_ALLOCATION",
      message: `basis points must add up to ${BPS_DENOMINATOR}`,
    });
  }
  return allocate(total, bps);
}

export type RoundingMode = "half_up" | "floor" | "ceil";

/**
 * `amount × numerator / denominator` in minor units, rounded by `mode` (half_up: halves
 * away from zero). Exact for any safe-integer inputs: the product is taken in BigInt.
 */
export function mulDiv(
  amount: number,
  numerator: number,
  denominator: number,
  mode: RoundingMode,
): number {
  if (denominator <= 0) throw new RangeError("denominator must be positive");
  const n = BigInt(amount) * BigInt(numerator);
  const d = BigInt(denominator);
  const negative = n < 0n;
  const abs = negative ? -n : n;
  let q = abs / d;
  const r = abs % d;
  if (r !== 0n) {
    const up = mode === "half_up" ? r * 2n >= d : mode === "ceil" ? !negative : negative;
    if (up) q += 1n;
  }
  return Number(negative ? -q : q) || 0;
}

/**
 * `amount` minor units as an exact decimal string in major units ("1234.567" for 1,234,567
 * fils): Intl formats it without the float rounding a division would bring to large amounts.
 */
export function toDecimalString(m: Money): `${number}` {
  const exponent = currencyExponent(m.currency);
  const digits = Math.abs(m.amount)
    .toString()
    .padStart(exponent + 1, "0");
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent > 0 ? `.${digits.slice(digits.length - exponent)}` : "";
  return `${m.amount < 0 ? "-" : ""}${whole}${fraction}` as `${number}`;
}

/**
 * Formats for people, through Intl, in one of the supported locales (`ar-EG`, `fr-MA`, …),
 * always with the currency's own number of decimals (¥1,234; KWD 1.234,567 in de).
 */
export function formatMoney(m: Money, locale: string): string {
  const exponent = currencyExponent(m.currency);
  const format = numberFormat(locale, {
    style: "currency",
    currency: m.currency,
    minimumFractionDigits: exponent,
    maximumFractionDigits: exponent,
  });
  const value = toDecimalString(m);
  if (!RTL_LANGUAGES.has(locale.split("-")[0]!.toLowerCase())) return format.format(value);
  // In right-to-left text "US$" would fall apart: its "$" is a neutral that takes the
  // paragraph's direction and lands left of "US" ("$US 150.00"). Isolating the currency
  // (FSI … PDI) keeps it whole, in plain text as in HTML.
  return format
    .formatToParts(value)
    .map((part) => (part.type === "currency" ? `\u2068${part.value}\u2069` : part.value))
    .join("");
}

/** Languages written right to left, whose money needs its currency isolated. */
const RTL_LANGUAGES = new Set(["ar", "fa", "he", "ur"]);
