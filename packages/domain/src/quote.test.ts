import { describe, expect, it } from "vitest";
import { DEFAULT_COMMISSION, DEFAULT_PRICING_RULES } from "./rule-sets";
import { moneyOf } from "./money";
import { quoteConsultation } from "./quote";

describe("quoteConsultation", () => {
  it("prices, splits and records the rule versions", () => {
    const result = quoteConsultation({
      hourlyRate: moneyOf(15_000, "USD"),
      durationMinutes: 45,
      pricing: DEFAULT_PRICING_RULES,
      commission: DEFAULT_COMMISSION,
    });
    expect(result).toEqual({
      ok: true,
      value: {
        hourlyRate: { amount: 15_000, currency: "USD" },
        durationMinutes: 45,
        price: { amount: 11_250, currency: "USD" },
        platformFee: { amount: 2_250, currency: "USD" },
        advisorShare: { amount: 9_000, currency: "USD" },
        rules: { pricing: "pricing-default", commission: "commission-default" },
      },
    });
  });

  it("passes pricing errors through", () => {
    const result = quoteConsultation({
      hourlyRate: moneyOf(15_000, "USD"),
      durationMinutes: 50,
      pricing: DEFAULT_PRICING_RULES,
      commission: DEFAULT_COMMISSION,
    });
    expect(!result.ok && result.error.code).toBe("LENGTH_NOT_ALLOWED");
  });

  it("passes commission errors through", () => {
    const result = quoteConsultation({
      hourlyRate: moneyOf(15_000, "USD"),
      durationMinutes: 60,
      pricing: DEFAULT_PRICING_RULES,
      commission: DEFAULT_COMMISSION,
      advisorOverride: { version: "bad", bps: -1 },
    });
    expect(!result.ok && result.error.code).toBe("INVALID_BPS");
  });
});
