import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SUPPORTED_LOCALES } from "./locale";
import {
  add,
  allocate,
  allocateBps,
  compare,
  CURRENCIES,
  CURRENCY_CODES,
  currencyExponent,
  equals,
  formatMoney,
  isZero,
  money,
  moneyOf,
  mulDiv,
  negate,
  subtract,
  sum,
  toDecimalString,
} from "./money";

const usd = (n: number) => moneyOf(n, "USD");
const valueOf = <T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T => {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error)}`);
  return r.value;
};

describe("money()", () => {
  it.each([
    ["a fraction of a minor unit", 10.5, "USD", "NOT_AN_INTEGER"],
    ["NaN", Number.NaN, "USD", "NOT_AN_INTEGER"],
    ["Infinity", Number.POSITIVE_INFINITY, "USD", "NOT_AN_INTEGER"],
    ["a negative amount", -1, "USD", "NEGATIVE_AMOUNT"],
    ["an amount beyond exact integers", 2 ** 60, "USD", "UNSAFE_AMOUNT"],
    ["an unknown currency", 100, "XYZ", "UNKNOWN_CURRENCY"],
    ["a lower-case code", 100, "usd", "UNKNOWN_CURRENCY"],
  ])("refuses %s", (_name, amount, currency, code) => {
    const result = money(amount, currency);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(code);
      expect(result.error.message.length).toBeGreaterThan(10);
    }
  });

  it("accepts whole minor units in every listed currency, and negatives when asked", () => {
    for (const c of CURRENCY_CODES)
      expect(valueOf(money(0, c))).toEqual({ amount: 0, currency: c });
    expect(valueOf(money(-5, "USD", { allowNegative: true })).amount).toBe(-5);
    expect(() => moneyOf(1.5, "USD")).toThrow(RangeError);
  });
});

describe("arithmetic", () => {
  it("adds, subtracts, sums and compares within one currency", () => {
    expect(valueOf(add(usd(150), usd(75)))).toEqual(usd(225));
    expect(valueOf(subtract(usd(150), usd(200)))).toEqual(usd(-50));
    expect(valueOf(sum([usd(1), usd(2), usd(3)], "USD"))).toEqual(usd(6));
    expect(valueOf(sum([], "JPY"))).toEqual(moneyOf(0, "JPY"));
    expect(valueOf(compare(usd(1), usd(2)))).toBe(-1);
    expect(valueOf(compare(usd(2), usd(2)))).toBe(0);
    expect(valueOf(compare(usd(3), usd(2)))).toBe(1);
    expect(negate(usd(5))).toEqual(usd(-5));
    expect(negate(usd(0))).toEqual(usd(0));
    expect(isZero(usd(0))).toBe(true);
    expect(equals(usd(1), moneyOf(1, "EUR"))).toBe(false);
  });

  it.each([
    ["add", () => add(usd(1), moneyOf(1, "EUR"))],
    ["subtract", () => subtract(usd(1), moneyOf(1, "JPY"))],
    ["sum", () => sum([usd(1), moneyOf(1, "GBP")], "USD")],
    ["compare", () => compare(usd(1), moneyOf(1, "AED"))],
  ])("%s refuses mixed currencies", (_name, run) => {
    const result = run();
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe("CURRENCY_MISMATCH");
  });

  it("refuses a result beyond exact integers instead of losing precision", () => {
    const result = add(usd(Number.MAX_SAFE_INTEGER), usd(1));
    expect(!result.ok && result.error.code).toBe("UNSAFE_AMOUNT");
  });
});

describe("mulDiv", () => {
  it.each([
    [5, 1, 2, "half_up", 3],
    [-5, 1, 2, "half_up", -3],
    [4, 1, 3, "half_up", 1],
    [5, 1, 3, "half_up", 2],
    [5, 1, 2, "floor", 2],
    [-5, 1, 2, "floor", -3],
    [5, 1, 2, "ceil", 3],
    [-5, 1, 2, "ceil", -2],
    [6, 1, 2, "floor", 3],
    [Number.MAX_SAFE_INTEGER, 10_000, 10_000, "half_up", Number.MAX_SAFE_INTEGER],
  ] as const)("%i × %i / %i (%s) = %i", (amount, num, den, mode, expected) => {
    expect(mulDiv(amount, num, den, mode)).toBe(expected);
  });

  it("rejects a non-positive denominator", () => {
    expect(() => mulDiv(1, 1, 0, "floor")).toThrow(RangeError);
  });
});

describe("allocate", () => {
  it.each([
    ["100 three ways", 100, [1, 1, 1], [34, 33, 33]],
    ["5 by 70/30", 5, [70, 30], [4, 1]],
    ["1 by 1/1", 1, [1, 1], [1, 0]],
    ["zero weight gets nothing", 10, [0, 1, 1], [0, 5, 5]],
    ["a negative total", -100, [1, 1, 1], [-34, -33, -33]],
    ["zero", 0, [3, 7], [0, 0]],
  ])("%s", (_name, total, ratios, expected) => {
    expect(valueOf(allocate(usd(total), ratios)).map((m) => m.amount)).toEqual(expected);
  });

  it.each([
    ["no ratios", []],
    ["all zero", [0, 0]],
    ["a negative ratio", [1, -1]],
    ["a fractional ratio", [0.5, 0.5]],
  ])("refuses %s", (_name, ratios) => {
    const result = allocate(usd(100), ratios);
    expect(!result.ok && result.error.code).toBe("INVALID_ALLOCATION");
  });

  it("by basis points must cover exactly 100 %", () => {
    expect(valueOf(allocateBps(usd(1001), [2000, 8000])).map((m) => m.amount)).toEqual([200, 801]);
    expect(allocateBps(usd(100), [2000, 7000]).ok).toBe(false);
  });

  it("never loses or creates a minor unit, and no part strays more than one unit from its exact share", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 1e12 }),
        fc
          .array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 12 })
          .filter((r) => r.some((x) => x > 0)),
        (total, ratios) => {
          const parts = valueOf(allocate(usd(total), ratios));
          expect(parts.reduce((a, p) => a + p.amount, 0)).toBe(total);
          const weight = ratios.reduce((a, b) => a + b, 0);
          parts.forEach((p, i) => {
            expect(Math.abs(p.amount - (total * (ratios[i] ?? 0)) / weight)).toBeLessThan(1 + 1e-6);
          });
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe("formatMoney", () => {
  // Stable CLDR facts per locale: numbering system and decimal separator.
  const expectations: Record<string, { digits: RegExp; decimal: string }> = {
    en: { digits: /1,234\.50/, decimal: "." },
    ar: { digits: /1,234\.50/, decimal: "." },
    "ar-EG": { digits: /١٬٢٣٤٫٥٠/, decimal: "٫" },
    "ar-SA": { digits: /١٬٢٣٤٫٥٠/, decimal: "٫" },
    "ar-AE": { digits: /1,234\.50/, decimal: "." },
    fr: { digits: /1\s234,50/u, decimal: "," },
    "fr-MA": { digits: /1\.?234,50/, decimal: "," },
    es: { digits: /1\.?234,50/, decimal: "," },
    de: { digits: /1\.234,50/, decimal: "," },
  };

  it.each(SUPPORTED_LOCALES)(
    "formats USD for %s with its digits, separators and a currency sign",
    (locale) => {
      const text = formatMoney(usd(123_450), locale);
      const rule = expectations[locale]!;
      expect(text).toMatch(rule.digits);
      expect(text).toMatch(/\$|US\$|USD/);
    },
  );

  it("keeps the currency whole in right-to-left text: isolated, so US$ never reads $US", () => {
    expect(formatMoney(usd(15_000), "ar")).toContain("\u2068US$\u2069");
    expect(formatMoney(usd(15_000), "ar-EG")).toContain("\u2068US$\u2069");
    expect(formatMoney(usd(15_000), "en")).toBe("$150.00");
    expect(formatMoney(usd(15_000), "fr")).not.toMatch(/[\u2068\u2069]/);
  });

  it.each(SUPPORTED_LOCALES)("formats zero-decimal JPY for %s without a fraction", (locale) => {
    const text = formatMoney(moneyOf(1234, "JPY"), locale);
    expect(text).not.toContain(expectations[locale]!.decimal + "00");
    expect(text.replace(/[^0-9٠-٩]/g, "")).toMatch(/^(1234|١٢٣٤)$/);
  });

  it.each(SUPPORTED_LOCALES)("formats three-decimal KWD for %s with three decimals", (locale) => {
    const text = formatMoney(moneyOf(1_234_567, "KWD"), locale);
    const rule = expectations[locale]!;
    expect(text).toContain(`${rule.decimal}${/[٠-٩]/.test(text) ? "٥٦٧" : "567"}`);
    expect(text.replace(/[^0-9٠-٩]/g, "")).toMatch(/^(1234567|١٢٣٤٥٦٧)$/);
  });

  it("keeps every digit of amounts too large for a float division", () => {
    expect(formatMoney(moneyOf(Number.MAX_SAFE_INTEGER, "USD"), "en")).toBe(
      "$90,071,992,547,409.91",
    );
    expect(formatMoney(moneyOf(-5, "KWD"), "en")).toMatch(/-KWD\s?0\.005/);
  });
});

describe("currencies", () => {
  it("uses Stripe's exponents: zero-decimal, three-decimal, and two for the rest", () => {
    const zero = ["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX"];
    for (const c of [...zero, "VND", "VUV", "XAF", "XOF", "XPF"]) {
      expect(CURRENCIES[c as keyof typeof CURRENCIES].exponent).toBe(0);
    }
    for (const c of ["BHD", "JOD", "KWD", "OMR", "TND"] as const)
      expect(currencyExponent(c)).toBe(3);
    // Stripe counts these in hundredths although CLDR shows some without decimals.
    for (const c of ["USD", "EUR", "ISK", "HUF", "TWD", "EGP", "MAD"] as const) {
      expect(currencyExponent(c)).toBe(2);
    }
    expect(CURRENCY_CODES.filter((c) => currencyExponent(c) === 0)).toHaveLength(16);
    expect(CURRENCY_CODES.length).toBeGreaterThan(130);
  });

  it("lists only well-formed codes Intl knows how to format", () => {
    for (const c of CURRENCY_CODES) {
      expect(c).toMatch(/^[A-Z]{3}$/);
      expect(() => formatMoney(moneyOf(1, c), "en")).not.toThrow();
    }
  });

  it("writes minor units as exact decimals in major units", () => {
    expect(toDecimalString(moneyOf(1_234_567, "KWD"))).toBe("1234.567");
    expect(toDecimalString(moneyOf(5, "KWD"))).toBe("0.005");
    expect(toDecimalString(moneyOf(-105, "USD"))).toBe("-1.05");
    expect(toDecimalString(moneyOf(1500, "JPY"))).toBe("1500");
    fc.assert(
      fc.property(
        fc.constantFrom(...CURRENCY_CODES),
        fc.integer({ min: -1e15, max: 1e15 }),
        (c, amount) => {
          const text = toDecimalString(moneyOf(amount, c));
          // Dropping the point gives back the minor units.
          expect(BigInt(text.replace(".", ""))).toBe(BigInt(amount));
          expect(text.split(".")[1]?.length ?? 0).toBe(currencyExponent(c));
        },
      ),
    );
  });
});
