import { CURRENCIES, type CurrencyCode, type Money } from "./money";
import { err, ok, type Result } from "./result";

/*
 * Currency conversion at a provider's rate. A rate is a decimal string (as stored, never a
 * float): Stripe's `exchange_rate` on a balance transaction, where the amount in the
 * charge's currency times the rate is the amount in the settlement currency, both in
 * major units. Computed exactly with BigInt and rounded half up to the target's minor unit.
 */

export type FxError = { code: "INVALID_RATE" | "INVALID_AMOUNT"; message: string };

/** A positive decimal without exponent: `0.2723`, `1`, `3.25`. */
const RATE = /^(\d+)(?:\.(\d+))?$/;

/** The rate as an exact fraction `num / den`, or null when it isn't a positive decimal. */
export function parseRate(rate: string): { num: bigint; den: bigint } | null {
  const m = RATE.exec(rate.trim());
  if (!m) return null;
  const fraction = m[2] ?? "";
  const num = BigInt(m[1]! + fraction);
  if (num === 0n) return null;
  return { num, den: 10n ** BigInt(fraction.length) };
}

/**
 * A float rate as Stripe's JSON gives it (`0.272301`), as a decimal string we can store and
 * compute with; null when it isn't a positive finite number.
 */
export function rateFromNumber(rate: number | null | undefined): string | null {
  if (rate == null || !Number.isFinite(rate) || rate <= 0) return null;
  const plain = String(rate);
  if (!/e/i.test(plain)) return plain;
  // Tiny or huge rates print with an exponent; 12 places are more than Stripe sends.
  return rate.toFixed(12).replace(/\.?0+$/, "");
}

const exponentOf = (currency: string): number =>
  (CURRENCIES as Record<string, { exponent: number } | undefined>)[currency]?.exponent ?? 2;

/**
 * `money` converted into `to` at `rate` (major units of `money.currency` × rate = major
 * units of `to`), rounded half up to whole minor units of `to`. Exponents may differ
 * (JPY has none, KWD three).
 */
export function convertAtRate(
  money: Money,
  rate: string,
  to: CurrencyCode,
): Result<Money, FxError> {
  const parsed = parseRate(rate);
  if (!parsed) return err({ code: "INVALID_RATE", message: `not a positive rate: ${rate}` });
  if (!Number.isSafeInteger(money.amount) || money.amount < 0) {
    return err({
      code: "INVALID_AMOUNT",
      message: `amount must be a non-negative whole number of minor units, got ${money.amount}`,
    });
  }
  const scale = exponentOf(to) - exponentOf(money.currency);
  let num = BigInt(money.amount) * parsed.num;
  let den = parsed.den;
  if (scale >= 0) num *= 10n ** BigInt(scale);
  else den *= 10n ** BigInt(-scale);
  // Half up: floor((2·num + den) / (2·den)) for non-negative amounts.
  const rounded = (2n * num + den) / (2n * den);
  if (rounded > BigInt(Number.MAX_SAFE_INTEGER)) {
    return err({
      code: "INVALID_AMOUNT",
      message: `${money.amount} converts beyond a safe amount`,
    });
  }
  return ok({ amount: Number(rounded), currency: to });
}

/** True when `settled` is in another currency than `charged`: the ledger needs an FX entry. */
export function isConverted(charged: Money, settled: Money | null | undefined): boolean {
  return !!settled && settled.currency !== charged.currency;
}
