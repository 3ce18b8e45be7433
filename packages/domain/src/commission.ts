import { BPS_DENOMINATOR, type CurrencyCode, type Money, mulDiv } from "./money";
import { err, ok, type Result } from "./result";

/**
 * How the platform's fee on a consultation is computed: a percentage in basis points,
 * plus an optional fixed part, then held between a minimum and a maximum. Fixed, minimum
 * and maximum are per currency, in minor units; a currency without an entry has none.
 */
export type CommissionTerms = {
  /** Version recorded on each quote, e.g. "commission-2026-11" or "override:adv_42:v3". */
  version: string;
  /** 0–10,000 (10,000 = 100 %). */
  bps: number;
  fixed?: Partial<Record<CurrencyCode, number>>;
  minFee?: Partial<Record<CurrencyCode, number>>;
  maxFee?: Partial<Record<CurrencyCode, number>>;
};

export type CommissionError =
  | { code: "INVALID_BPS"; message: string; bps: number }
  | {
      code: "INVALID_FEE_BOUND";
      message: string;
      field: "fixed" | "minFee" | "maxFee";
      currency: string;
    }
  | { code: "MIN_ABOVE_MAX"; message: string; currency: string }
  | { code: "INVALID_PRICE"; message: string };

/** Checks commission terms: bps a whole number in 0–10,000; bounds non-negative; min ≤ max. */
export function validateCommission(
  terms: CommissionTerms,
): Result<CommissionTerms, CommissionError> {
  if (!Number.isInteger(terms.bps) || terms.bps < 0 || terms.bps > BPS_DENOMINATOR) {
    return err({
      code: "INVALID_BPS",
      message: `commission must be 0–${BPS_DENOMINATOR} basis points, got ${terms.bps}`,
      bps: terms.bps,
    });
  }
  for (const field of ["fixed", "minFee", "maxFee"] as const) {
    for (const [currency, value] of Object.entries(terms[field] ?? {})) {
      if (!Number.isSafeInteger(value) || value < 0) {
        return err({
          code: "INVALID_FEE_BOUND",
          message: `${field} for ${currency} must be a non-negative whole number of minor units, got ${value}`,
          field,
          currency,
        });
      }
    }
  }
  for (const [currency, min] of Object.entries(terms.minFee ?? {})) {
    const max = terms.maxFee?.[currency as CurrencyCode];
    if (max !== undefined && min > max) {
      return err({
        code: "MIN_ABOVE_MAX",
        message: `minimum fee ${min} is above maximum fee ${max} for ${currency}`,
        currency,
      });
    }
  }
  return ok(terms);
}

export type FeeSplit = { platformFee: Money; advisorShare: Money; commissionVersion: string };

/**
 * The platform fee on `price` and the advisor's share. The fee is
 * round_half_up(price × bps / 10,000) + fixed, raised to the minimum, lowered to the
 * maximum, and finally never more than the price itself; the advisor gets exactly the
 * rest, so fee + share = price to the minor unit. An advisor's override replaces the
 * platform terms whole.
 */
export function splitFee(
  price: Money,
  platform: CommissionTerms,
  override?: CommissionTerms | null,
): Result<FeeSplit, CommissionError> {
  if (!Number.isSafeInteger(price.amount) || price.amount < 0) {
    return err({
      code: "INVALID_PRICE",
      message: `price must be a non-negative whole number of minor units, got ${price.amount}`,
    });
  }
  const valid = validateCommission(override ?? platform);
  if (!valid.ok) return valid;
  const terms = valid.value;
  const c = price.currency;
  let fee = mulDiv(price.amount, terms.bps, BPS_DENOMINATOR, "half_up") + (terms.fixed?.[c] ?? 0);
  const min = terms.minFee?.[c];
  const max = terms.maxFee?.[c];
  if (min !== undefined) fee = Math.max(fee, min);
  if (max !== undefined) fee = Math.min(fee, max);
  fee = Math.min(fee, price.amount);
  return ok({
    platformFee: { amount: fee, currency: c },
    advisorShare: { amount: price.amount - fee, currency: c },
    commissionVersion: terms.version,
  });
}
