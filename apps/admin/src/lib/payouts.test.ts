import { translator } from "@an/domain";
import { describe, expect, it } from "vitest";
import { mirrorX, niceStep } from "../features/finance/daily-chart";
import { addDays, dayStartUtc, describeSchedule, utcDay } from "./payouts";

describe("UTC day helpers", () => {
  it.each([
    ["2026-03-01", 1, "2026-03-02"],
    ["2026-02-28", 1, "2026-03-01"],
    ["2024-02-28", 1, "2024-02-29"],
    ["2026-01-01", -1, "2025-12-31"],
    ["2026-03-29", 1, "2026-03-30"],
  ])("%s plus %i day(s) is %s", (day, days, expected) => {
    expect(addDays(day, days)).toBe(expected);
  });

  it("reads a date input as the UTC midnight of that day, and back", () => {
    expect(dayStartUtc("2026-07-04").toISOString()).toBe("2026-07-04T00:00:00.000Z");
    expect(utcDay(new Date("2026-07-04T23:59:59.999Z"))).toBe("2026-07-04");
  });
});

describe("describeSchedule", () => {
  const base = { weekday: 3, dayOfMonth: 15, anchorDate: null, runAt: "09:30" };
  it.each([
    [{ ...base, cadence: "weekly" as const }, "Weekly on Wednesday at 09:30"],
    [{ ...base, cadence: "monthly" as const }, "Monthly on day 15 at 09:30"],
    [{ ...base, cadence: "biweekly" as const }, "Every other week at 09:30"],
    [
      { ...base, cadence: "biweekly" as const, anchorDate: "2026-01-05" },
      "Every other week from Jan 5, 2026 at 09:30",
    ],
  ])("%o reads %s", (schedule, expected) => {
    expect(describeSchedule(schedule, translator("en"), "en")).toBe(expected);
  });

  it("reads in the viewer's language and digits", () => {
    const schedule = { ...base, cadence: "monthly" as const };
    expect(describeSchedule(schedule, translator("de"), "de")).toBe("Monatlich am 15. um 09:30");
    const weekly = { ...base, cadence: "weekly" as const };
    expect(describeSchedule(weekly, translator("ar-EG"), "ar-EG")).toBe(
      "أسبوعيًا يوم الأربعاء الساعة ٠٩:٣٠",
    );
  });
});

describe("niceStep", () => {
  it.each([
    [0, 1],
    [4, 1],
    [12_000, 5_000],
    [15_000, 5_000],
    [9_000, 5_000],
    [7_999, 2_000],
    [100, 50],
  ])("a maximum of %i gets steps of %i", (max, step) => {
    expect(niceStep(max)).toBe(step);
  });

  it("covers the maximum in at most four or five round steps", () => {
    for (const max of [1, 7, 99, 101, 12_345, 987_654_321]) {
      const step = niceStep(max);
      expect(Math.ceil(max / step)).toBeLessThanOrEqual(5);
      expect(Number((step / 10 ** Math.floor(Math.log10(step))).toFixed(6))).toBeOneOf([1, 2, 5]);
    }
  });
});

describe("mirrorX", () => {
  it("keeps x in left-to-right and mirrors it across the chart in right-to-left", () => {
    expect(mirrorX(96, false)).toBe(96);
    expect(mirrorX(96, true)).toBe(900 - 96);
    expect(mirrorX(mirrorX(123, true), true)).toBe(123);
  });
});
