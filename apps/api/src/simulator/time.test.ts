import { describe, expect, it } from "vitest";
import { escapeHtml, html, pageIn, SafeHtml, withLocale } from "./html";
import { formatInZone, isTimeZone, slotDays, zonedInstant } from "./time";

describe("zonedInstant", () => {
  it.each([
    [
      "Europe/Paris",
      { year: 2030, month: 1, day: 15, hour: 9, minute: 0 },
      "2030-01-15T08:00:00.000Z",
    ],
    [
      "Europe/Paris",
      { year: 2030, month: 7, day: 15, hour: 9, minute: 0 },
      "2030-07-15T07:00:00.000Z",
    ],
    [
      "Africa/Cairo",
      { year: 2030, month: 1, day: 15, hour: 9, minute: 30 },
      "2030-01-15T07:30:00.000Z",
    ],
    [
      "America/New_York",
      { year: 2030, month: 11, day: 3, hour: 9, minute: 0 },
      "2030-11-03T14:00:00.000Z",
    ],
    [
      "Asia/Kolkata",
      { year: 2030, month: 1, day: 1, hour: 0, minute: 0 },
      "2029-12-31T18:30:00.000Z",
    ],
    // Clocks go back at 03:00 in Paris: 02:30 happens twice; the earlier one is taken.
    [
      "Europe/Paris",
      { year: 2030, month: 10, day: 27, hour: 2, minute: 30 },
      "2030-10-27T00:30:00.000Z",
    ],
  ])("%s %o is %s", (zone, wall, iso) => {
    expect(zonedInstant(zone, wall)?.toISOString()).toBe(iso);
  });

  it("is null for a wall time skipped when clocks go forward", () => {
    expect(
      zonedInstant("Europe/Paris", { year: 2030, month: 3, day: 31, hour: 2, minute: 30 }),
    ).toBeNull();
  });
});

describe("slotDays", () => {
  it("lays slots out in the zone's local hours, skipping the past and marking busy ones", () => {
    const days = slotDays({
      timeZone: "Europe/Paris",
      now: new Date("2030-01-15T16:10:00Z"), // 17:10 in Paris
      busy: [{ start: new Date("2030-01-16T08:00:00Z"), end: new Date("2030-01-16T09:00:00Z") }],
      days: 2,
    });
    expect(days.map((d) => d.label)).toEqual(["Tuesday 15 January", "Wednesday 16 January"]);
    expect(days[0]?.slots.map((s) => s.label)).toEqual(["17:30"]);
    expect(days[0]?.slots[0]?.value).toBe("2030-01-15T16:30:00.000Z");
    const tomorrow = days[1]!.slots;
    expect(tomorrow).toHaveLength(18);
    expect(tomorrow.filter((s) => s.taken).map((s) => s.label)).toEqual(["09:00", "09:30"]);
  });

  it("a DST change keeps slots at the same local hours", () => {
    const [day] = slotDays({
      timeZone: "Europe/Paris",
      now: new Date("2030-03-30T23:00:00Z"),
      busy: [],
      days: 1,
    });
    expect(day?.slots[0]).toMatchObject({ label: "09:00", value: "2030-03-31T07:00:00.000Z" });
  });
});

describe("formatting and escaping", () => {
  it("formats an instant in a zone, naming the zone", () => {
    expect(formatInZone(new Date("2030-01-12T09:00:00Z"), "Europe/Paris")).toMatch(
      /^Sat,? 12 Jan 2030, 10:00 \(Europe\/Paris\)$/,
    );
    expect(isTimeZone("Europe/Paris")).toBe(true);
    expect(isTimeZone("Mars/Olympus")).toBe(false);
  });

  it("html escapes interpolated text but not nested html", () => {
    const name = `<img src=x onerror="alert('x')">&`;
    expect(escapeHtml(name)).toBe("&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;");
    const out = html`<p title="${name}">${[html`<b>${name}</b>`, 3, null, false]}</p>`;
    expect(out).toBeInstanceOf(SafeHtml);
    expect(out.value).toBe(`<p title="${escapeHtml(name)}"><b>${escapeHtml(name)}</b>3</p>`);
    expect(() => html`${{ toString: () => "<x>" }}`).toThrow(TypeError);
  });
});

describe("pages in a locale", () => {
  it("translates with data escaped and markup kept, in the locale's direction", () => {
    const page = pageIn("ar");
    expect(page.dir).toBe("rtl");
    expect(pageIn("fr-MA").dir).toBe("ltr");
    const out = page.tx("simulator.booking.bookTitle", { name: html`<bdi>${"<Sam>"}</bdi>` });
    expect(out.value).toBe("احجز مع <bdi>&lt;Sam&gt;</bdi>");
    expect(pageIn("en").tx("simulator.booking.noAdvisor", { eventType: "a<b" }).value).toBe(
      "No advisor offers the event type “a&lt;b”.",
    );
    expect(page.t("simulator.booking.minutes", { count: 3 })).toBe("3 دقائق");
    expect(page.money(15_000, "usd").value).toMatch(/^<bdi>.*\u2068US\$\u2069<\/bdi>$/);
  });

  it("carries the locale on simulator links only, and only when it was asked for", () => {
    expect(withLocale("/sim/bookings/abc", "ar")).toBe("/sim/bookings/abc?locale=ar");
    expect(withLocale("/sim/book/x?name=Sam&locale=fr", "de")).toBe(
      "/sim/book/x?name=Sam&locale=de",
    );
    expect(withLocale("http://api.test/sim/checkout/cs_1", "ar")).toBe(
      "http://api.test/sim/checkout/cs_1?locale=ar",
    );
    expect(withLocale("http://app.test/paid?session_id=cs_1", "ar")).toBe(
      "http://app.test/paid?session_id=cs_1",
    );
    expect(pageIn("ar", false).href("/sim/bookings/abc")).toBe("/sim/bookings/abc");
    expect(pageIn("ar", false).field.value).toBe("");
  });
});
