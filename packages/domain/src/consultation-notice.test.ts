import { describe, expect, it } from "vitest";
import {
  canonicalTimeZone,
  consultationNoticeKeys,
  formatDuration,
  formatMeetingTime,
  isValidTimeZone,
  noticeFor,
  resolveTimeZone,
} from "./consultation-notice";
import { translator } from "./i18n";
import { MESSAGE_CATALOGS } from "./messages";

// ICU separates "5:00" from "AM" with a narrow no-break space in some versions.
const plain = (s: string) => s.replace(/\s/g, " ");
const at10utc = (day: string) => new Date(`${day}T10:00:00Z`);

describe("formatMeetingTime: the reader's own local time, DST-correct", () => {
  // 2026: the US moves its clocks on 8 March and 1 November, the EU on 29 March and
  // 25 October, so between those dates New York and Berlin are 5 hours apart, not 6.
  it.each([
    ["2026-03-07", "Saturday, March 7, 2026 at 5:00 AM EST"],
    ["2026-03-09", "Monday, March 9, 2026 at 6:00 AM EDT"],
    ["2026-10-31", "Saturday, October 31, 2026 at 6:00 AM EDT"],
    ["2026-11-02", "Monday, November 2, 2026 at 5:00 AM EST"],
  ])("a 10:00 UTC meeting on %s in America/New_York", (day, expected) => {
    expect(plain(formatMeetingTime(at10utc(day), "America/New_York", "en"))).toBe(expected);
  });

  it.each([
    ["2026-03-28", "Samstag, 28. März 2026 um 11:00 MEZ"],
    ["2026-03-30", "Montag, 30. März 2026 um 12:00 MESZ"],
    ["2026-10-24", "Samstag, 24. Oktober 2026 um 12:00 MESZ"],
    ["2026-10-26", "Montag, 26. Oktober 2026 um 11:00 MEZ"],
  ])("a 10:00 UTC meeting on %s in Europe/Berlin", (day, expected) => {
    expect(plain(formatMeetingTime(at10utc(day), "Europe/Berlin", "de"))).toBe(expected);
  });

  it("the same instant reads differently on each side of the Atlantic in the gap weeks", () => {
    const meeting = at10utc("2026-03-16");
    expect(plain(formatMeetingTime(meeting, "America/New_York", "en"))).toContain("6:00 AM EDT");
    expect(plain(formatMeetingTime(meeting, "Europe/Berlin", "en"))).toMatch(/11:00 AM GMT\+1$/);
  });

  // The southern hemisphere: Sydney leaves summer time on 5 April and enters it on 4 October.
  it.each([
    ["2026-04-04", "21:00", "GMT+11"],
    ["2026-04-06", "20:00", "GMT+10"],
    ["2026-10-03", "20:00", "GMT+10"],
    ["2026-10-05", "21:00", "GMT+11"],
  ])("a 10:00 UTC meeting on %s in Australia/Sydney", (day, time, zone) => {
    const text = plain(formatMeetingTime(at10utc(day), "Australia/Sydney", "en-GB"));
    expect(text).toContain(`${time} ${zone}`);
  });

  it("writes the date in the reader's language, with the zone shown", () => {
    const meeting = at10utc("2026-03-20");
    expect(plain(formatMeetingTime(meeting, "Europe/Paris", "fr"))).toBe(
      "vendredi 20 mars 2026 à 11:00 UTC+1",
    );
    const ar = formatMeetingTime(meeting, "Asia/Dubai", "ar");
    expect(ar).toContain("الجمعة");
    expect(ar).toMatch(/2:00/);
    expect(ar).toContain("+4");
    // Egyptian Arabic uses Arabic-Indic digits: 12:00 in Cairo.
    expect(formatMeetingTime(meeting, "Africa/Cairo", "ar-EG")).toContain("١٢:٠٠");
  });

  it("a zone the runtime doesn't know is shown in UTC, labelled", () => {
    expect(plain(formatMeetingTime(at10utc("2026-03-20"), "Mars/Olympus", "en"))).toBe(
      "Friday, March 20, 2026 at 10:00 AM UTC",
    );
  });
});

describe("time zones", () => {
  it("knows IANA names and rejects the rest", () => {
    expect(isValidTimeZone("Asia/Dubai")).toBe(true);
    expect(isValidTimeZone("Nowhere/Special")).toBe(false);
    expect(isValidTimeZone(" ")).toBe(false);
  });

  it("resolves a missing or unknown zone to UTC", () => {
    expect(resolveTimeZone("Africa/Cairo")).toBe("Africa/Cairo");
    expect(resolveTimeZone("garbage")).toBe("UTC");
    expect(resolveTimeZone(null)).toBe("UTC");
    expect(resolveTimeZone(undefined)).toBe("UTC");
  });
});

describe("formatDuration", () => {
  it.each([
    ["en", "45 minutes"],
    ["fr", "45 minutes"],
    ["de", "45 Minuten"],
    ["es", "45 minutos"],
  ])("%s", (locale, expected) => {
    expect(formatDuration(45, locale)).toBe(expected);
  });

  it("Arabic", () => {
    expect(formatDuration(60, "ar")).toContain("دقيقة");
  });
});

describe("consultationNoticeKeys", () => {
  it("the notice's own text first, then the role's generic text", () => {
    expect(consultationNoticeKeys("booking_confirmed", "advisor")).toEqual({
      subject: [
        "notifications.consultation.booking_confirmed.advisor.subject",
        "notifications.consultation.generic.advisor.subject",
      ],
      body: [
        "notifications.consultation.booking_confirmed.advisor.body",
        "notifications.consultation.generic.advisor.body",
      ],
    });
  });

  it("a refund puts the body that states the amount first", () => {
    expect(consultationNoticeKeys("cancelled", "client", { refund: true }).body).toEqual([
      "notifications.consultation.cancelled.client.body_refund",
      "notifications.consultation.cancelled.client.body",
      "notifications.consultation.generic.client.body",
    ]);
  });

  it("resolves to real text in every locale, falling back to the generic one", () => {
    const vars = { name: "Lina", advisor: "Omar", client: "Sam", time: "T", amount: "$5.00" };
    const de = translator("de");
    const refunded = consultationNoticeKeys("cancelled", "client", { refund: true });
    expect(de(refunded.body, vars)).toContain("Wir erstatten dir $5.00");
    expect(de(consultationNoticeKeys("cancelled", "client").body, vars)).not.toContain("$5.00");
    // No text for a client about a payout: the client's generic text, in French via fr-MA.
    const none = consultationNoticeKeys("payout_sent", "client");
    expect(translator("fr-MA")(none.subject, vars)).toBe(
      "Du nouveau pour votre consultation avec Omar",
    );
    expect(translator("ar-SA")(none.body, vars)).toContain("مستجدات بشأن استشارتك مع Omar");
  });
});

describe("noticeFor", () => {
  it.each([
    ["async_pass", "booking_confirmed", "pass_confirmed"],
    ["async_pass", "cancelled", "pass_cancelled"],
    ["async_pass", "consultation_completed", "pass_completed"],
    ["async_pass", "refunded", "pass_refunded"],
    ["async_pass", "payment_link", "pass_payment_link"],
    ["async_pass", "payment_failed", "pass_payment_failed"],
    ["async_pass", "payment_expired", "pass_payment_expired"],
    ["async_pass", "earnings_released", "pass_earnings_released"],
    ["async_pass", "payout_sent", "pass_payout_sent"],
    // A notice without a pass variant keeps the shared one.
    ["async_pass", "dispute_opened", "dispute_opened"],
    ["booking", "booking_confirmed", "booking_confirmed"],
    ["booking", "refunded", "refunded"],
    [undefined, "cancelled", "cancelled"],
  ] as const)("a %s's %s is sent as %s", (kind, notice, sent) => {
    expect(noticeFor(kind, notice)).toBe(sent);
  });
});

describe("consultation notice texts", () => {
  const texts = (locale: "en" | "ar" | "fr" | "es" | "de") => {
    const flat: Record<string, string> = {};
    const walk = (obj: object, prefix: string) => {
      for (const [k, v] of Object.entries(obj)) {
        if (typeof v === "string") flat[`${prefix}${k}`] = v;
        else walk(v as object, `${prefix}${k}.`);
      }
    };
    walk(MESSAGE_CATALOGS[locale].notifications?.consultation ?? {}, "");
    return flat;
  };
  const english = texts("en");

  it("every English notice text has a subject and a body", () => {
    const groups = new Set(
      Object.keys(english)
        .filter((k) => /\.(subject|body|body_refund)$/.test(k))
        .map((k) => k.replace(/\.[^.]+$/, "")),
    );
    expect(groups.size).toBeGreaterThan(30);
    for (const group of groups) {
      expect(english[`${group}.subject`]).toBeTruthy();
      expect(english[`${group}.body`]).toBeTruthy();
    }
  });

  it.each(["ar", "fr", "es", "de"] as const)(
    "%s is a translation, not an English copy, with the same placeholders",
    (locale) => {
      const translated = texts(locale);
      const placeholders = (s: string) => [...s.matchAll(/{{(\w+)}}/g)].map((m) => m[1]).sort();
      for (const [key, text] of Object.entries(english)) {
        expect(translated[key], key).toBeDefined();
        expect(translated[key], key).not.toBe(text);
        expect(placeholders(translated[key]!), key).toEqual(placeholders(text));
      }
    },
  );
});

describe("canonicalTimeZone", () => {
  it.each([
    ["a listed zone", "Europe/Paris", "Europe/Paris"],
    ["a listed zone in the wrong case", " europe/paris ", "Europe/Paris"],
    ["UTC in any case", "utc", "UTC"],
    ["an alias, kept as given", "Asia/Kolkata", "Asia/Kolkata"],
    ["an unknown name", "Mars/Olympus", null],
    ["an offset", "+01:00", null],
    ["an empty string", "", null],
    ["a name far too long", `Europe/${"A".repeat(80)}`, null],
  ])("%s: %j → %j", (_name, input, expected) => {
    expect(canonicalTimeZone(input)).toBe(expected);
  });
});
