import { describe, expect, it } from "vitest";
import { currencyExponent, toMajorUnits, toMinorUnits } from "../components/money-input";
import { formatDateTime, formatDuration, formatMoney, formatNumber } from "./format";

/** ICU separates a number from its unit with a (narrow) no-break space; read it as a space. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

describe("formatDuration", () => {
  it.each([
    [null, "—"],
    [0, "0 sec"],
    [59, "59 sec"],
    [60, "1 min"],
    [3_599, "59 min"],
    [3_600, "1 hr"],
    [7_500, "2 hr 5 min"],
  ] as const)("%s seconds read as %s in English", (seconds, expected) => {
    expect(plain(formatDuration(seconds, "en"))).toBe(expected);
  });

  it("speaks the operator's language", () => {
    expect(plain(formatDuration(7_500, "de"))).toBe("2 Std., 5 Min.");
    expect(plain(formatDuration(7_500, "fr"))).toBe("2 h 5 min");
  });
});

describe("formatMoney", () => {
  it("shows each currency's own decimals, Stripe's way", () => {
    expect(formatMoney(150_000, "JPY", "en")).toBe("¥150,000");
    expect(plain(formatMoney(1_234_567, "KWD", "en"))).toBe("KWD 1,234.567");
    expect(plain(formatMoney(1_234_567, "KWD", "de"))).toBe("1.234,567 KWD");
    expect(formatMoney(11_000, "EUR", "en")).toBe("€110.00");
    // CLDR shows krónur without decimals; Stripe counts hundredths, and so do we.
    expect(plain(formatMoney(123_450, "ISK", "en"))).toBe("ISK 1,234.50");
  });

  it("still formats a code it doesn't know, and says when it can't", () => {
    expect(formatMoney(1_000, "XAU", "en")).toMatch(/XAU/);
    expect(formatMoney(5, "??", "en")).toBe("5 ??");
    expect(formatMoney(null, "USD", "en")).toBe("—");
  });
});

describe("money input units", () => {
  it("converts typed major units to minor units with the currency's exponent", () => {
    expect(currencyExponent("JPY")).toBe(0);
    expect(currencyExponent("KWD")).toBe(3);
    expect(currencyExponent("ISK")).toBe(2);
    expect(toMinorUnits(1.5, "KWD")).toBe(1_500);
    expect(toMinorUnits(1_500, "JPY")).toBe(1_500);
    expect(toMinorUnits(12.34, "EUR")).toBe(1_234);
    expect(toMajorUnits(1_234_567, "KWD")).toBe(1_234.567);
  });
});

describe("formatDateTime", () => {
  const instant = "2026-12-02T08:30:00.000Z";

  it("shows the time in the given zone, with the zone named", () => {
    expect(plain(formatDateTime(instant, "en", "Asia/Dubai"))).toBe("Dec 2, 2026, 12:30 PM GMT+4");
    expect(plain(formatDateTime(instant, "en", "UTC"))).toBe("Dec 2, 2026, 8:30 AM UTC");
  });

  it("uses the digits the locale prescribes", () => {
    // Egypt and Saudi Arabia write Arabic-Indic digits; the Emirates and plain ar, Latin.
    expect(formatDateTime(instant, "ar-EG", "UTC")).toMatch(/[٠-٩]/);
    expect(formatDateTime(instant, "ar-SA", "UTC")).toMatch(/[٠-٩]/);
    expect(formatDateTime(instant, "ar-AE", "UTC")).not.toMatch(/[٠-٩]/);
    expect(formatNumber(1234, "ar-EG")).toBe("١٬٢٣٤");
    expect(formatNumber(1234, "fr-MA")).toMatch(/^1.234$/);
  });

  it("falls back to UTC for a zone the browser doesn't know, and to a dash for nothing", () => {
    expect(plain(formatDateTime(instant, "en", "Mars/Olympus"))).toBe("Dec 2, 2026, 8:30 AM UTC");
    expect(formatDateTime(null, "en")).toBe("—");
  });
});
