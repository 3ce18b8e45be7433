import { describe, expect, it } from "vitest";
import { quoteAsyncPass } from "./async-pass";
import { currenciesOffered } from "./application";
import { splitFee } from "./commission";
import { quoteConsultation } from "./quote";
import { computeRefund } from "./refund-policy";
import {
  asyncPassRulesOf,
  commissionOverrideTermsOf,
  commissionTermsOf,
  DEFAULT_COMMISSION_RULE_SET,
  DEFAULT_PAYOUT_RULE_SET,
  DEFAULT_PRICING_RULE_SET,
  DEFAULT_REFUND_POLICY_RULE_SET,
  diffRuleSets,
  minimumPayoutFor,
  offeredCurrencies,
  pricingRulesOf,
  refundPolicyOf,
  ruleVersionLabel,
  validateCommissionRuleSet,
  validatePayoutRuleSet,
  validatePricingRuleSet,
  validateRefundPolicyRuleSet,
} from "./rule-sets";

const usdLimits = DEFAULT_PRICING_RULE_SET.currencies.USD!;
const pricingWith = (usd: Record<string, unknown>) => ({
  currencies: { USD: { ...usdLimits, ...usd } },
});
const refused = (kind: string, field: string, reason: string) => ({
  ok: false,
  error: { code: "PLATFORM_RULES_INVALID", kind, field, reason },
});

describe("validatePricingRuleSet", () => {
  it("accepts the defaults unchanged", () => {
    expect(validatePricingRuleSet(DEFAULT_PRICING_RULE_SET)).toEqual({
      ok: true,
      value: DEFAULT_PRICING_RULE_SET,
    });
  });

  it.each<[string, unknown, string, string]>([
    ["not an object", "USD", "", "not_an_object"],
    ["a stray top-level field", { currencies: {}, currency: "USD" }, "currency", "unknown_field"],
    ["no currencies", {}, "currencies", "missing"],
    ["no currency offered", { currencies: {} }, "currencies", "empty"],
    [
      "an unknown currency",
      { currencies: { XYZ: usdLimits } },
      "currencies.XYZ",
      "unknown_currency",
    ],
    ["a lower-case code", { currencies: { usd: usdLimits } }, "currencies.usd", "unknown_currency"],
    [
      "a stray currency field",
      pricingWith({ minRate: 1 }),
      "currencies.USD.minRate",
      "unknown_field",
    ],
    [
      "a missing limit",
      { currencies: { USD: { ...usdLimits, maxHourlyRate: undefined } } },
      "currencies.USD.maxHourlyRate",
      "missing",
    ],
    [
      "a fractional rate",
      pricingWith({ minHourlyRate: 20.5 }),
      "currencies.USD.minHourlyRate",
      "not_a_whole_number",
    ],
    [
      "a negative minimum",
      pricingWith({ minHourlyRate: -1 }),
      "currencies.USD.minHourlyRate",
      "out_of_range",
    ],
    [
      "a zero minimum (nothing is free)",
      pricingWith({ minPassDayRate: 0 }),
      "currencies.USD.minPassDayRate",
      "out_of_range",
    ],
    [
      "hourly min above max",
      pricingWith({ minHourlyRate: 5_000, maxHourlyRate: 4_999 }),
      "currencies.USD.minHourlyRate",
      "min_above_max",
    ],
    [
      "pass day min above max",
      pricingWith({ minPassDayRate: 60_000 }),
      "currencies.USD.minPassDayRate",
      "min_above_max",
    ],
    [
      "passes longer than 90 days",
      pricingWith({ maxPassDays: 91 }),
      "currencies.USD.maxPassDays",
      "out_of_range",
    ],
    [
      "lengths not a list",
      pricingWith({ allowedLengths: 60 }),
      "currencies.USD.allowedLengths",
      "not_allowed",
    ],
    ["no lengths", pricingWith({ allowedLengths: [] }), "currencies.USD.allowedLengths", "empty"],
    [
      "lengths out of order",
      pricingWith({ allowedLengths: [30, 15] }),
      "currencies.USD.allowedLengths.1",
      "not_sorted",
    ],
    [
      "a repeated length",
      pricingWith({ allowedLengths: [30, 30] }),
      "currencies.USD.allowedLengths.1",
      "not_sorted",
    ],
    [
      "a length over 8 hours",
      pricingWith({ allowedLengths: [60, 481] }),
      "currencies.USD.allowedLengths.1",
      "out_of_range",
    ],
  ])("refuses %s", (_, rules, field, reason) => {
    expect(validatePricingRuleSet(rules)).toEqual(refused("pricing", field, reason));
  });
});

describe("validateCommissionRuleSet", () => {
  it("accepts the defaults, and fills absent per-currency maps with nothing", () => {
    expect(validateCommissionRuleSet(DEFAULT_COMMISSION_RULE_SET)).toEqual({
      ok: true,
      value: DEFAULT_COMMISSION_RULE_SET,
    });
    expect(validateCommissionRuleSet({ bps: 1_000 })).toEqual({
      ok: true,
      value: { bps: 1_000, fixed: {}, minFee: {}, maxFee: {} },
    });
  });

  it("accepts exactly 0 % and 100 %", () => {
    expect(validateCommissionRuleSet({ bps: 0 }).ok).toBe(true);
    expect(validateCommissionRuleSet({ bps: 10_000 }).ok).toBe(true);
  });

  it.each<[string, unknown, string, string]>([
    ["a commission over 100 %", { bps: 10_001 }, "bps", "out_of_range"],
    ["a negative commission", { bps: -1 }, "bps", "out_of_range"],
    ["a fractional basis point", { bps: 1_000.5 }, "bps", "not_a_whole_number"],
    ["bps given as text", { bps: "2000" }, "bps", "not_a_whole_number"],
    ["no bps", { fixed: {} }, "bps", "missing"],
    ["a stray field", { bps: 2_000, percent: 20 }, "percent", "unknown_field"],
    ["a negative minimum fee", { bps: 2_000, minFee: { USD: -1 } }, "minFee.USD", "out_of_range"],
    ["a negative fixed part", { bps: 2_000, fixed: { EUR: -5 } }, "fixed.EUR", "out_of_range"],
    ["an unknown currency", { bps: 2_000, maxFee: { ZZZ: 100 } }, "maxFee.ZZZ", "unknown_currency"],
    ["a fee map that is no map", { bps: 2_000, minFee: 300 }, "minFee", "not_an_object"],
    [
      "a minimum fee above the maximum",
      { bps: 2_000, minFee: { USD: 500 }, maxFee: { USD: 400 } },
      "minFee.USD",
      "min_above_max",
    ],
  ])("refuses %s", (_, rules, field, reason) => {
    expect(validateCommissionRuleSet(rules)).toEqual(refused("commission", field, reason));
  });

  it("a minimum in one currency and a maximum in another don't clash", () => {
    expect(
      validateCommissionRuleSet({ bps: 2_000, minFee: { USD: 500 }, maxFee: { EUR: 100 } }).ok,
    ).toBe(true);
  });
});

describe("validateRefundPolicyRuleSet", () => {
  const tier = (minHoursBefore: number, refundBps: number) => ({ minHoursBefore, refundBps });

  it("accepts the defaults and a single 0 h tier, fractions of an hour allowed", () => {
    expect(validateRefundPolicyRuleSet(DEFAULT_REFUND_POLICY_RULE_SET)).toEqual({
      ok: true,
      value: DEFAULT_REFUND_POLICY_RULE_SET,
    });
    expect(validateRefundPolicyRuleSet({ tiers: [tier(0, 10_000)] }).ok).toBe(true);
    expect(validateRefundPolicyRuleSet({ tiers: [tier(0.5, 5_000), tier(0, 0)] }).ok).toBe(true);
  });

  it.each<[string, unknown, string, string]>([
    ["no tiers", {}, "tiers", "missing"],
    ["an empty list", { tiers: [] }, "tiers", "empty"],
    ["tiers not a list", { tiers: tier(0, 0) }, "tiers", "not_allowed"],
    [
      "more than 10 tiers",
      { tiers: Array.from({ length: 11 }, (_, i) => tier(10 - i, 0)) },
      "tiers",
      "out_of_range",
    ],
    [
      "tiers out of order",
      { tiers: [tier(2, 5_000), tier(24, 10_000), tier(0, 0)] },
      "tiers.1.minHoursBefore",
      "not_sorted",
    ],
    [
      "two tiers at the same hour",
      { tiers: [tier(24, 10_000), tier(24, 5_000), tier(0, 0)] },
      "tiers.1.minHoursBefore",
      "not_sorted",
    ],
    [
      "a refund growing later",
      { tiers: [tier(24, 5_000), tier(2, 10_000), tier(0, 0)] },
      "tiers.1.refundBps",
      "refund_grows_later",
    ],
    [
      "no zero-hour tier",
      { tiers: [tier(24, 10_000), tier(2, 5_000)] },
      "tiers.1.minHoursBefore",
      "no_zero_hour_tier",
    ],
    ["a refund over 100 %", { tiers: [tier(0, 10_001)] }, "tiers.0.refundBps", "out_of_range"],
    ["negative hours", { tiers: [tier(-1, 0)] }, "tiers.0.minHoursBefore", "out_of_range"],
    [
      "hours given as text",
      { tiers: [{ minHoursBefore: "0", refundBps: 0 }] },
      "tiers.0.minHoursBefore",
      "out_of_range",
    ],
    [
      "a stray tier field",
      { tiers: [{ ...tier(0, 0), note: "x" }] },
      "tiers.0.note",
      "unknown_field",
    ],
    ["a tier that is no object", { tiers: [0] }, "tiers.0", "not_an_object"],
  ])("refuses %s", (_, rules, field, reason) => {
    expect(validateRefundPolicyRuleSet(rules)).toEqual(refused("refund_policy", field, reason));
  });
});

describe("validatePayoutRuleSet", () => {
  it("accepts the defaults, and no minimums at all", () => {
    expect(validatePayoutRuleSet(DEFAULT_PAYOUT_RULE_SET)).toEqual({
      ok: true,
      value: DEFAULT_PAYOUT_RULE_SET,
    });
    expect(validatePayoutRuleSet({ holdWindowHours: 0 })).toEqual({
      ok: true,
      value: { holdWindowHours: 0, minimumPayout: {} },
    });
  });

  it.each<[string, unknown, string, string]>([
    [
      "a negative payout minimum",
      { holdWindowHours: 48, minimumPayout: { USD: -1 } },
      "minimumPayout.USD",
      "out_of_range",
    ],
    [
      "an unknown currency",
      { holdWindowHours: 48, minimumPayout: { EURO: 1 } },
      "minimumPayout.EURO",
      "unknown_currency",
    ],
    ["a negative hold window", { holdWindowHours: -1 }, "holdWindowHours", "out_of_range"],
    ["a hold window over 30 days", { holdWindowHours: 721 }, "holdWindowHours", "out_of_range"],
    ["a fractional hold window", { holdWindowHours: 1.5 }, "holdWindowHours", "not_a_whole_number"],
    ["no hold window", { minimumPayout: {} }, "holdWindowHours", "missing"],
    ["a stray field", { holdWindowHours: 48, minimum: 1 }, "minimum", "unknown_field"],
  ])("refuses %s", (_, rules, field, reason) => {
    expect(validatePayoutRuleSet(rules)).toEqual(refused("payouts", field, reason));
  });
});

describe("converters", () => {
  it("labels versions: 0 is the default", () => {
    expect(ruleVersionLabel("pricing", 0)).toBe("pricing-default");
    expect(ruleVersionLabel("commission", 3)).toBe("commission-v3");
  });

  it("pricing rules for consultations and passes carry each currency's limits and the version", () => {
    const set = {
      currencies: {
        EUR: { ...usdLimits, minHourlyRate: 3_000, allowedLengths: [30, 60] },
        USD: usdLimits,
      },
    };
    const pricing = pricingRulesOf(set, 4);
    expect(pricing).toEqual({
      version: "pricing-v4",
      limits: {
        EUR: { minHourlyRate: 3_000, maxHourlyRate: 100_000, allowedLengths: [30, 60] },
        USD: {
          minHourlyRate: 2_000,
          maxHourlyRate: 100_000,
          allowedLengths: usdLimits.allowedLengths,
        },
      },
    });
    expect(asyncPassRulesOf(set, 4)).toEqual({
      version: "pricing-v4",
      limits: {
        EUR: { minDayRate: 1_000, maxDayRate: 50_000, maxDays: 30 },
        USD: { minDayRate: 1_000, maxDayRate: 50_000, maxDays: 30 },
      },
    });
    expect(offeredCurrencies(set)).toEqual(["EUR", "USD"]);
    expect(currenciesOffered(pricing)).toEqual(["EUR", "USD"]);
    // The converted rules price: an hour at €40 in EUR.
    const quote = quoteConsultation({
      hourlyRate: { amount: 4_000, currency: "EUR" },
      durationMinutes: 60,
      pricing,
      commission: commissionTermsOf({ bps: 1_000, fixed: {}, minFee: {}, maxFee: {} }, 2),
    });
    expect(quote.ok && quote.value).toMatchObject({
      price: { amount: 4_000, currency: "EUR" },
      platformFee: { amount: 400, currency: "EUR" },
      rules: { pricing: "pricing-v4", commission: "commission-v2" },
    });
    // A length only USD offers is refused in EUR.
    expect(
      quoteConsultation({
        hourlyRate: { amount: 4_000, currency: "EUR" },
        durationMinutes: 90,
        pricing,
        commission: commissionTermsOf(DEFAULT_COMMISSION_RULE_SET, 0),
      }),
    ).toMatchObject({ ok: false, error: { code: "LENGTH_NOT_ALLOWED" } });
  });

  it("the default set offers the markets the locales point at", () => {
    expect(offeredCurrencies(DEFAULT_PRICING_RULE_SET)).toEqual([
      "AED",
      "EGP",
      "EUR",
      "GBP",
      "MAD",
      "SAR",
      "USD",
    ]);
  });

  it("commission terms compute the fee they describe, min and max per currency", () => {
    const terms = commissionTermsOf(
      { bps: 1_500, fixed: { USD: 100 }, minFee: { USD: 500 }, maxFee: { USD: 2_000 } },
      7,
    );
    expect(terms.version).toBe("commission-v7");
    const fee = (amount: number) => {
      const split = splitFee({ amount, currency: "USD" }, terms);
      return split.ok ? split.value.platformFee.amount : null;
    };
    expect(fee(1_000)).toBe(500); // 150 + 100 is under the minimum
    expect(fee(10_000)).toBe(1_600); // 1,500 + 100
    expect(fee(100_000)).toBe(2_000); // capped
  });

  it("an override's terms replace the platform's and carry its label", () => {
    const override = commissionOverrideTermsOf(
      { bps: 500, fixed: {}, minFee: {}, maxFee: {} },
      "7a0c",
    );
    expect(override.version).toBe("commission-override:7a0c");
    const quote = quoteAsyncPass({
      dayRate: { amount: 10_000, currency: "USD" },
      days: 2,
      rules: asyncPassRulesOf(DEFAULT_PRICING_RULE_SET, 0),
      commission: commissionTermsOf(DEFAULT_COMMISSION_RULE_SET, 0),
      advisorOverride: override,
    });
    expect(quote.ok && quote.value).toMatchObject({
      platformFee: { amount: 1_000, currency: "USD" },
      advisorShare: { amount: 19_000, currency: "USD" },
      rules: { pricing: "pricing-default", commission: "commission-override:7a0c" },
    });
  });

  it("a refund policy refunds by its tiers and names its version", () => {
    const policy = refundPolicyOf(
      {
        tiers: [
          { minHoursBefore: 48, refundBps: 10_000 },
          { minHoursBefore: 0, refundBps: 2_500 },
        ],
      },
      2,
    );
    expect(policy.version).toBe("refund_policy-v2");
    const startsAt = new Date("2026-12-10T10:00:00Z");
    const refund = computeRefund(
      {
        price: { amount: 10_000, currency: "USD" },
        platformFee: { amount: 2_000, currency: "USD" },
        advisorShare: { amount: 8_000, currency: "USD" },
      },
      policy,
      {
        kind: "cancellation",
        by: "client",
        startsAt,
        cancelledAt: new Date(startsAt.getTime() - 24 * 3_600_000),
      },
    );
    expect(refund.ok && refund.value).toMatchObject({
      refund: { amount: 2_500, currency: "USD" },
      policyVersion: "refund_policy-v2",
    });
  });

  it("the payout minimum is per currency, 0 where none is set", () => {
    expect(minimumPayoutFor(DEFAULT_PAYOUT_RULE_SET, "EGP")).toBe(100_000);
    expect(minimumPayoutFor({ holdWindowHours: 0, minimumPayout: {} }, "USD")).toBe(0);
  });
});

describe("diffRuleSets", () => {
  it("nothing changed is no change", () => {
    expect(diffRuleSets(DEFAULT_PRICING_RULE_SET, DEFAULT_PRICING_RULE_SET)).toEqual([]);
  });

  it("lists changed, added and removed fields by path, sorted", () => {
    expect(
      diffRuleSets(
        { bps: 2_000, fixed: {}, minFee: { USD: 300, EUR: 300 }, maxFee: {} },
        { bps: 1_500, fixed: { USD: 50 }, minFee: { USD: 300 }, maxFee: {} },
      ),
    ).toEqual([
      { field: "bps", before: 2_000, after: 1_500 },
      { field: "fixed.USD", before: null, after: 50 },
      { field: "minFee.EUR", before: 300, after: null },
    ]);
  });

  it("compares a list of numbers whole, and a list of tiers tier by tier", () => {
    const before = pricingWith({});
    const after = pricingWith({ allowedLengths: [30, 60] });
    expect(diffRuleSets(before, after)).toEqual([
      {
        field: "currencies.USD.allowedLengths",
        before: usdLimits.allowedLengths,
        after: [30, 60],
      },
    ]);
    expect(
      diffRuleSets(DEFAULT_REFUND_POLICY_RULE_SET, {
        tiers: [
          { minHoursBefore: 48, refundBps: 10_000 },
          { minHoursBefore: 2, refundBps: 5_000 },
          { minHoursBefore: 0, refundBps: 0 },
        ],
      }),
    ).toEqual([{ field: "tiers.0.minHoursBefore", before: 24, after: 48 }]);
  });

  it("a currency added to pricing shows each of its fields", () => {
    const changes = diffRuleSets(pricingWith({}), {
      currencies: { ...pricingWith({}).currencies, JPY: { ...usdLimits } },
    });
    expect(changes.map((c) => c.field)).toEqual([
      "currencies.JPY.allowedLengths",
      "currencies.JPY.maxHourlyRate",
      "currencies.JPY.maxPassDayRate",
      "currencies.JPY.maxPassDays",
      "currencies.JPY.minHourlyRate",
      "currencies.JPY.minPassDayRate",
    ]);
    expect(changes.every((c) => c.before === null)).toBe(true);
  });
});
