import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_PRICING_RULES } from "./rule-sets";
import { moneyOf } from "./money";
import { type PricingRules, priceFor, validateHourlyRate } from "./pricing";

const rules: PricingRules = {
  version: "test-v1",
  limits: {
    USD: { minHourlyRate: 2_000, maxHourlyRate: 100_000, allowedLengths: [15, 30, 45, 60, 90] },
    JPY: { minHourlyRate: 1_000, maxHourlyRate: 100_000, allowedLengths: [20, 30, 60] },
  },
};

describe("priceFor", () => {
  it.each([
    ["an hour at $120", 12_000, "USD", 60, 12_000],
    ["30 min at $120", 12_000, "USD", 30, 6_000],
    ["45 min at $99.99: 7,499.25¢ rounds down", 9_999, "USD", 45, 7_499],
    ["15 min at $20.02: 500.5¢ rounds half up", 2_002, "USD", 15, 501],
    ["90 min at $33.33", 3_333, "USD", 90, 5_000],
    ["20 min at ¥1,001: 333.67 yen rounds to 334", 1_001, "JPY", 20, 334],
  ] as const)("%s", (_name, rate, currency, minutes, expected) => {
    const result = priceFor(moneyOf(rate, currency), minutes, rules);
    expect(result).toEqual({ ok: true, value: { amount: expected, currency } });
  });

  it.each([
    [
      "a rate below the minimum",
      1_999,
      "USD",
      60,
      "RATE_BELOW_MINIMUM",
      /between \$20\.00 to \$1,000\.00/,
    ],
    ["a rate above the maximum", 100_001, "USD", 60, "RATE_ABOVE_MAXIMUM", /\$1,000\.00/],
    [
      "a length not offered",
      5_000,
      "USD",
      50,
      "LENGTH_NOT_ALLOWED",
      /15, 30, 45, 60, 90 minutes, not 50/,
    ],
    ["a currency not offered", 5_000, "EUR", 60, "CURRENCY_NOT_OFFERED", /EUR/],
    ["a negative rate", -5_000, "USD", 60, "NEGATIVE_AMOUNT", /negative/],
    ["a fractional rate", 5_000.5, "USD", 60, "NOT_AN_INTEGER", /whole number/],
  ] as const)("refuses %s, naming the problem", (_name, rate, currency, minutes, code, message) => {
    const result = priceFor({ amount: rate, currency }, minutes, rules);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(code);
      expect(result.error.message).toMatch(message);
    }
  });

  it("errors carry the limits so callers can show them in any language", () => {
    const result = validateHourlyRate(moneyOf(1, "USD"), DEFAULT_PRICING_RULES);
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: "RATE_BELOW_MINIMUM",
        minimum: { amount: 2_000, currency: "USD" },
        maximum: { amount: 100_000, currency: "USD" },
      },
    });
  });

  it("is within half a minor unit of the exact price, for every valid rate and length", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2_000, max: 100_000 }),
        fc.constantFrom(15, 30, 45, 60, 90),
        (rate, minutes) => {
          const result = priceFor(moneyOf(rate, "USD"), minutes, rules);
          if (!result.ok) throw new Error(result.error.message);
          expect(Math.abs(result.value.amount - (rate * minutes) / 60)).toBeLessThanOrEqual(0.5);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
