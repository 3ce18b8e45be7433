import {
  type CommissionRuleSet,
  type CurrencyCode,
  formatMajorUnits,
  isCurrencyCode,
  type MajorAmountError,
  parseMajorAmount,
  parseMajorUnits,
  type PayoutRuleSet,
  type PricingRuleSet,
  type RefundPolicyRuleSet,
  toMajorString,
} from "@an/domain";

/**
 * The money-rule forms as typed (text, amounts in major units) and their conversion into
 * the rule sets the API stores (minor units, basis points). Only what a form can know is
 * checked here (numbers, decimals, signs); the rules' own consistency (a minimum above its
 * maximum, tiers out of order) is the domain validator's, answered by `platformRules.preview`.
 */

/** Why a field's text can't be read: a catalog key under `console.settings.input.`. */
export type InputProblem = { code: MajorAmountError["code"] | "not_whole"; exponent?: number };

/** The rules a form's text makes, or the problems by input (null rules while any remain). */
export type Built<T> = { rules: T | null; problems: Record<string, InputProblem> };

function built<T>(rules: T, problems: Record<string, InputProblem>): Built<T> {
  return { rules: Object.keys(problems).length === 0 ? rules : null, problems };
}

/** A field left empty is absent (no fee, no minimum): allowed where `optional`. */
function readAmount(
  problems: Record<string, InputProblem>,
  key: string,
  text: string,
  currency: string,
  optional = false,
): number | undefined {
  if (optional && text.trim() === "") return undefined;
  const parsed = parseMajorAmount(text, currency);
  if (parsed.ok) return parsed.value;
  problems[key] = parsed.error;
  return undefined;
}

function readWhole(problems: Record<string, InputProblem>, key: string, text: string) {
  const parsed = parseMajorUnits(text, 0);
  if (parsed.ok) return parsed.value;
  problems[key] = parsed.error.code === "too_many_decimals" ? { code: "not_whole" } : parsed.error;
  return undefined;
}

/** Percent text with up to 2 decimals ("15", "12.5") as basis points (1500, 1250). */
function readPercent(problems: Record<string, InputProblem>, key: string, text: string) {
  const parsed = parseMajorUnits(text, 2);
  if (parsed.ok) return parsed.value;
  problems[key] = parsed.error;
  return undefined;
}

/** Basis points as the percent an operator types: 2000 is "20", 1250 "12.5". */
export function percentText(bps: number): string {
  return formatMajorUnits(bps, 2).replace(/\.?0+$/, "");
}

const sortedCodes = (codes: Iterable<string>) => [...new Set(codes)].sort();

// --- Pricing: one row per offered currency. ---

export type PricingRow = {
  currency: string;
  minHourlyRate: string;
  maxHourlyRate: string;
  /** Minutes, separated by commas or spaces: "30, 60, 90". */
  allowedLengths: string;
  minPassDayRate: string;
  maxPassDayRate: string;
  maxPassDays: string;
};

export const PRICING_AMOUNT_FIELDS = [
  "minHourlyRate",
  "maxHourlyRate",
  "minPassDayRate",
  "maxPassDayRate",
] as const;

export function pricingDraftOf(set: PricingRuleSet): PricingRow[] {
  return sortedCodes(Object.keys(set.currencies)).flatMap((currency) => {
    const c = set.currencies[currency as CurrencyCode];
    if (!c) return [];
    return [
      {
        currency,
        minHourlyRate: toMajorString(c.minHourlyRate, currency),
        maxHourlyRate: toMajorString(c.maxHourlyRate, currency),
        allowedLengths: c.allowedLengths.join(", "),
        minPassDayRate: toMajorString(c.minPassDayRate, currency),
        maxPassDayRate: toMajorString(c.maxPassDayRate, currency),
        maxPassDays: String(c.maxPassDays),
      },
    ];
  });
}

export const emptyPricingRow = (currency: string): PricingRow => ({
  currency,
  minHourlyRate: "",
  maxHourlyRate: "",
  allowedLengths: "30, 60",
  minPassDayRate: "",
  maxPassDayRate: "",
  maxPassDays: "30",
});

export function pricingRulesFrom(rows: readonly PricingRow[]): Built<PricingRuleSet> {
  const problems: Record<string, InputProblem> = {};
  const currencies: PricingRuleSet["currencies"] = {};
  for (const row of rows) {
    const c = row.currency;
    const amounts: Partial<Record<(typeof PRICING_AMOUNT_FIELDS)[number], number>> = {};
    for (const field of PRICING_AMOUNT_FIELDS) {
      amounts[field] = readAmount(problems, `${c}.${field}`, row[field], c);
    }
    // Arabic typists separate with "،".
    const parts = row.allowedLengths.split(/[\s,،]+/).filter((part) => part !== "");
    const lengths = parts.map((part) => readWhole(problems, `${c}.allowedLengths`, part));
    if (parts.length === 0) problems[`${c}.allowedLengths`] = { code: "empty" };
    const maxPassDays = readWhole(problems, `${c}.maxPassDays`, row.maxPassDays);
    if (!isCurrencyCode(c)) continue;
    currencies[c] = {
      minHourlyRate: amounts.minHourlyRate ?? 0,
      maxHourlyRate: amounts.maxHourlyRate ?? 0,
      allowedLengths: lengths.map((n) => n ?? 0),
      minPassDayRate: amounts.minPassDayRate ?? 0,
      maxPassDayRate: amounts.maxPassDayRate ?? 0,
      maxPassDays: maxPassDays ?? 0,
    };
  }
  return built({ currencies }, problems);
}

// --- Commission: a percentage, then fees per currency. ---

export type FeeRow = { currency: string; fixed: string; minFee: string; maxFee: string };
export type CommissionDraft = { percent: string; fees: FeeRow[] };

export const FEE_FIELDS = ["fixed", "minFee", "maxFee"] as const;

const amountText = (amount: number | undefined, currency: string) =>
  amount === undefined ? "" : toMajorString(amount, currency);

/** A row per currency offered (`offered`) or named by a fee, so every offered one can get one. */
export function commissionDraftOf(
  set: CommissionRuleSet,
  offered: readonly string[],
): CommissionDraft {
  const codes = sortedCodes([
    ...offered,
    ...Object.keys(set.fixed),
    ...Object.keys(set.minFee),
    ...Object.keys(set.maxFee),
  ]).filter(isCurrencyCode);
  return {
    percent: percentText(set.bps),
    fees: codes.map((currency) => ({
      currency,
      fixed: amountText(set.fixed[currency], currency),
      minFee: amountText(set.minFee[currency], currency),
      maxFee: amountText(set.maxFee[currency], currency),
    })),
  };
}

export function commissionRulesFrom(draft: CommissionDraft): Built<CommissionRuleSet> {
  const problems: Record<string, InputProblem> = {};
  const bps = readPercent(problems, "percent", draft.percent);
  const rules: CommissionRuleSet = { bps: bps ?? 0, fixed: {}, minFee: {}, maxFee: {} };
  for (const row of draft.fees) {
    if (!isCurrencyCode(row.currency)) continue;
    for (const field of FEE_FIELDS) {
      const amount = readAmount(
        problems,
        `${row.currency}.${field}`,
        row[field],
        row.currency,
        true,
      );
      if (amount !== undefined) rules[field][row.currency] = amount;
    }
  }
  return built(rules, problems);
}

// --- Refund policy: tiers, most hours before first. ---

export type TierRow = { hoursBefore: string; refundPercent: string };

export function refundDraftOf(set: RefundPolicyRuleSet): TierRow[] {
  return set.tiers.map((tier) => ({
    hoursBefore: String(tier.minHoursBefore),
    refundPercent: percentText(tier.refundBps),
  }));
}

export function refundRulesFrom(rows: readonly TierRow[]): Built<RefundPolicyRuleSet> {
  const problems: Record<string, InputProblem> = {};
  const tiers = rows.map((row, i) => {
    // Hours may have a fraction (half an hour before): read to the hundredth.
    const hundredths = readPercent(problems, `${i}.hoursBefore`, row.hoursBefore);
    const refundBps = readPercent(problems, `${i}.refundPercent`, row.refundPercent);
    return { minHoursBefore: (hundredths ?? 0) / 100, refundBps: refundBps ?? 0 };
  });
  return built({ tiers }, problems);
}

// --- Payouts: the hold window and a minimum per currency. ---

export type MinimumRow = { currency: string; amount: string };
export type PayoutDraft = { holdWindowHours: string; minimums: MinimumRow[] };

export function payoutDraftOf(set: PayoutRuleSet, offered: readonly string[]): PayoutDraft {
  const codes = sortedCodes([...offered, ...Object.keys(set.minimumPayout)]).filter(isCurrencyCode);
  return {
    holdWindowHours: String(set.holdWindowHours),
    minimums: codes.map((currency) => ({
      currency,
      amount: amountText(set.minimumPayout[currency], currency),
    })),
  };
}

export function payoutRulesFrom(draft: PayoutDraft): Built<PayoutRuleSet> {
  const problems: Record<string, InputProblem> = {};
  const hold = readWhole(problems, "holdWindowHours", draft.holdWindowHours);
  const minimumPayout: PayoutRuleSet["minimumPayout"] = {};
  for (const row of draft.minimums) {
    if (!isCurrencyCode(row.currency)) continue;
    const amount = readAmount(problems, `${row.currency}.amount`, row.amount, row.currency, true);
    if (amount !== undefined) minimumPayout[row.currency] = amount;
  }
  return built({ holdWindowHours: hold ?? 0, minimumPayout }, problems);
}
