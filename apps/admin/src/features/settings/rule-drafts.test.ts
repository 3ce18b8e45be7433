import {
  DEFAULT_COMMISSION_RULE_SET,
  DEFAULT_PAYOUT_RULE_SET,
  DEFAULT_PRICING_RULE_SET,
  DEFAULT_REFUND_POLICY_RULE_SET,
  translator,
  validatePlatformRules,
} from "@an/domain";
import { describe, expect, it } from "vitest";
import {
  commissionDraftOf,
  commissionRulesFrom,
  emptyPricingRow,
  payoutDraftOf,
  payoutRulesFrom,
  percentText,
  pricingDraftOf,
  pricingRulesFrom,
  refundDraftOf,
  refundRulesFrom,
} from "./rule-drafts";
import { fieldLabel, formatRuleValue } from "./rule-values";

describe("the settings forms", () => {
  it("give back the rules in force unchanged when nothing is edited", () => {
    const offered = Object.keys(DEFAULT_PRICING_RULE_SET.currencies);
    expect(pricingRulesFrom(pricingDraftOf(DEFAULT_PRICING_RULE_SET)).rules).toEqual(
      DEFAULT_PRICING_RULE_SET,
    );
    expect(
      commissionRulesFrom(commissionDraftOf(DEFAULT_COMMISSION_RULE_SET, offered)).rules,
    ).toEqual(DEFAULT_COMMISSION_RULE_SET);
    expect(refundRulesFrom(refundDraftOf(DEFAULT_REFUND_POLICY_RULE_SET)).rules).toEqual(
      DEFAULT_REFUND_POLICY_RULE_SET,
    );
    expect(payoutRulesFrom(payoutDraftOf(DEFAULT_PAYOUT_RULE_SET, offered)).rules).toEqual(
      DEFAULT_PAYOUT_RULE_SET,
    );
  });

  it("show amounts in major units with each currency's decimals", () => {
    const rows = pricingDraftOf({
      currencies: {
        JPY: {
          minHourlyRate: 2000,
          maxHourlyRate: 50000,
          allowedLengths: [30, 60],
          minPassDayRate: 1000,
          maxPassDayRate: 20000,
          maxPassDays: 14,
        },
        USD: DEFAULT_PRICING_RULE_SET.currencies.USD!,
      },
    });
    expect(rows.map((r) => [r.currency, r.minHourlyRate, r.allowedLengths])).toEqual([
      ["JPY", "2000", "30, 60"],
      ["USD", "20.00", "15, 30, 45, 60, 90, 120"],
    ]);
  });

  it("read a new currency's typed limits into minor units", () => {
    const row = {
      ...emptyPricingRow("JPY"),
      minHourlyRate: "2000",
      maxHourlyRate: "50000",
      allowedLengths: "30 60،90",
      minPassDayRate: "1000",
      maxPassDayRate: "20000",
      maxPassDays: "14",
    };
    const built = pricingRulesFrom([row]);
    expect(built.problems).toEqual({});
    expect(built.rules?.currencies.JPY).toEqual({
      minHourlyRate: 2000,
      maxHourlyRate: 50000,
      allowedLengths: [30, 60, 90],
      minPassDayRate: 1000,
      maxPassDayRate: 20000,
      maxPassDays: 14,
    });
    expect(validatePlatformRules("pricing", built.rules).ok).toBe(true);
  });

  it("name each field that can't be read, and make no rules while any is left", () => {
    const built = pricingRulesFrom([
      { ...emptyPricingRow("JPY"), minHourlyRate: "20.5", maxHourlyRate: "-1", maxPassDays: "1.5" },
    ]);
    expect(built.rules).toBeNull();
    expect(built.problems).toEqual({
      "JPY.minHourlyRate": { code: "too_many_decimals", exponent: 0 },
      "JPY.maxHourlyRate": { code: "negative", exponent: 0 },
      "JPY.minPassDayRate": { code: "empty", exponent: 0 },
      "JPY.maxPassDayRate": { code: "empty", exponent: 0 },
      "JPY.maxPassDays": { code: "not_whole" },
    });
  });

  it("read the commission as a percentage with up to 2 decimals, and empty fees as none", () => {
    const draft = commissionDraftOf(DEFAULT_COMMISSION_RULE_SET, ["USD"]);
    expect(draft.percent).toBe("20");
    const fees = draft.fees.map((row) =>
      row.currency === "USD" ? { ...row, fixed: "0.30", minFee: "" } : row,
    );
    const built = commissionRulesFrom({ percent: "12.75", fees });
    expect(built.rules?.bps).toBe(1275);
    expect(built.rules?.fixed).toEqual({ USD: 30 });
    expect(built.rules?.minFee.USD).toBeUndefined();
    expect(commissionRulesFrom({ percent: "12.755", fees }).problems).toEqual({
      percent: { code: "too_many_decimals", exponent: 2 },
    });
    expect(percentText(1250)).toBe("12.5");
    expect(percentText(0)).toBe("0");
  });

  it("read refund tiers with fractional hours and payout minimums per currency", () => {
    expect(
      refundRulesFrom([
        { hoursBefore: "0.5", refundPercent: "50" },
        { hoursBefore: "0", refundPercent: "0" },
      ]).rules,
    ).toEqual({
      tiers: [
        { minHoursBefore: 0.5, refundBps: 5000 },
        { minHoursBefore: 0, refundBps: 0 },
      ],
    });
    const payouts = payoutRulesFrom({
      holdWindowHours: "72",
      minimums: [
        { currency: "JPY", amount: "3000" },
        { currency: "USD", amount: "" },
      ],
    });
    expect(payouts.rules).toEqual({ holdWindowHours: 72, minimumPayout: { JPY: 3000 } });
  });
});

describe("rule values as people read them", () => {
  const t = translator("en");
  it("label fields and format amounts, percentages and durations", () => {
    expect(fieldLabel("currencies.JPY.minHourlyRate", t)).toBe("JPY · Minimum hourly rate");
    expect(fieldLabel("tiers.1.refundBps", t)).toBe("Tier 2 · Refund");
    expect(fieldLabel("minFee.USD", t)).toBe("USD · Minimum fee");
    expect(formatRuleValue("bps", 2000, t, "en")).toBe("20% (2,000 bp)");
    expect(formatRuleValue("currencies.JPY.minHourlyRate", 2000, t, "en")).toBe("¥2,000");
    expect(formatRuleValue("minimumPayout.USD", 2050, t, "en")).toBe("$20.50");
    expect(formatRuleValue("currencies.USD.allowedLengths", [30, 60], t, "en")).toBe(
      "30 min, 60 min",
    );
    expect(formatRuleValue("holdWindowHours", 48, t, "en")).toBe("48 hr");
    expect(formatRuleValue("currencies.JPY.minHourlyRate", null, t, "en")).toBe("—");
  });
});
