import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatMajorUnits, parseMajorAmount, parseMajorUnits, toMajorString } from "./major-amount";
import { CURRENCIES, CURRENCY_CODES } from "./money";

const value = <T>(r: { ok: true; value: T } | { ok: false; error: unknown }): T => {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error)}`);
  return r.value;
};
const code = (r: { ok: true } | { ok: false; error: { code: string } }) =>
  r.ok ? "ok" : r.error.code;

describe("parseMajorAmount", () => {
  it.each([
    ["20.00", "USD", 2000],
    ["20", "USD", 2000],
    ["20.5", "USD", 2050],
    ["0.29", "USD", 29],
    [" 1234.56 ", "EUR", 123456],
    [".5", "USD", 50],
    ["2000", "JPY", 2000],
    ["2000.", "JPY", 2000],
    ["2000.00", "JPY", 2000],
    ["0", "JPY", 0],
    ["٢٠٫٥", "USD", 2050],
  ])("reads %j %s as %d minor units", (text, currency, minor) => {
    expect(value(parseMajorAmount(text, currency))).toBe(minor);
  });

  it("reads three decimals for a three-decimal currency (KWD's exponent)", () => {
    expect(value(parseMajorUnits("1.500", 3))).toBe(1500);
    expect(value(parseMajorUnits("1.5", 3))).toBe(1500);
    expect(value(parseMajorUnits("0.001", 3))).toBe(1);
    expect(code(parseMajorUnits("0.0001", 3))).toBe("too_many_decimals");
  });

  it.each([
    ["20.001", "USD", "too_many_decimals"],
    ["20.5", "JPY", "too_many_decimals"],
    ["-5", "USD", "negative"],
    ["-0.5", "USD", "negative"],
    ["", "USD", "empty"],
    ["   ", "USD", "empty"],
    ["abc", "USD", "not_a_number"],
    ["12abc", "USD", "not_a_number"],
    ["1,000", "USD", "not_a_number"],
    ["1e3", "USD", "not_a_number"],
    ["1.2.3", "USD", "not_a_number"],
    [".", "USD", "not_a_number"],
    ["+5", "USD", "not_a_number"],
    ["99999999999999999", "USD", "too_large"],
    ["10", "XYZ", "unknown_currency"],
  ])("refuses %j %s: %s", (text, currency, expected) => {
    expect(code(parseMajorAmount(text, currency))).toBe(expected);
  });

  it("names the decimals allowed, so the message can say them", () => {
    const result = parseMajorAmount("1.5", "JPY");
    expect(result).toEqual({ ok: false, error: { code: "too_many_decimals", exponent: 0 } });
  });
});

describe("toMajorString", () => {
  it.each([
    [2000, "USD", "20.00"],
    [5, "USD", "0.05"],
    [0, "EUR", "0.00"],
    [2000, "JPY", "2000"],
  ])("shows %d %s as %j", (minor, currency, text) => {
    expect(toMajorString(minor, currency)).toBe(text);
  });

  it("shows exactly the exponent's decimals (KWD's 3)", () => {
    expect(formatMajorUnits(1500, 3)).toBe("1.500");
    expect(formatMajorUnits(7, 3)).toBe("0.007");
    expect(formatMajorUnits(-1250, 2)).toBe("-12.50");
  });

  it("refuses a fraction of a minor unit and an unknown currency", () => {
    expect(() => toMajorString(10.5, "USD")).toThrow(RangeError);
    expect(() => toMajorString(10, "XYZ")).toThrow(RangeError);
  });

  it("round-trips every amount in every currency, with the currency's own decimals", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CURRENCY_CODES),
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        (currency, minor) => {
          const text = toMajorString(minor, currency);
          const exponent = CURRENCIES[currency].exponent;
          expect(text.split(".")[1]?.length ?? 0).toBe(exponent);
          expect(value(parseMajorAmount(text, currency))).toBe(minor);
        },
      ),
    );
  });
});
