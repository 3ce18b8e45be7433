import { describe, expect, it } from "vitest";
import { auditFields, isMoneyField } from "./audit-diff";

/** ICU separates a number from its currency with a (narrow) no-break space; read it as a space. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");
const shown = (value: unknown, locale: "en" | "ar-EG" = "en") =>
  auditFields(value, locale)?.map((f) => [f.path.join("."), plain(f.text), f.kind]);

describe("isMoneyField", () => {
  it.each([
    ["amountMinor", true],
    ["amount", true],
    ["refundAmount", true],
    ["fee", true],
    ["platformFee", true],
    ["price", true],
    ["advisorShare", true],
    ["hourlyRate", true],
    ["minPassDayRate", true],
    ["status", false],
    ["refundBps", false],
    ["attempts", false],
    ["stripePriceId", false],
  ])("%s is money: %s", (key, expected) => {
    expect(isMoneyField(key)).toBe(expected);
  });
});

describe("auditFields", () => {
  it("is null when nothing was recorded", () => {
    expect(auditFields(null, "en")).toBeNull();
    expect(auditFields(undefined, "en")).toBeNull();
  });

  it("formats amounts with the currency beside them, never as raw minor units", () => {
    expect(shown({ amountMinor: 15000, currency: "USD", status: "paid" })).toEqual([
      ["amountMinor", "$150.00", "money"],
      ["currency", "USD", "text"],
      ["status", "paid", "text"],
    ]);
  });

  it("uses the currency of an enclosing object (a consultation's refundable parts)", () => {
    expect(
      shown({
        status: "completed",
        currency: "KWD",
        refundable: { price: 1500, platformFee: 300, advisorShare: 1200 },
      }),
    ).toEqual([
      ["status", "completed", "text"],
      ["currency", "KWD", "text"],
      ["refundable.price", "KWD 1.500", "money"],
      ["refundable.platformFee", "KWD 0.300", "money"],
      ["refundable.advisorShare", "KWD 1.200", "money"],
    ]);
  });

  it("reads a currency-code key as the currency of what it holds", () => {
    expect(shown({ minimumPayout: { JPY: 2000 }, USD: { minFee: 50 } })).toEqual([
      ["minimumPayout.JPY", "¥2,000", "money"],
      ["USD.minFee", "$0.50", "money"],
    ]);
  });

  it("leaves an amount without a currency in sight as the number stored", () => {
    expect(shown({ amountMinor: 15000 })).toEqual([["amountMinor", "15000", "json"]]);
  });

  it("shows other values as JSON and a bare value with an empty path", () => {
    expect(shown({ held: true, ids: ["a", "b"], at: null })).toEqual([
      ["held", "true", "json"],
      ["ids", '["a","b"]', "json"],
      ["at", "null", "json"],
    ]);
    expect(shown("approved")).toEqual([["", "approved", "text"]]);
  });

  it("writes amounts in the locale's digits", () => {
    const [field] = auditFields({ fee: 15000, currency: "USD" }, "ar-EG") ?? [];
    expect(field?.text).toMatch(/١٥٠/);
  });
});
