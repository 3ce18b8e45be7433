import type { AsyncPassRules } from "./async-pass";
import type { CommissionTerms } from "./commission";
import { BPS_DENOMINATOR, type CurrencyCode, isCurrencyCode } from "./money";
import type { PricingRules } from "./pricing";
import type { RefundPolicy, RefundTier } from "./refund-policy";
import { err, ok, type Result } from "./result";

/**
 * The money rules an operator sets without a deploy, as they are stored (one JSON document
 * per version of a kind), and their translation into the shapes the pricing, commission,
 * refund and payout rules compute with. A quote records the version labels
 * ({@link ruleVersionLabel}) it was priced under, so a later version never reprices it.
 */

/** Rules refused: which field (a dotted path) and why (a catalog key under `errors.platform_rules.`). */
export type PlatformRulesError = {
  code: "PLATFORM_RULES_INVALID";
  kind: string;
  field: string;
  reason:
    | "unknown_kind"
    | "not_an_object"
    | "unknown_field"
    | "missing"
    | "not_allowed"
    | "not_a_whole_number"
    | "out_of_range"
    | "min_above_max"
    | "unknown_currency"
    | "empty"
    | "not_sorted"
    | "refund_grows_later"
    | "no_zero_hour_tier";
};

export const invalidRules = (kind: string, field: string, reason: PlatformRulesError["reason"]) =>
  err<PlatformRulesError>({ code: "PLATFORM_RULES_INVALID", kind, field, reason });

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Every field of `value` is one of `fields`: a typo must not be stored as a silent no-op. */
export function unknownField(value: Record<string, unknown>, fields: readonly string[]) {
  return Object.keys(value).find((key) => !fields.includes(key));
}

/** Largest amount any rule may name, in minor units: 10^12 (a trillion cents, or yen). */
export const MAX_RULE_AMOUNT = 1_000_000_000_000;
/** Longest consultation an operator may offer, in minutes (8 hours). */
export const MAX_CONSULTATION_MINUTES = 480;
/** Longest async pass, in days. */
export const MAX_PASS_DAYS = 90;
/** Longest hold window, in hours (30 days, as the payout schedule allows). */
export const MAX_HOLD_WINDOW_HOURS = 720;

/** What the platform allows in one offered currency; amounts in its minor units. */
export type CurrencyPricingRules = {
  minHourlyRate: number;
  maxHourlyRate: number;
  /** Consultation lengths a client may book, in minutes, ascending, no duplicates. */
  allowedLengths: number[];
  minPassDayRate: number;
  maxPassDayRate: number;
  /** Longest async pass a client may buy, in days (the shortest is 1). */
  maxPassDays: number;
};

/** The `pricing` kind: the currencies offered are exactly the ones listed. */
export type PricingRuleSet = { currencies: Partial<Record<CurrencyCode, CurrencyPricingRules>> };

/** The `commission` kind: basis points, then fixed, minimum and maximum per currency. */
export type CommissionRuleSet = {
  bps: number;
  fixed: Partial<Record<CurrencyCode, number>>;
  minFee: Partial<Record<CurrencyCode, number>>;
  maxFee: Partial<Record<CurrencyCode, number>>;
};

/** The `refund_policy` kind: tiers, most hours before first, the last at 0 h. */
export type RefundPolicyRuleSet = { tiers: RefundTier[] };

/**
 * The `payouts` kind: how long released money is held for no-show reports and disputes,
 * and the smallest scheduled payout per currency (a currency not listed has none: 0).
 */
export type PayoutRuleSet = {
  holdWindowHours: number;
  minimumPayout: Partial<Record<CurrencyCode, number>>;
};

const LENGTHS = [15, 30, 45, 60, 90, 120];

/**
 * The code defaults (version 0): the markets the locales point at. USD, EUR, GBP, AED,
 * SAR, EGP and MAD, with limits of about $20–$1,000 an hour and $10–$500 a pass day in
 * each (round local figures).
 */
export const DEFAULT_PRICING_RULE_SET: PricingRuleSet = {
  currencies: {
    USD: limits(2_000, 100_000, 1_000, 50_000),
    EUR: limits(2_000, 100_000, 1_000, 50_000),
    GBP: limits(1_500, 80_000, 800, 40_000),
    AED: limits(7_500, 370_000, 3_500, 180_000),
    SAR: limits(7_500, 375_000, 3_500, 180_000),
    EGP: limits(100_000, 5_000_000, 50_000, 2_500_000),
    MAD: limits(20_000, 1_000_000, 10_000, 500_000),
  },
};

function limits(minHour: number, maxHour: number, minDay: number, maxDay: number) {
  return {
    minHourlyRate: minHour,
    maxHourlyRate: maxHour,
    allowedLengths: [...LENGTHS],
    minPassDayRate: minDay,
    maxPassDayRate: maxDay,
    maxPassDays: 30,
  } satisfies CurrencyPricingRules;
}

/**
 * The code default as the rules quotes compute with (seeds, tests): what a fresh install
 * prices under until an operator saves a `pricing` version.
 */
export const DEFAULT_PRICING_RULES: PricingRules = pricingRulesOf(DEFAULT_PRICING_RULE_SET, 0);
export const DEFAULT_ASYNC_PASS_RULES: AsyncPassRules = asyncPassRulesOf(
  DEFAULT_PRICING_RULE_SET,
  0,
);

/** 20 %, at least about $3 in each default currency. */
export const DEFAULT_COMMISSION_RULE_SET: CommissionRuleSet = {
  bps: 2_000,
  fixed: {},
  minFee: { USD: 300, EUR: 300, GBP: 250, AED: 1_100, SAR: 1_100, EGP: 15_000, MAD: 3_000 },
  maxFee: {},
};

/** The code default commission as the terms quotes compute with (seeds, tests). */
export const DEFAULT_COMMISSION: CommissionTerms = commissionTermsOf(
  DEFAULT_COMMISSION_RULE_SET,
  0,
);

/** ≥ 24 h → 100 %, 2–24 h → 50 %, < 2 h → 0 %. */
export const DEFAULT_REFUND_POLICY_RULE_SET: RefundPolicyRuleSet = {
  tiers: [
    { minHoursBefore: 24, refundBps: 10_000 },
    { minHoursBefore: 2, refundBps: 5_000 },
    { minHoursBefore: 0, refundBps: 0 },
  ],
};

/** 48 hours' hold; about $20 minimum per scheduled payout. */
export const DEFAULT_PAYOUT_RULE_SET: PayoutRuleSet = {
  holdWindowHours: 48,
  minimumPayout: {
    USD: 2_000,
    EUR: 2_000,
    GBP: 2_000,
    AED: 7_500,
    SAR: 7_500,
    EGP: 100_000,
    MAD: 20_000,
  },
};

/**
 * The label a quote, pass or consultation records for version `version` of `kind`:
 * `pricing-v3`, `commission-v2`; version 0 (nothing saved) is `<kind>-default`.
 */
export function ruleVersionLabel(kind: string, version: number): string {
  return version === 0 ? `${kind}-default` : `${kind}-v${version}`;
}

/** Pricing rules for consultations at version `version` of the `pricing` kind. */
export function pricingRulesOf(set: PricingRuleSet, version: number): PricingRules {
  const out: PricingRules["limits"] = {};
  for (const [code, c] of currencyEntries(set.currencies)) {
    out[code] = {
      minHourlyRate: c.minHourlyRate,
      maxHourlyRate: c.maxHourlyRate,
      allowedLengths: c.allowedLengths,
    };
  }
  return { version: ruleVersionLabel("pricing", version), limits: out };
}

/** Pricing rules for async passes at version `version` of the `pricing` kind. */
export function asyncPassRulesOf(set: PricingRuleSet, version: number): AsyncPassRules {
  const out: AsyncPassRules["limits"] = {};
  for (const [code, c] of currencyEntries(set.currencies)) {
    out[code] = {
      minDayRate: c.minPassDayRate,
      maxDayRate: c.maxPassDayRate,
      maxDays: c.maxPassDays,
    };
  }
  return { version: ruleVersionLabel("pricing", version), limits: out };
}

/** The currencies offered: those the `pricing` kind lists, in code order. */
export function offeredCurrencies(set: PricingRuleSet): CurrencyCode[] {
  return currencyEntries(set.currencies)
    .map(([code]) => code)
    .sort();
}

export function commissionTermsOf(set: CommissionRuleSet, version: number): CommissionTerms {
  return {
    version: ruleVersionLabel("commission", version),
    bps: set.bps,
    fixed: set.fixed,
    minFee: set.minFee,
    maxFee: set.maxFee,
  };
}

/**
 * An advisor's own commission (an override), labelled `commission-override:<id>` on the
 * quotes it prices, so a dispute can name the override that applied.
 */
export function commissionOverrideTermsOf(set: CommissionRuleSet, id: string): CommissionTerms {
  return {
    version: `commission-override:${id}`,
    bps: set.bps,
    fixed: set.fixed,
    minFee: set.minFee,
    maxFee: set.maxFee,
  };
}

export function refundPolicyOf(set: RefundPolicyRuleSet, version: number): RefundPolicy {
  return { version: ruleVersionLabel("refund_policy", version), tiers: set.tiers };
}

/** The smallest scheduled payout in `currency`, in its minor units (0 when none is set). */
export function minimumPayoutFor(set: PayoutRuleSet, currency: CurrencyCode): number {
  return set.minimumPayout[currency] ?? 0;
}

function currencyEntries<T>(record: Partial<Record<CurrencyCode, T>>): [CurrencyCode, T][] {
  return Object.entries(record).filter((e): e is [CurrencyCode, T] => e[1] !== undefined);
}

// --- Validators: the first field at fault, or the rules normalized. ---

type Check<T> = Result<T, PlatformRulesError>;

function wholeIn(
  kind: string,
  field: string,
  value: unknown,
  min: number,
  max: number,
): Check<number> {
  if (value === undefined) return invalidRules(kind, field, "missing");
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    return invalidRules(kind, field, "not_a_whole_number");
  }
  if (value < min || value > max) return invalidRules(kind, field, "out_of_range");
  return ok(value);
}

function objectWith(
  kind: string,
  field: string,
  value: unknown,
  fields: readonly string[],
): Check<Record<string, unknown>> {
  if (value === undefined) return invalidRules(kind, field, "missing");
  if (!isRecord(value)) return invalidRules(kind, field, "not_an_object");
  const extra = unknownField(value, fields);
  if (extra !== undefined) return invalidRules(kind, join(field, extra), "unknown_field");
  return ok(value);
}

const join = (a: string, b: string) => (a ? `${a}.${b}` : b);

/** A `{ USD: 300, … }` map: known currencies, whole amounts 0 … MAX_RULE_AMOUNT. */
function amountsByCurrency(
  kind: string,
  field: string,
  value: unknown,
): Check<Partial<Record<CurrencyCode, number>>> {
  if (value === undefined) return ok({});
  if (!isRecord(value)) return invalidRules(kind, field, "not_an_object");
  const out: Partial<Record<CurrencyCode, number>> = {};
  for (const [code, amount] of Object.entries(value)) {
    if (!isCurrencyCode(code)) return invalidRules(kind, join(field, code), "unknown_currency");
    const checked = wholeIn(kind, join(field, code), amount, 0, MAX_RULE_AMOUNT);
    if (!checked.ok) return checked;
    out[code] = checked.value;
  }
  return ok(out);
}

export function validatePricingRuleSet(rules: unknown): Check<PricingRuleSet> {
  const kind = "pricing";
  const top = objectWith(kind, "", rules, ["currencies"]);
  if (!top.ok) return top;
  const currencies = top.value.currencies;
  if (currencies === undefined) return invalidRules(kind, "currencies", "missing");
  if (!isRecord(currencies)) return invalidRules(kind, "currencies", "not_an_object");
  if (Object.keys(currencies).length === 0) return invalidRules(kind, "currencies", "empty");
  const out: PricingRuleSet["currencies"] = {};
  const fields = [
    "minHourlyRate",
    "maxHourlyRate",
    "allowedLengths",
    "minPassDayRate",
    "maxPassDayRate",
    "maxPassDays",
  ] as const;
  for (const [code, value] of Object.entries(currencies)) {
    const at = `currencies.${code}`;
    if (!isCurrencyCode(code)) return invalidRules(kind, at, "unknown_currency");
    const c = objectWith(kind, at, value, fields);
    if (!c.ok) return c;
    const n: Record<string, number> = {};
    for (const f of ["minHourlyRate", "maxHourlyRate", "minPassDayRate", "maxPassDayRate"]) {
      const v = wholeIn(kind, `${at}.${f}`, c.value[f], 1, MAX_RULE_AMOUNT);
      if (!v.ok) return v;
      n[f] = v.value;
    }
    const days = wholeIn(kind, `${at}.maxPassDays`, c.value.maxPassDays, 1, MAX_PASS_DAYS);
    if (!days.ok) return days;
    if (n.minHourlyRate! > n.maxHourlyRate!) {
      return invalidRules(kind, `${at}.minHourlyRate`, "min_above_max");
    }
    if (n.minPassDayRate! > n.maxPassDayRate!) {
      return invalidRules(kind, `${at}.minPassDayRate`, "min_above_max");
    }
    const lengths = c.value.allowedLengths;
    if (lengths === undefined) return invalidRules(kind, `${at}.allowedLengths`, "missing");
    if (!Array.isArray(lengths)) return invalidRules(kind, `${at}.allowedLengths`, "not_allowed");
    if (lengths.length === 0) return invalidRules(kind, `${at}.allowedLengths`, "empty");
    const checkedLengths: number[] = [];
    for (const [i, length] of lengths.entries()) {
      const v = wholeIn(kind, `${at}.allowedLengths.${i}`, length, 5, MAX_CONSULTATION_MINUTES);
      if (!v.ok) return v;
      if (i > 0 && v.value <= checkedLengths[i - 1]!) {
        return invalidRules(kind, `${at}.allowedLengths.${i}`, "not_sorted");
      }
      checkedLengths.push(v.value);
    }
    out[code] = {
      minHourlyRate: n.minHourlyRate!,
      maxHourlyRate: n.maxHourlyRate!,
      allowedLengths: checkedLengths,
      minPassDayRate: n.minPassDayRate!,
      maxPassDayRate: n.maxPassDayRate!,
      maxPassDays: days.value,
    };
  }
  return ok({ currencies: out });
}

export function validateCommissionRuleSet(rules: unknown): Check<CommissionRuleSet> {
  const kind = "commission";
  const top = objectWith(kind, "", rules, ["bps", "fixed", "minFee", "maxFee"]);
  if (!top.ok) return top;
  const bps = wholeIn(kind, "bps", top.value.bps, 0, BPS_DENOMINATOR);
  if (!bps.ok) return bps;
  const fixed = amountsByCurrency(kind, "fixed", top.value.fixed);
  if (!fixed.ok) return fixed;
  const minFee = amountsByCurrency(kind, "minFee", top.value.minFee);
  if (!minFee.ok) return minFee;
  const maxFee = amountsByCurrency(kind, "maxFee", top.value.maxFee);
  if (!maxFee.ok) return maxFee;
  for (const [code, min] of Object.entries(minFee.value)) {
    const max = maxFee.value[code as CurrencyCode];
    if (max !== undefined && min > max)
      return invalidRules(kind, `minFee.${code}`, "min_above_max");
  }
  return ok({ bps: bps.value, fixed: fixed.value, minFee: minFee.value, maxFee: maxFee.value });
}

export function validateRefundPolicyRuleSet(rules: unknown): Check<RefundPolicyRuleSet> {
  const kind = "refund_policy";
  const top = objectWith(kind, "", rules, ["tiers"]);
  if (!top.ok) return top;
  const tiers = top.value.tiers;
  if (tiers === undefined) return invalidRules(kind, "tiers", "missing");
  if (!Array.isArray(tiers)) return invalidRules(kind, "tiers", "not_allowed");
  if (tiers.length === 0) return invalidRules(kind, "tiers", "empty");
  if (tiers.length > 10) return invalidRules(kind, "tiers", "out_of_range");
  const out: RefundTier[] = [];
  for (const [i, tier] of tiers.entries()) {
    const at = `tiers.${i}`;
    const t = objectWith(kind, at, tier, ["minHoursBefore", "refundBps"]);
    if (!t.ok) return t;
    const hours = t.value.minHoursBefore;
    if (hours === undefined) return invalidRules(kind, `${at}.minHoursBefore`, "missing");
    // Fractions of an hour are allowed (e.g. 0.5 h), within a year.
    if (typeof hours !== "number" || !Number.isFinite(hours) || hours < 0 || hours > 8_760) {
      return invalidRules(kind, `${at}.minHoursBefore`, "out_of_range");
    }
    const bps = wholeIn(kind, `${at}.refundBps`, t.value.refundBps, 0, BPS_DENOMINATOR);
    if (!bps.ok) return bps;
    const previous = out[i - 1];
    if (previous && hours >= previous.minHoursBefore) {
      return invalidRules(kind, `${at}.minHoursBefore`, "not_sorted");
    }
    if (previous && bps.value > previous.refundBps) {
      return invalidRules(kind, `${at}.refundBps`, "refund_grows_later");
    }
    out.push({ minHoursBefore: hours, refundBps: bps.value });
  }
  if (out.at(-1)!.minHoursBefore !== 0) {
    return invalidRules(kind, `tiers.${out.length - 1}.minHoursBefore`, "no_zero_hour_tier");
  }
  return ok({ tiers: out });
}

export function validatePayoutRuleSet(rules: unknown): Check<PayoutRuleSet> {
  const kind = "payouts";
  const top = objectWith(kind, "", rules, ["holdWindowHours", "minimumPayout"]);
  if (!top.ok) return top;
  const hold = wholeIn(
    kind,
    "holdWindowHours",
    top.value.holdWindowHours,
    0,
    MAX_HOLD_WINDOW_HOURS,
  );
  if (!hold.ok) return hold;
  const minimum = amountsByCurrency(kind, "minimumPayout", top.value.minimumPayout);
  if (!minimum.ok) return minimum;
  return ok({ holdWindowHours: hold.value, minimumPayout: minimum.value });
}

/** One field a new version changes: a dotted path, and its value before and after (null: absent). */
export type RuleChange = { field: string; before: unknown; after: unknown };

function flatten(value: unknown, prefix: string, out: Map<string, unknown>) {
  if (isRecord(value)) {
    for (const [key, v] of Object.entries(value)) flatten(v, join(prefix, key), out);
  } else if (Array.isArray(value) && value.some((v) => isRecord(v))) {
    value.forEach((v, i) => flatten(v, join(prefix, String(i)), out));
  } else {
    out.set(prefix, value);
  }
  return out;
}

/**
 * What saving `after` over `before` changes, field by field (lists of numbers compare
 * whole), sorted by field: the console's preview before an admin confirms.
 */
export function diffRuleSets(before: unknown, after: unknown): RuleChange[] {
  const a = flatten(before, "", new Map());
  const b = flatten(after, "", new Map());
  const fields = [...new Set([...a.keys(), ...b.keys()])].sort();
  return fields
    .filter((f) => JSON.stringify(a.get(f)) !== JSON.stringify(b.get(f)))
    .map((field) => ({ field, before: a.get(field) ?? null, after: b.get(field) ?? null }));
}
