import { describe, expect, it } from "vitest";
import { planConnectAccount } from "./connect-region";
import { COUNTRY_CODES, isCountryCode } from "./countries";

describe("planConnectAccount", () => {
  const cases: [platform: string, advisor: string | null, expected: string][] = [
    // Same country: a normal account there.
    ["US", "US", "US full"],
    ["DE", "DE", "DE full"],
    ["JP", "JP", "JP full"],
    ["AE", "AE", "AE full"],
    // No country on file (advisors from before the field): the platform's.
    ["US", null, "US full"],
    ["GB", null, "GB full"],
    // Same region: the EEA is one.
    ["DE", "FR", "FR full"],
    ["FR", "NO", "NO full"],
    ["IE", "IS", "IS full"],
    // Cross-border among the US, UK, EEA, Canada and Switzerland: recipient.
    ["US", "DE", "DE recipient"],
    ["US", "GB", "GB recipient"],
    ["US", "CA", "CA recipient"],
    ["US", "CH", "CH recipient"],
    ["GB", "US", "US recipient"],
    ["GB", "FR", "FR recipient"],
    ["DE", "GB", "GB recipient"],
    ["CH", "LI", "LI recipient"],
    ["CA", "US", "US recipient"],
    // Outside those regions: not supported.
    ["US", "JP", "not supported"],
    ["US", "AE", "not supported"],
    ["US", "EG", "not supported"],
    ["US", "MA", "not supported"],
    ["DE", "SA", "not supported"],
    // A platform outside them can't pay across its border at all.
    ["JP", "US", "not supported"],
    ["AE", "SA", "not supported"],
    ["AU", "NZ", "not supported"],
    // Not a country.
    ["US", "UK", "not supported"],
    ["US", "EU", "not supported"],
  ];

  it.each(cases)("platform %s, advisor %s → %s", (platform, advisor, expected) => {
    const plan = planConnectAccount({ platformCountry: platform, advisorCountry: advisor });
    const got = plan.ok ? `${plan.value.country} ${plan.value.serviceAgreement}` : "not supported";
    expect(got).toBe(expected);
    if (!plan.ok) {
      expect(plan.error).toEqual({
        code: "CONNECT_COUNTRY_NOT_SUPPORTED",
        country: advisor ?? platform,
      });
    }
  });

  it("always creates the account in the advisor's own country", () => {
    for (const advisor of ["FR", "CA", "GB", "CH", "US", "SE"]) {
      const plan = planConnectAccount({ platformCountry: "US", advisorCountry: advisor });
      expect(plan.ok && plan.value.country).toBe(advisor);
    }
  });
});

describe("isCountryCode", () => {
  it("knows the 249 assigned codes, upper case only", () => {
    expect(COUNTRY_CODES).toHaveLength(249);
    expect(new Set(COUNTRY_CODES).size).toBe(249);
    for (const code of ["US", "DE", "GB", "EG", "MA", "AE", "SA", "JP", "AX"]) {
      expect(isCountryCode(code)).toBe(true);
    }
    for (const code of ["us", "UK", "EU", "XK", "ZZ", "USA", "", "D"]) {
      expect(isCountryCode(code)).toBe(false);
    }
  });
});
