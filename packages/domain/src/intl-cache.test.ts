import { describe, expect, it } from "vitest";
import { dateTimeFormat, numberFormat } from "./intl-cache";

describe("shared Intl formatters", () => {
  it("builds one formatter per locale and options, and formats as a new one would", () => {
    const options: Intl.DateTimeFormatOptions = { dateStyle: "long", timeZone: "Asia/Tokyo" };
    const a = dateTimeFormat("de", options);
    expect(dateTimeFormat("de", { ...options })).toBe(a);
    expect(dateTimeFormat("fr", options)).not.toBe(a);
    expect(dateTimeFormat("de", { ...options, timeZone: "UTC" })).not.toBe(a);
    const at = new Date("2026-12-31T20:00:00Z");
    expect(a.format(at)).toBe(new Intl.DateTimeFormat("de", options).format(at));
    expect(numberFormat("ar-EG", { style: "unit", unit: "day" }).format(3)).toBe(
      new Intl.NumberFormat("ar-EG", { style: "unit", unit: "day" }).format(3),
    );
  });

  it("throws for what the constructor refuses, and caches nothing for it", () => {
    expect(() => dateTimeFormat("en", { timeZone: "Mars/Olympus" })).toThrow(RangeError);
    expect(() => dateTimeFormat("en", { timeZone: "Mars/Olympus" })).toThrow(RangeError);
  });
});
