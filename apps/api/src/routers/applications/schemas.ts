import { canonicalizeLocaleTag, isCountryCode } from "@an/domain";
import { z } from "zod";
import { text } from "../schemas";

/** An https link, optionally required to be on one of `domains` (or their subdomains). */
function isHttpsLink(value: string, domains?: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol !== "https:" || url.username || url.password || !url.hostname.includes("."))
    return false;
  const host = url.hostname.toLowerCase();
  return !domains || domains.some((d) => host === d || host.endsWith(`.${d}`));
}

/** An optional link: blank clears it (null); anything else must pass `isHttpsLink`. */
const linkSchema = (domains?: readonly string[]) =>
  z
    .string()
    .trim()
    .max(500)
    .refine((v) => v === "" || isHttpsLink(v, domains), { error: "INVALID_LINK" })
    .transform((v) => v || null)
    .nullish();

/** A valid IANA time zone, stored in its canonical spelling ("europe/paris" → "Europe/Paris"). */
const timeZoneSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .transform((value, ctx) => {
    // Offsets ("+01:00"), which newer Intl versions accept, are not zones anyone lives in.
    if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(value)) {
      ctx.addIssue({ code: "custom", message: "not an IANA time zone" });
      return z.NEVER;
    }
    try {
      return new Intl.DateTimeFormat("en", { timeZone: value }).resolvedOptions().timeZone;
    } catch {
      ctx.addIssue({ code: "custom", message: "not an IANA time zone" });
      return z.NEVER;
    }
  });

/** A well-formed BCP-47 tag, canonicalized ("EN-us" → "en-US"). */
const languageSchema = z
  .string()
  .trim()
  .min(2)
  .max(35)
  .transform((value, ctx) => {
    const canonical = canonicalizeLocaleTag(value);
    if (!canonical) {
      ctx.addIssue({ code: "custom", message: "not a BCP-47 language tag" });
      return z.NEVER;
    }
    return canonical;
  });

/** A Cal.com event type: its numeric id or its https booking URL (self-hosted allowed). */
const calcomEventTypeSchema = z.preprocess(
  (v) => (typeof v === "number" ? String(v) : v),
  z
    .string()
    .trim()
    .max(500)
    .refine((v) => v === "" || /^[1-9]\d{0,11}$/.test(v) || isHttpsLink(v), {
      error: "INVALID_LINK",
    })
    .transform((v) => v || null)
    .nullish(),
);

/**
 * The application form. Every field is optional so a draft can be saved at any point;
 * submission checks completeness. Unknown fields are refused rather than dropped.
 * `hourlyRate` is in minor units of `currency` (cents for USD).
 */
export const applicationProfileSchema = z.strictObject({
  displayName: text().trim().min(2).max(80).optional(),
  headline: text().trim().min(1).max(160).optional(),
  bio: text().trim().min(1).max(5000).optional(),
  /** Where the lead's upload flow stored the avatar; the upload itself is not done here. */
  avatarPath: text().trim().min(1).max(500).nullish(),
  /** Ids from the skills taxonomy; unknown ones are UNKNOWN_SKILLS. */
  skillIds: z.array(text().trim().min(1).max(100)).max(30).optional(),
  languages: z
    .array(languageSchema)
    .max(20)
    .transform((tags) => [...new Set(tags)])
    .optional(),
  timeZone: timeZoneSchema.optional(),
  /** Where the advisor lives and is paid: ISO 3166-1 alpha-2 ("de" is taken as "DE"). */
  country: z
    .string()
    .trim()
    .toUpperCase()
    .refine(isCountryCode, { error: "INVALID_COUNTRY" })
    .optional(),
  yearsExperience: z.number().int().min(0).max(80).optional(),
  portfolioUrl: linkSchema(),
  linkedinUrl: linkSchema(["linkedin.com"]),
  githubUrl: linkSchema(["github.com"]),
  hourlyRate: z.number().int().min(0).max(1_000_000_000).optional(),
  currency: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{3}$/, { error: "CURRENCY_NOT_OFFERED" })
    .optional(),
  calcomEventType: calcomEventTypeSchema,
});

export const applicationIdSchema = z.uuid();
