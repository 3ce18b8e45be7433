import { type CountryError, isCountryCode } from "./countries";
import { type CurrencyCode, isCurrencyCode, type Money } from "./money";
import { type PricingRules, validateHourlyRate } from "./pricing";
import { err, ok, type Result } from "./result";

/**
 * What an applicant applies with, as stored in `advisor_applications.profile` (and snapshotted
 * per round). Drafts may leave anything out; a submitted profile has every field in
 * {@link REQUIRED_PROFILE_FIELDS}. The API validates shapes (https links, IANA time zone,
 * BCP-47 languages); `skillIds` are stored resolved to unmerged skills. `hourlyRate` is in
 * minor units of `currency`.
 */
export type ApplicationProfile = {
  displayName?: string;
  headline?: string;
  bio?: string;
  avatarPath?: string | null;
  skillIds?: string[];
  languages?: string[];
  timeZone?: string;
  /**
   * Where the advisor lives and is paid (ISO 3166-1 alpha-2): their Stripe account is
   * created there. Required on submission; applications from before it have none.
   */
  country?: string;
  yearsExperience?: number;
  portfolioUrl?: string | null;
  linkedinUrl?: string | null;
  githubUrl?: string | null;
  hourlyRate?: number;
  currency?: string;
  calcomEventType?: string | null;
};

/** Fields a profile must have to be submitted. Links, avatar and Cal.com event are optional. */
export const REQUIRED_PROFILE_FIELDS = [
  "displayName",
  "headline",
  "bio",
  "skillIds",
  "languages",
  "timeZone",
  "country",
  "yearsExperience",
  "hourlyRate",
  "currency",
] as const satisfies readonly (keyof ApplicationProfile)[];

/**
 * Required fields an application submitted before they were required may lack: approving
 * it doesn't ask for them (the advisor's row leaves them empty).
 */
export const LATER_REQUIRED_PROFILE_FIELDS = [
  "country",
] as const satisfies readonly (typeof REQUIRED_PROFILE_FIELDS)[number][];

/**
 * Required fields the profile lacks (absent, blank or an empty list), in form order. For
 * `approval` of an already submitted profile, {@link LATER_REQUIRED_PROFILE_FIELDS} are
 * not asked for.
 */
export function missingProfileFields(
  profile: ApplicationProfile,
  options: { for?: "submission" | "approval" } = {},
): string[] {
  const later: readonly string[] = options.for === "approval" ? LATER_REQUIRED_PROFILE_FIELDS : [];
  return REQUIRED_PROFILE_FIELDS.filter((field) => {
    if (later.includes(field)) return false;
    const value = profile[field];
    if (value === undefined || value === null) return true;
    if (typeof value === "string") return value.trim() === "";
    if (Array.isArray(value)) return value.length === 0;
    return false;
  });
}

/** Why a rate can't be accepted: outside the platform's limits, or a currency it doesn't offer. */
export type ApplicationRateError =
  | { code: "RATE_OUT_OF_LIMITS"; minimum: Money; maximum: Money }
  /** `offered`: the currencies the rules list, so the message can name them. */
  | { code: "CURRENCY_NOT_OFFERED"; currency: string; offered: CurrencyCode[] };

/** The currencies pricing rules offer (the ones with limits), in code order. */
export function currenciesOffered(rules: PricingRules): CurrencyCode[] {
  return (Object.keys(rules.limits) as CurrencyCode[])
    .filter((code) => rules.limits[code] !== undefined)
    .sort();
}

/**
 * An hourly rate (minor units of `currency`) checked against the platform's limits: the
 * rate as Money, or why it can't be accepted. The one rate rule of applications and of
 * an advisor's own rate changes.
 */
export function checkHourlyRate(
  amount: number,
  currency: string,
  rules: PricingRules,
): Result<Money, ApplicationRateError> {
  const notOffered = () =>
    err({ code: "CURRENCY_NOT_OFFERED" as const, currency, offered: currenciesOffered(rules) });
  if (!isCurrencyCode(currency)) return notOffered();
  const checked = validateHourlyRate({ amount, currency }, rules);
  if (checked.ok) return ok(checked.value);
  const e = checked.error;
  if (e.code === "RATE_BELOW_MINIMUM" || e.code === "RATE_ABOVE_MAXIMUM") {
    return err({ code: "RATE_OUT_OF_LIMITS", minimum: e.minimum, maximum: e.maximum });
  }
  // Money errors (a fractional amount) can't reach here past the API's integer check; a
  // currency the rules don't list is the only other outcome.
  return notOffered();
}

/**
 * Checks the rate against the platform's limits once both rate and currency are given (a
 * draft may have neither yet).
 */
export function checkApplicationRate(
  profile: ApplicationProfile,
  rules: PricingRules,
): Result<null, ApplicationRateError> {
  const { hourlyRate, currency } = profile;
  if (hourlyRate === undefined || currency === undefined) return ok(null);
  const checked = checkHourlyRate(hourlyRate, currency, rules);
  return checked.ok ? ok(null) : checked;
}

/**
 * The profile's country, once given, is an assigned ISO 3166-1 alpha-2 code (the API's
 * schema upper-cases it; this is the rule whatever the caller).
 */
export function checkApplicationCountry(profile: ApplicationProfile): Result<null, CountryError> {
  const { country } = profile;
  if (country === undefined || isCountryCode(country)) return ok(null);
  return err({ code: "INVALID_COUNTRY", value: country });
}
