import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CurrencyCode, moneyOf } from "./money";
import {
  type PayoutScheduleInput,
  type UnpaidEarning,
  nextPayoutRun,
  selectPayoutEarnings,
  validatePayoutSchedule,
} from "./payout-schedule";

/** The run instant as an ISO string, failing the test on an error. */
function next(schedule: PayoutScheduleInput, now: Date | string): string {
  const result = nextPayoutRun(schedule, typeof now === "string" ? new Date(now) : now);
  if (!result.ok) throw new Error(result.error.message);
  return result.value.toISOString();
}

/** An independent reading of an instant's local wall clock, straight from Intl. */
function local(instant: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(instant);
  const f = Object.fromEntries(parts.map((p) => [p.type, p.value]));
  const [y, m, d] = [Number(f.year), Number(f.month), Number(f.day)];
  const dayNumber = Date.UTC(y, m - 1, d) / 86_400_000;
  return {
    date: `${f.year}-${f.month}-${f.day}`,
    time: `${f.hour}:${f.minute}`,
    year: y,
    month: m,
    day: d,
    dayNumber,
    isoWeekday: ((((dayNumber + 3) % 7) + 7) % 7) + 1,
    /** Wall-clock ms since 1970-01-01T00:00 local. */
    wall: Date.UTC(y, m - 1, d, Number(f.hour), Number(f.minute), Number(f.second)),
  };
}

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

describe("validatePayoutSchedule", () => {
  it.each([
    ["weekday 0", { kind: "weekly", weekday: 0, timeZone: "UTC" }, "INVALID_WEEKDAY"],
    ["weekday 8", { kind: "weekly", weekday: 8, timeZone: "UTC" }, "INVALID_WEEKDAY"],
    ["fractional weekday", { kind: "weekly", weekday: 1.5, timeZone: "UTC" }, "INVALID_WEEKDAY"],
    ["day of month 0", { kind: "monthly", dayOfMonth: 0, timeZone: "UTC" }, "INVALID_DAY_OF_MONTH"],
    [
      "day of month 32",
      { kind: "monthly", dayOfMonth: 32, timeZone: "UTC" },
      "INVALID_DAY_OF_MONTH",
    ],
    [
      "NaN day of month",
      { kind: "monthly", dayOfMonth: Number.NaN, timeZone: "UTC" },
      "INVALID_DAY_OF_MONTH",
    ],
    [
      "anchor 2026-02-30",
      { kind: "biweekly", anchorDate: "2026-02-30", timeZone: "UTC" },
      "INVALID_ANCHOR_DATE",
    ],
    [
      "anchor 2027-02-29 (not a leap year)",
      { kind: "biweekly", anchorDate: "2027-02-29", timeZone: "UTC" },
      "INVALID_ANCHOR_DATE",
    ],
    [
      "anchor month 13",
      { kind: "biweekly", anchorDate: "2026-13-01", timeZone: "UTC" },
      "INVALID_ANCHOR_DATE",
    ],
    [
      "anchor day 00",
      { kind: "biweekly", anchorDate: "2026-01-00", timeZone: "UTC" },
      "INVALID_ANCHOR_DATE",
    ],
    [
      "anchor not zero-padded",
      { kind: "biweekly", anchorDate: "2026-3-1", timeZone: "UTC" },
      "INVALID_ANCHOR_DATE",
    ],
    [
      "anchor with a time",
      { kind: "biweekly", anchorDate: "2026-03-01T00:00", timeZone: "UTC" },
      "INVALID_ANCHOR_DATE",
    ],
    [
      "unknown time zone",
      { kind: "weekly", weekday: 1, timeZone: "Mars/Olympus_Mons" },
      "UNKNOWN_TIME_ZONE",
    ],
    ["empty time zone", { kind: "weekly", weekday: 1, timeZone: "" }, "UNKNOWN_TIME_ZONE"],
    [
      "offset instead of a zone",
      { kind: "weekly", weekday: 1, timeZone: "+05:00" },
      "UNKNOWN_TIME_ZONE",
    ],
    [
      "run time 25:00",
      { kind: "weekly", weekday: 1, timeZone: "UTC", runAtLocalTime: "25:00" },
      "INVALID_LOCAL_TIME",
    ],
    [
      "run time 24:00",
      { kind: "weekly", weekday: 1, timeZone: "UTC", runAtLocalTime: "24:00" },
      "INVALID_LOCAL_TIME",
    ],
    [
      "run time 09:60",
      { kind: "weekly", weekday: 1, timeZone: "UTC", runAtLocalTime: "09:60" },
      "INVALID_LOCAL_TIME",
    ],
    [
      "run time 9:00",
      { kind: "weekly", weekday: 1, timeZone: "UTC", runAtLocalTime: "9:00" },
      "INVALID_LOCAL_TIME",
    ],
    [
      "run time with seconds",
      { kind: "weekly", weekday: 1, timeZone: "UTC", runAtLocalTime: "09:00:00" },
      "INVALID_LOCAL_TIME",
    ],
    ["unknown cadence", { kind: "daily", timeZone: "UTC" }, "UNKNOWN_CADENCE"],
  ])("rejects %s", (_name, input, code) => {
    const result = validatePayoutSchedule(input as unknown as PayoutScheduleInput);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(code);
      expect(result.error.message).toMatch(/must/);
    }
  });

  it.each([
    [
      "weekly, default run time",
      { kind: "weekly", weekday: 5, timeZone: "Europe/Berlin" },
      { kind: "weekly", weekday: 5, timeZone: "Europe/Berlin", runAtLocalTime: "09:00" },
    ],
    [
      "biweekly on a leap day",
      { kind: "biweekly", anchorDate: "2028-02-29", timeZone: "UTC", runAtLocalTime: "23:59" },
      { kind: "biweekly", anchorDate: "2028-02-29", timeZone: "UTC", runAtLocalTime: "23:59" },
    ],
    [
      "monthly on the 31st, zone spelled in lower case",
      { kind: "monthly", dayOfMonth: 31, timeZone: "america/new_york", runAtLocalTime: "00:00" },
      { kind: "monthly", dayOfMonth: 31, timeZone: "America/New_York", runAtLocalTime: "00:00" },
    ],
  ] as const)("accepts %s and normalizes it", (_name, input, expected) => {
    expect(validatePayoutSchedule(input)).toEqual({ ok: true, value: expected });
  });

  it("nextPayoutRun rejects what validation rejects, and an invalid now", () => {
    const bad = nextPayoutRun(
      { kind: "weekly", weekday: 9, timeZone: "UTC" },
      new Date("2026-01-01T00:00:00Z"),
    );
    expect(bad.ok || bad.error.code).toBe("INVALID_WEEKDAY");
    const schedule = { kind: "weekly", weekday: 1, timeZone: "UTC" } as const;
    for (const now of [
      new Date(Number.NaN),
      new Date("1850-01-01T00:00:00Z"),
      "2026-01-01" as unknown as Date,
    ]) {
      const result = nextPayoutRun(schedule, now);
      expect(result.ok || result.error.code).toBe("INVALID_NOW");
    }
  });
});

describe("nextPayoutRun: weekly", () => {
  // 2026-03-02 is a Monday.
  it.each([
    [
      "Monday run, asked on the Sunday before",
      1,
      "2026-03-01T12:00:00Z",
      "2026-03-02T09:00:00.000Z",
    ],
    [
      "Monday run, asked on Monday before 09:00",
      1,
      "2026-03-02T08:59:59Z",
      "2026-03-02T09:00:00.000Z",
    ],
    [
      "exactly at the run → the next week (strictly after)",
      1,
      "2026-03-02T09:00:00Z",
      "2026-03-09T09:00:00.000Z",
    ],
    [
      "Monday run, asked on Monday after 09:00",
      1,
      "2026-03-02T09:00:01Z",
      "2026-03-09T09:00:00.000Z",
    ],
    ["Sunday run (7) from a Monday", 7, "2026-03-02T12:00:00Z", "2026-03-08T09:00:00.000Z"],
    ["Wednesday run across a year end", 3, "2026-12-31T00:00:00Z", "2027-01-06T09:00:00.000Z"],
  ])("%s", (_name, weekday, now, expected) => {
    expect(next({ kind: "weekly", weekday, timeZone: "UTC" }, now)).toBe(expected);
  });

  it("uses the advisor's local date, not UTC's", () => {
    // 2026-03-02T03:00Z is still Sunday 1 March, 19:00 in Los Angeles: Monday's 09:00 PST run is next.
    expect(
      next({ kind: "weekly", weekday: 1, timeZone: "America/Los_Angeles" }, "2026-03-02T03:00:00Z"),
    ).toBe("2026-03-02T17:00:00.000Z");
    // 2026-03-01T23:30Z is already Monday 2 March, 08:30 in Tokyo: the 09:00 run is 30 minutes away.
    expect(
      next({ kind: "weekly", weekday: 1, timeZone: "Asia/Tokyo" }, "2026-03-01T23:30:00Z"),
    ).toBe("2026-03-02T00:00:00.000Z");
  });
});

describe("nextPayoutRun: biweekly", () => {
  const biweekly = (anchorDate: string) =>
    ({ kind: "biweekly", anchorDate, timeZone: "Europe/Berlin" }) as const;
  it.each([
    [
      "anchor in the future: the anchor is the first run",
      "2026-06-15",
      "2026-05-01T00:00:00Z",
      "2026-06-15T07:00:00.000Z",
    ],
    [
      "anchor today, before the run time",
      "2026-06-15",
      "2026-06-15T06:00:00Z",
      "2026-06-15T07:00:00.000Z",
    ],
    [
      "anchor today, after the run time → 14 days on",
      "2026-06-15",
      "2026-06-15T08:00:00Z",
      "2026-06-29T07:00:00.000Z",
    ],
    [
      "anchor long ago, in an off week",
      "2025-01-06",
      "2026-06-16T12:00:00Z",
      "2026-06-22T07:00:00.000Z",
    ],
    [
      "anchor long ago, in a run week after the run",
      "2025-01-06",
      "2026-06-22T12:00:00Z",
      "2026-07-06T07:00:00.000Z",
    ],
    [
      "anchor in winter, run in summer (CET → CEST)",
      "2026-01-05",
      "2026-04-01T00:00:00Z",
      "2026-04-13T07:00:00.000Z",
    ],
  ])("%s", (_name, anchor, now, expected) => {
    expect(next(biweekly(anchor), now)).toBe(expected);
  });
});

describe("nextPayoutRun: monthly", () => {
  const monthly = (dayOfMonth: number) =>
    ({ kind: "monthly", dayOfMonth, timeZone: "UTC" }) as const;
  it.each([
    ["the 15th, before it", 15, "2026-04-10T00:00:00Z", "2026-04-15T09:00:00.000Z"],
    ["the 15th, after it → next month", 15, "2026-04-15T09:00:01Z", "2026-05-15T09:00:00.000Z"],
    ["the 1st across a year end", 1, "2026-12-01T10:00:00Z", "2027-01-01T09:00:00.000Z"],
    [
      "the 31st in February 2026 → the 28th",
      31,
      "2026-02-01T00:00:00Z",
      "2026-02-28T09:00:00.000Z",
    ],
    [
      "the 30th in February 2026 → the 28th",
      30,
      "2026-02-01T00:00:00Z",
      "2026-02-28T09:00:00.000Z",
    ],
    [
      "the 29th in February 2026 → the 28th",
      29,
      "2026-02-01T00:00:00Z",
      "2026-02-28T09:00:00.000Z",
    ],
    [
      "the 31st in leap February 2028 → the 29th",
      31,
      "2028-02-01T00:00:00Z",
      "2028-02-29T09:00:00.000Z",
    ],
    [
      "the 29th in leap February 2028 → the 29th",
      29,
      "2028-02-01T00:00:00Z",
      "2028-02-29T09:00:00.000Z",
    ],
    [
      "the 31st in April (30 days) → the 30th",
      31,
      "2026-04-02T00:00:00Z",
      "2026-04-30T09:00:00.000Z",
    ],
    ["the 31st in September → the 30th", 31, "2026-09-30T08:00:00Z", "2026-09-30T09:00:00.000Z"],
    [
      "after a short month's last day, back to the 31st",
      31,
      "2026-04-30T10:00:00Z",
      "2026-05-31T09:00:00.000Z",
    ],
    [
      "after February's last day, the 30th of March",
      30,
      "2026-02-28T10:00:00Z",
      "2026-03-30T09:00:00.000Z",
    ],
    ["the 31st from the end of January", 31, "2026-01-31T09:00:00Z", "2026-02-28T09:00:00.000Z"],
  ])("%s", (_name, dayOfMonth, now, expected) => {
    expect(next(monthly(dayOfMonth), now)).toBe(expected);
  });
});

describe("nextPayoutRun across DST changes", () => {
  const weeklySunday = (timeZone: string, runAtLocalTime = "09:00") =>
    ({ kind: "weekly", weekday: 7, timeZone, runAtLocalTime }) as const;

  it.each([
    // New York: spring forward 2026-03-08 02:00 EST → 03:00 EDT; fall back 2026-11-01 02:00 EDT → 01:00 EST.
    [
      "New York, the Sunday before spring forward (EST)",
      "America/New_York",
      "2026-02-28T12:00:00Z",
      "2026-03-01T14:00:00.000Z",
    ],
    [
      "New York, the day of spring forward (EDT)",
      "America/New_York",
      "2026-03-02T12:00:00Z",
      "2026-03-08T13:00:00.000Z",
    ],
    [
      "New York, the Sunday before fall back (EDT)",
      "America/New_York",
      "2026-10-20T12:00:00Z",
      "2026-10-25T13:00:00.000Z",
    ],
    [
      "New York, the day of fall back (EST)",
      "America/New_York",
      "2026-10-26T12:00:00Z",
      "2026-11-01T14:00:00.000Z",
    ],
    // Berlin: spring forward 2026-03-29 02:00 CET → 03:00 CEST; fall back 2026-10-25 03:00 CEST → 02:00 CET.
    [
      "Berlin, the Sunday before spring forward (CET)",
      "Europe/Berlin",
      "2026-03-16T12:00:00Z",
      "2026-03-22T08:00:00.000Z",
    ],
    [
      "Berlin, the day of spring forward (CEST)",
      "Europe/Berlin",
      "2026-03-23T12:00:00Z",
      "2026-03-29T07:00:00.000Z",
    ],
    [
      "Berlin, the Sunday before fall back (CEST)",
      "Europe/Berlin",
      "2026-10-12T12:00:00Z",
      "2026-10-18T07:00:00.000Z",
    ],
    [
      "Berlin, the day of fall back (CET)",
      "Europe/Berlin",
      "2026-10-19T12:00:00Z",
      "2026-10-25T08:00:00.000Z",
    ],
    // Sydney (southern hemisphere): DST ends 2026-04-05 03:00 AEDT → 02:00 AEST; starts 2026-10-04 02:00 → 03:00.
    [
      "Sydney, the Sunday before DST ends (AEDT)",
      "Australia/Sydney",
      "2026-03-23T12:00:00Z",
      "2026-03-28T22:00:00.000Z",
    ],
    [
      "Sydney, the day DST ends (AEST)",
      "Australia/Sydney",
      "2026-03-30T12:00:00Z",
      "2026-04-04T23:00:00.000Z",
    ],
    [
      "Sydney, the Sunday before DST starts (AEST)",
      "Australia/Sydney",
      "2026-09-21T12:00:00Z",
      "2026-09-26T23:00:00.000Z",
    ],
    [
      "Sydney, the day DST starts (AEDT)",
      "Australia/Sydney",
      "2026-09-28T12:00:00Z",
      "2026-10-03T22:00:00.000Z",
    ],
  ])("09:00 stays 09:00 local: %s", (_name, timeZone, now, expected) => {
    const run = next(weeklySunday(timeZone), now);
    expect(run).toBe(expected);
    expect(local(new Date(run), timeZone).time).toBe("09:00");
  });

  it.each([
    [
      "New York 02:30 on 2026-03-08 → 03:00 EDT",
      "America/New_York",
      "02:30",
      "2026-03-05T12:00:00Z",
      "2026-03-08T07:00:00.000Z",
      "03:00",
    ],
    [
      "New York 02:00 (the change itself) → 03:00 EDT",
      "America/New_York",
      "02:00",
      "2026-03-05T12:00:00Z",
      "2026-03-08T07:00:00.000Z",
      "03:00",
    ],
    [
      "New York 03:00 on 2026-03-08 exists",
      "America/New_York",
      "03:00",
      "2026-03-05T12:00:00Z",
      "2026-03-08T07:00:00.000Z",
      "03:00",
    ],
    [
      "Berlin 02:30 on 2026-03-29 → 03:00 CEST",
      "Europe/Berlin",
      "02:30",
      "2026-03-25T12:00:00Z",
      "2026-03-29T01:00:00.000Z",
      "03:00",
    ],
    [
      "Sydney 02:30 on 2026-10-04 → 03:00 AEDT",
      "Australia/Sydney",
      "02:30",
      "2026-09-30T12:00:00Z",
      "2026-10-03T16:00:00.000Z",
      "03:00",
    ],
  ])(
    "a local time in the spring-forward gap moves to the first valid instant: %s",
    (_name, timeZone, time, now, expected, localTime) => {
      const run = next(weeklySunday(timeZone, time), now);
      expect(run).toBe(expected);
      expect(local(new Date(run), timeZone).time).toBe(localTime);
    },
  );

  it.each([
    [
      "New York 01:30 on 2026-11-01 → 01:30 EDT",
      "America/New_York",
      "01:30",
      "2026-10-29T12:00:00Z",
      "2026-11-01T05:30:00.000Z",
    ],
    [
      "Berlin 02:30 on 2026-10-25 → 02:30 CEST",
      "Europe/Berlin",
      "02:30",
      "2026-10-22T12:00:00Z",
      "2026-10-25T00:30:00.000Z",
    ],
    [
      "Sydney 02:30 on 2026-04-05 → 02:30 AEDT",
      "Australia/Sydney",
      "02:30",
      "2026-04-01T12:00:00Z",
      "2026-04-04T15:30:00.000Z",
    ],
  ])(
    "an ambiguous fall-back time takes the earlier instant: %s",
    (_name, timeZone, time, now, expected) => {
      const run = next(weeklySunday(timeZone, time), now);
      expect(run).toBe(expected);
      expect(local(new Date(run), timeZone).time).toBe(time);
    },
  );

  it("runs once, not twice, when the local time repeats", () => {
    // 05:45Z is between the two 01:30s of New York's 2026-11-01; the second is not a run.
    expect(next(weeklySunday("America/New_York", "01:30"), "2026-11-01T05:45:00Z")).toBe(
      "2026-11-08T06:30:00.000Z",
    );
  });

  it("a monthly run on a DST day keeps its local time (Berlin, 29 March and 25 October)", () => {
    const schedule = { kind: "monthly", dayOfMonth: 29, timeZone: "Europe/Berlin" } as const;
    expect(next(schedule, "2026-03-01T00:00:00Z")).toBe("2026-03-29T07:00:00.000Z");
    expect(next(schedule, "2026-02-27T00:00:00Z")).toBe("2026-02-28T08:00:00.000Z");
  });

  it("a whole skipped day runs at the first instant after it (Samoa, 30 December 2011)", () => {
    // Apia went from 29 December 23:59:59 (UTC−10) straight to 31 December 00:00 (UTC+14).
    expect(
      next({ kind: "weekly", weekday: 5, timeZone: "Pacific/Apia" }, "2011-12-26T12:00:00Z"),
    ).toBe("2011-12-30T10:00:00.000Z");
  });
});

const ZONES = [
  "America/New_York",
  "Europe/Berlin",
  "Australia/Sydney",
  "Australia/Lord_Howe", // 30-minute DST
  "America/Santiago", // changes at midnight
  "Asia/Kolkata", // +05:30, no DST
  "UTC",
] as const;

const scheduleArb: fc.Arbitrary<PayoutScheduleInput> = fc
  .tuple(
    fc.oneof(
      fc.record({ kind: fc.constant("weekly" as const), weekday: fc.integer({ min: 1, max: 7 }) }),
      fc.record({
        kind: fc.constant("biweekly" as const),
        anchorDate: fc
          .date({
            min: new Date("2000-01-01T00:00:00Z"),
            max: new Date("2040-12-31T00:00:00Z"),
            noInvalidDate: true,
          })
          .map((d) => d.toISOString().slice(0, 10)),
      }),
      fc.record({
        kind: fc.constant("monthly" as const),
        dayOfMonth: fc.integer({ min: 1, max: 31 }),
      }),
    ),
    fc.constantFrom(...ZONES),
    fc.oneof(
      fc.constantFrom("00:00", "00:30", "01:30", "02:00", "02:30", "03:00", "09:00", "23:59"),
      fc
        .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
        .map(([h, m]) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`),
    ),
  )
  .map(([cadence, timeZone, runAtLocalTime]) => ({ ...cadence, timeZone, runAtLocalTime }));

const nowArb = fc.date({
  min: new Date("2000-01-01T00:00:00Z"),
  max: new Date("2040-12-31T00:00:00Z"),
  noInvalidDate: true,
});

function isRunDay(schedule: PayoutScheduleInput, reading: ReturnType<typeof local>): boolean {
  switch (schedule.kind) {
    case "weekly":
      return reading.isoWeekday === schedule.weekday;
    case "biweekly": {
      const anchor = Date.parse(`${schedule.anchorDate}T00:00:00Z`) / 86_400_000;
      return reading.dayNumber >= anchor && (reading.dayNumber - anchor) % 14 === 0;
    }
    case "monthly":
      return reading.day === Math.min(schedule.dayOfMonth, daysIn(reading.year, reading.month));
  }
}

describe("nextPayoutRun properties", () => {
  it("is strictly after now, on a run day, at the local run time or just after a gap that swallowed it", () => {
    fc.assert(
      fc.property(scheduleArb, nowArb, (schedule, now) => {
        const run = new Date(next(schedule, now));
        expect(run.getTime()).toBeGreaterThan(now.getTime());
        const reading = local(run, schedule.timeZone);
        expect(isRunDay(schedule, reading)).toBe(true);
        if (reading.time !== schedule.runAtLocalTime) {
          // Gap: the clock jumped at `run` from before the run time to after it.
          const [h, m] = (schedule.runAtLocalTime ?? "09:00").split(":").map(Number);
          const wanted = Date.UTC(reading.year, reading.month - 1, reading.day, h, m);
          expect(local(new Date(run.getTime() - 1000), schedule.timeZone).wall).toBeLessThan(
            wanted,
          );
          expect(reading.wall).toBeGreaterThan(wanted);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("next of next is the following period", () => {
    fc.assert(
      fc.property(scheduleArb, nowArb, (schedule, now) => {
        const first = local(new Date(next(schedule, now)), schedule.timeZone);
        const second = local(new Date(next(schedule, next(schedule, now))), schedule.timeZone);
        switch (schedule.kind) {
          case "weekly":
            expect(second.dayNumber - first.dayNumber).toBe(7);
            break;
          case "biweekly":
            expect(second.dayNumber - first.dayNumber).toBe(14);
            break;
          case "monthly":
            expect((second.year - first.year) * 12 + second.month - first.month).toBe(1);
            expect(second.day).toBe(
              Math.min(schedule.dayOfMonth, daysIn(second.year, second.month)),
            );
            break;
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("skips no run: walking the runs from two months earlier reaches the same next run", () => {
    fc.assert(
      fc.property(scheduleArb, nowArb, (schedule, now) => {
        let run = new Date(now.getTime() - 62 * 86_400_000);
        while (run.getTime() <= now.getTime()) run = new Date(next(schedule, run));
        expect(run.toISOString()).toBe(next(schedule, now));
      }),
      { numRuns: 1000 },
    );
  });

  it("validation is idempotent", () => {
    fc.assert(
      fc.property(scheduleArb, (schedule) => {
        const once = validatePayoutSchedule(schedule);
        expect(once.ok).toBe(true);
        if (once.ok) expect(validatePayoutSchedule(once.value)).toEqual(once);
      }),
      { numRuns: 1000 },
    );
  });
});

const at = (iso: string) => new Date(iso);
const usd = (amount: number) => moneyOf(amount, "USD");
const earning = (
  id: string,
  amount: number,
  completedAt: string,
  currency: CurrencyCode = "USD",
): UnpaidEarning => ({
  id,
  amount: moneyOf(amount, currency),
  completedAt: at(completedAt),
});

describe("selectPayoutEarnings", () => {
  const runAt = at("2026-03-09T09:00:00Z");
  const base = { runAt, holdWindowHours: 72, minimumPayout: usd(5000) };

  it.each([
    [
      "pays everything out of its hold window when it reaches the minimum",
      [earning("a", 3000, "2026-03-01T10:00:00Z"), earning("b", 2000, "2026-03-05T10:00:00Z")],
      {
        outcome: "pay",
        included: ["a", "b"],
        total: usd(5000),
        carriedOver: [],
        carriedOverTotal: usd(0),
        held: [],
      },
    ],
    [
      "carries everything over below the minimum",
      [earning("a", 3000, "2026-03-01T10:00:00Z"), earning("b", 1999, "2026-03-05T10:00:00Z")],
      {
        outcome: "below_minimum",
        included: [],
        total: usd(0),
        carriedOver: ["a", "b"],
        carriedOverTotal: usd(4999),
        held: [],
      },
    ],
    [
      "holds an earning whose hold window ends after the run",
      [earning("a", 6000, "2026-03-01T10:00:00Z"), earning("b", 9000, "2026-03-06T09:00:01Z")],
      {
        outcome: "pay",
        included: ["a"],
        total: usd(6000),
        carriedOver: [],
        carriedOverTotal: usd(0),
        held: ["b"],
      },
    ],
    [
      "pays an earning whose hold window ends exactly at the run",
      [earning("a", 6000, "2026-03-06T09:00:00Z")],
      {
        outcome: "pay",
        included: ["a"],
        total: usd(6000),
        carriedOver: [],
        carriedOverTotal: usd(0),
        held: [],
      },
    ],
    [
      "a held earning doesn't count towards the minimum",
      [earning("a", 1000, "2026-03-01T10:00:00Z"), earning("b", 9000, "2026-03-08T10:00:00Z")],
      {
        outcome: "below_minimum",
        included: [],
        total: usd(0),
        carriedOver: ["a"],
        carriedOverTotal: usd(1000),
        held: ["b"],
      },
    ],
    [
      "nothing to pay",
      [],
      {
        outcome: "nothing_payable",
        included: [],
        total: usd(0),
        carriedOver: [],
        carriedOverTotal: usd(0),
        held: [],
      },
    ],
    [
      "only held earnings",
      [earning("a", 9000, "2026-03-08T10:00:00Z")],
      {
        outcome: "nothing_payable",
        included: [],
        total: usd(0),
        carriedOver: [],
        carriedOverTotal: usd(0),
        held: ["a"],
      },
    ],
  ] as const)("%s", (_name, earnings, expected) => {
    expect(selectPayoutEarnings({ ...base, earnings })).toEqual({ ok: true, value: expected });
  });

  it("with a zero hold window and zero minimum pays everything completed by the run", () => {
    const result = selectPayoutEarnings({
      earnings: [earning("a", 0, "2026-03-09T09:00:00Z"), earning("b", 1, "2026-03-09T09:00:01Z")],
      runAt,
      holdWindowHours: 0,
      minimumPayout: usd(0),
    });
    expect(result).toMatchObject({
      ok: true,
      value: { outcome: "pay", included: ["a"], total: usd(0), held: ["b"] },
    });
  });

  it.each([
    [
      "mixed currencies",
      { earnings: [earning("a", 100, "2026-03-01T00:00:00Z", "EUR")] },
      "CURRENCY_MISMATCH",
    ],
    [
      "a negative amount",
      { earnings: [earning("a", -1, "2026-03-01T00:00:00Z")] },
      "NEGATIVE_AMOUNT",
    ],
    [
      "a fractional amount",
      { earnings: [{ id: "a", amount: { amount: 1.5, currency: "USD" }, completedAt: runAt }] },
      "NOT_AN_INTEGER",
    ],
    [
      "a duplicate id",
      {
        earnings: [
          earning("a", 1, "2026-03-01T00:00:00Z"),
          earning("a", 1, "2026-03-01T00:00:00Z"),
        ],
      },
      "DUPLICATE_EARNING",
    ],
    [
      "an invalid completedAt",
      { earnings: [{ id: "a", amount: usd(1), completedAt: new Date(Number.NaN) }] },
      "INVALID_DATE",
    ],
    ["an invalid runAt", { runAt: new Date(Number.NaN) }, "INVALID_DATE"],
    ["a negative hold window", { holdWindowHours: -1 }, "INVALID_HOLD_WINDOW"],
    ["a fractional hold window", { holdWindowHours: 1.5 }, "INVALID_HOLD_WINDOW"],
    ["a negative minimum", { minimumPayout: usd(-1) }, "NEGATIVE_AMOUNT"],
    [
      "a total too large to represent",
      {
        earnings: [
          earning("a", Number.MAX_SAFE_INTEGER, "2026-03-01T00:00:00Z"),
          earning("b", 1, "2026-03-01T00:00:00Z"),
        ],
      },
      "UNSAFE_AMOUNT",
    ],
  ] as const)("rejects %s", (_name, overrides, code) => {
    const result = selectPayoutEarnings({ ...base, earnings: [], ...overrides });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe(code);
      expect(result.error.message.length).toBeGreaterThan(10);
    }
  });

  it("never loses or double-counts an earning", () => {
    const instant = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 2, 1) });
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            id: fc.string({ minLength: 1, maxLength: 6 }),
            amount: fc.integer({ min: 0, max: 100_000 }),
            completedAt: instant,
          }),
          { selector: (e) => e.id, maxLength: 30 },
        ),
        instant,
        fc.integer({ min: 0, max: 24 * 14 }),
        fc.integer({ min: 0, max: 300_000 }),
        (rows, runAtMs, holdWindowHours, minimum) => {
          const earnings = rows.map((r) => ({
            id: r.id,
            amount: usd(r.amount),
            completedAt: new Date(r.completedAt),
          }));
          const result = selectPayoutEarnings({
            earnings,
            runAt: new Date(runAtMs),
            holdWindowHours,
            minimumPayout: usd(minimum),
          });
          if (!result.ok) throw new Error(result.error.message);
          const { included, carriedOver, held, total, carriedOverTotal, outcome } = result.value;
          const all = [...included, ...carriedOver, ...held];
          expect(new Set(all).size).toBe(all.length);
          expect([...all].sort()).toEqual(rows.map((r) => r.id).sort());
          const amountOf = (ids: string[]) =>
            ids.reduce((s, id) => s + rows.find((r) => r.id === id)!.amount, 0);
          expect(total).toEqual(usd(amountOf(included)));
          expect(carriedOverTotal).toEqual(usd(amountOf(carriedOver)));
          const due = (id: string) =>
            rows.find((r) => r.id === id)!.completedAt + holdWindowHours * 3_600_000 <= runAtMs;
          expect(held.every((id) => !due(id))).toBe(true);
          expect([...included, ...carriedOver].every(due)).toBe(true);
          if (outcome === "pay") expect(total.amount).toBeGreaterThanOrEqual(minimum);
          if (outcome === "below_minimum") expect(carriedOverTotal.amount).toBeLessThan(minimum);
          expect(included.length === 0 || carriedOver.length === 0).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
