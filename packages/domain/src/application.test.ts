import { describe, expect, it } from "vitest";
import { DEFAULT_PRICING_RULES } from "./rule-sets";
import {
  type ApplicationProfile,
  checkApplicationCountry,
  checkApplicationRate,
  checkHourlyRate,
  missingProfileFields,
  REQUIRED_PROFILE_FIELDS,
} from "./application";

const COMPLETE: ApplicationProfile = {
  displayName: "Ada Lovelace",
  headline: "Analytical engines",
  bio: "Notes on the engine.",
  skillIds: ["11111111-1111-4111-8111-111111111111"],
  languages: ["en"],
  timeZone: "Europe/London",
  country: "GB",
  yearsExperience: 0,
  hourlyRate: 5_000,
  currency: "USD",
};

describe("missingProfileFields", () => {
  it("a complete profile lacks nothing; links, avatar and Cal.com event are optional", () => {
    expect(missingProfileFields(COMPLETE)).toEqual([]);
    expect(
      missingProfileFields({
        ...COMPLETE,
        avatarPath: null,
        portfolioUrl: null,
        linkedinUrl: null,
        githubUrl: null,
        calcomEventType: null,
      }),
    ).toEqual([]);
  });

  it("an empty draft lacks every required field, in form order", () => {
    expect(missingProfileFields({})).toEqual([...REQUIRED_PROFILE_FIELDS]);
  });

  it.each<[string, ApplicationProfile, string[]]>([
    ["an absent name", { ...COMPLETE, displayName: undefined }, ["displayName"]],
    ["a blank headline", { ...COMPLETE, headline: "   " }, ["headline"]],
    ["an empty skill list", { ...COMPLETE, skillIds: [] }, ["skillIds"]],
    ["an empty language list", { ...COMPLETE, languages: [] }, ["languages"]],
    [
      "no rate and no currency",
      { ...COMPLETE, hourlyRate: undefined, currency: undefined },
      ["hourlyRate", "currency"],
    ],
  ])("%s is missing", (_name, profile, expected) => {
    expect(missingProfileFields(profile)).toEqual(expected);
  });

  it("zero years of experience counts as given", () => {
    expect(missingProfileFields({ ...COMPLETE, yearsExperience: 0 })).toEqual([]);
  });

  it("a new submission needs the country; approving one submitted before it doesn't", () => {
    const old = { ...COMPLETE, country: undefined };
    expect(missingProfileFields(old)).toEqual(["country"]);
    expect(missingProfileFields({ ...COMPLETE, country: " " })).toEqual(["country"]);
    expect(missingProfileFields(old, { for: "approval" })).toEqual([]);
    // Approval still needs everything that was always required.
    expect(missingProfileFields({ ...old, headline: "" }, { for: "approval" })).toEqual([
      "headline",
    ]);
  });
});

describe("checkApplicationCountry", () => {
  it("accepts an assigned ISO 3166-1 alpha-2 code, or none yet (a draft)", () => {
    expect(checkApplicationCountry({ country: "DE" })).toEqual({ ok: true, value: null });
    expect(checkApplicationCountry({})).toEqual({ ok: true, value: null });
  });

  it.each(["de", "UK", "EU", "DEU", "XX", ""])("refuses %j", (country) => {
    expect(checkApplicationCountry({ country })).toEqual({
      ok: false,
      error: { code: "INVALID_COUNTRY", value: country },
    });
  });
});

describe("checkApplicationRate", () => {
  const usd = (amount: number) => ({ amount, currency: "USD" as const });

  it.each<[string, ApplicationProfile, ReturnType<typeof checkApplicationRate>]>([
    ["no rate yet is fine (a draft)", { currency: "USD" }, { ok: true, value: null }],
    ["no currency yet is fine (a draft)", { hourlyRate: 5_000 }, { ok: true, value: null }],
    ["a rate within the limits", { hourlyRate: 5_000, currency: "USD" }, { ok: true, value: null }],
    ["the minimum itself", { hourlyRate: 2_000, currency: "USD" }, { ok: true, value: null }],
    ["the maximum itself", { hourlyRate: 100_000, currency: "USD" }, { ok: true, value: null }],
    [
      "below the minimum",
      { hourlyRate: 1_999, currency: "USD" },
      {
        ok: false,
        error: { code: "RATE_OUT_OF_LIMITS", minimum: usd(2_000), maximum: usd(100_000) },
      },
    ],
    [
      "above the maximum",
      { hourlyRate: 100_001, currency: "USD" },
      {
        ok: false,
        error: { code: "RATE_OUT_OF_LIMITS", minimum: usd(2_000), maximum: usd(100_000) },
      },
    ],
    [
      "a currency the rules don't list",
      { hourlyRate: 5_000, currency: "JPY" },
      {
        ok: false,
        error: {
          code: "CURRENCY_NOT_OFFERED",
          currency: "JPY",
          offered: ["AED", "EGP", "EUR", "GBP", "MAD", "SAR", "USD"],
        },
      },
    ],
    [
      "something that is no currency code",
      { hourlyRate: 5_000, currency: "dollars" },
      {
        ok: false,
        error: {
          code: "CURRENCY_NOT_OFFERED",
          currency: "dollars",
          offered: ["AED", "EGP", "EUR", "GBP", "MAD", "SAR", "USD"],
        },
      },
    ],
  ])("%s", (_name, profile, expected) => {
    expect(checkApplicationRate(profile, DEFAULT_PRICING_RULES)).toEqual(expected);
  });
});

describe("checkHourlyRate", () => {
  it.each<[string, number, string, ReturnType<typeof checkHourlyRate>]>([
    [
      "a rate within the limits is the rate",
      12_000,
      "USD",
      { ok: true, value: { amount: 12_000, currency: "USD" } },
    ],
    [
      "below the minimum names both limits",
      100,
      "USD",
      {
        ok: false,
        error: {
          code: "RATE_OUT_OF_LIMITS",
          minimum: { amount: 2_000, currency: "USD" },
          maximum: { amount: 100_000, currency: "USD" },
        },
      },
    ],
    [
      "no currency code",
      12_000,
      "usd!",
      {
        ok: false,
        error: {
          code: "CURRENCY_NOT_OFFERED",
          currency: "usd!",
          offered: ["AED", "EGP", "EUR", "GBP", "MAD", "SAR", "USD"],
        },
      },
    ],
  ])("%s", (_name, amount, currency, expected) => {
    expect(checkHourlyRate(amount, currency, DEFAULT_PRICING_RULES)).toEqual(expected);
  });
});
