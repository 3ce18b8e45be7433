import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_COMMISSION } from "./rule-sets";
import { type CommissionTerms, splitFee, validateCommission } from "./commission";
import { moneyOf } from "./money";

const usd = (n: number) => moneyOf(n, "USD");
const fee = (price: number, terms: CommissionTerms, override?: CommissionTerms) => {
  const result = splitFee(usd(price), terms, override);
  if (!result.ok) throw new Error(result.error.message);
  return [
    result.value.platformFee.amount,
    result.value.advisorShare.amount,
    result.value.commissionVersion,
  ];
};

describe("splitFee", () => {
  const base: CommissionTerms = { version: "c1", bps: 2_000 };
  it.each([
    ["20 % of $100", 10_000, base, [2_000, 8_000, "c1"]],
    ["20 % of $0.03 rounds half up", 3, base, [1, 2, "c1"]],
    ["20 % + $0.30 fixed", 10_000, { ...base, fixed: { USD: 30 } }, [2_030, 7_970, "c1"]],
    ["raised to the minimum", 1_000, { ...base, minFee: { USD: 300 } }, [300, 700, "c1"]],
    ["lowered to the maximum", 100_000, { ...base, maxFee: { USD: 5_000 } }, [5_000, 95_000, "c1"]],
    [
      "never above the price, even with a minimum",
      200,
      { ...base, minFee: { USD: 300 } },
      [200, 0, "c1"],
    ],
    [
      "bounds for other currencies don't apply",
      1_000,
      { ...base, minFee: { EUR: 300 } },
      [200, 800, "c1"],
    ],
    ["0 %", 10_000, { version: "free", bps: 0 }, [0, 10_000, "free"]],
    ["100 %", 10_000, { version: "all", bps: 10_000 }, [10_000, 0, "all"]],
  ] as const)("%s", (_name, price, terms, expected) => {
    expect(fee(price, terms)).toEqual(expected);
  });

  it("an advisor's override replaces the platform terms and is recorded", () => {
    expect(fee(10_000, DEFAULT_COMMISSION, { version: "override:amira:v1", bps: 1_000 })).toEqual([
      1_000,
      9_000,
      "override:amira:v1",
    ]);
  });

  it.each([
    ["bps above 100 %", { version: "x", bps: 10_001 }, "INVALID_BPS"],
    ["fractional bps", { version: "x", bps: 12.5 }, "INVALID_BPS"],
    ["a negative fixed part", { version: "x", bps: 0, fixed: { USD: -1 } }, "INVALID_FEE_BOUND"],
    [
      "min above max",
      { version: "x", bps: 0, minFee: { USD: 500 }, maxFee: { USD: 100 } },
      "MIN_ABOVE_MAX",
    ],
  ] as const)("refuses %s", (_name, terms, code) => {
    const result = validateCommission(terms);
    expect(!result.ok && result.error.code).toBe(code);
    expect(splitFee(usd(100), terms).ok).toBe(false);
  });

  it("refuses a negative or fractional price", () => {
    expect(!splitFee(usd(-1), DEFAULT_COMMISSION).ok).toBe(true);
    expect(!splitFee({ amount: 1.5, currency: "USD" }, DEFAULT_COMMISSION).ok).toBe(true);
  });

  it("fee + share = price exactly and 0 ≤ fee ≤ price, for any price and terms", () => {
    const bound = fc.option(fc.integer({ min: 0, max: 50_000 }), { nil: undefined });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        bound,
        bound,
        bound,
        (price, bps, fixed, a, b) => {
          const [min, max] = a !== undefined && b !== undefined && a > b ? [b, a] : [a, b];
          const terms: CommissionTerms = {
            version: "p",
            bps,
            ...(fixed !== undefined ? { fixed: { USD: fixed } } : {}),
            ...(min !== undefined ? { minFee: { USD: min } } : {}),
            ...(max !== undefined ? { maxFee: { USD: max } } : {}),
          };
          const result = splitFee(usd(price), terms);
          if (!result.ok) throw new Error(result.error.message);
          const { platformFee, advisorShare } = result.value;
          expect(platformFee.amount + advisorShare.amount).toBe(price);
          expect(platformFee.amount).toBeGreaterThanOrEqual(0);
          expect(platformFee.amount).toBeLessThanOrEqual(price);
          expect(Number.isInteger(platformFee.amount)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
