import { isCountryCode } from "./countries";
import { err, ok, type Result } from "./result";

/**
 * Stripe's service agreement for a connected account: `full` (the default; the account
 * could also take payments) or `recipient` (it only receives transfers; needed for
 * cross-border payouts, and fixed once accepted).
 */
export type ServiceAgreement = "full" | "recipient";

/** The Express account to create for an advisor: where, and under which agreement. */
export type ConnectAccountPlan = { country: string; serviceAgreement: ServiceAgreement };

export type ConnectRegionError = { code: "CONNECT_COUNTRY_NOT_SUPPORTED"; country: string };

/** The European Economic Area: the EU 27 plus Iceland, Liechtenstein and Norway. */
const EEA = new Set([
  ..."AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split(" "),
  ..."IS LI NO".split(" "),
]);

/**
 * The regions among which Stripe allows cross-border payouts: "Platforms based in the US,
 * UK, EEA, Canada, or Switzerland can transfer funds to connected accounts in any of those
 * regions" (connect/cross-border-payouts, reference §2.11).
 */
type CrossBorderRegion = "US" | "UK" | "EEA" | "CA" | "CH";

function crossBorderRegionOf(country: string): CrossBorderRegion | null {
  if (country === "US" || country === "CA" || country === "CH") return country;
  if (country === "GB") return "UK";
  return EEA.has(country) ? "EEA" : null;
}

/**
 * The region a country's accounts share with a platform: one of the cross-border regions,
 * or the country on its own (Stripe: "In most scenarios, your platform and any connected
 * account must be in the same region").
 */
function regionOf(country: string): string {
  return crossBorderRegionOf(country) ?? `country:${country}`;
}

/**
 * Where an advisor's Express account is created, given the platform's country and the
 * advisor's (from their application; old advisors without one are taken to be in the
 * platform's country):
 * - same country, or same region (two EEA countries) → a normal account in the advisor's
 *   country, `full` service agreement;
 * - platform in the US, UK, EEA, Canada or Switzerland and advisor in another of those →
 *   a cross-border account in the advisor's country under the `recipient` agreement
 *   (transfers only, which is all separate charges and transfers needs);
 * - anything else (e.g. a JP advisor on a US platform, or any foreign advisor on a
 *   platform outside those regions) → CONNECT_COUNTRY_NOT_SUPPORTED: Stripe would refuse
 *   the transfers, so no account is made.
 */
export function planConnectAccount(input: {
  platformCountry: string;
  advisorCountry: string | null;
}): Result<ConnectAccountPlan, ConnectRegionError> {
  const platform = input.platformCountry;
  const advisor = input.advisorCountry ?? platform;
  if (!isCountryCode(advisor)) {
    return err({ code: "CONNECT_COUNTRY_NOT_SUPPORTED", country: advisor });
  }
  if (advisor === platform || regionOf(advisor) === regionOf(platform)) {
    return ok({ country: advisor, serviceAgreement: "full" });
  }
  if (crossBorderRegionOf(platform) && crossBorderRegionOf(advisor)) {
    return ok({ country: advisor, serviceAgreement: "recipient" });
  }
  return err({ code: "CONNECT_COUNTRY_NOT_SUPPORTED", country: advisor });
}
