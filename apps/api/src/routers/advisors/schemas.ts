import { canonicalizeLocaleTag } from "@an/domain";
import { z } from "zod";
import { text } from "../schemas";

/** The host is `domain` or one of its subdomains (www.linkedin.com, uk.linkedin.com). */
function onDomain(hostname: string, domain: string): boolean {
  return hostname === domain || hostname.endsWith(`.${domain}`);
}

function isHttpsLink(value: string, domain?: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol !== "https:" || url.username || url.password) return false;
  return domain ? onDomain(url.hostname, domain) : url.hostname.includes(".");
}

/**
 * A profile link: a full https:// URL (no credentials), optionally on one domain. Null
 * clears it. Anything else is INVALID_LINK on that field.
 */
export function linkSchema(domain?: string) {
  return z
    .string()
    .trim()
    .max(500)
    .refine((value) => isHttpsLink(value, domain), { error: "INVALID_LINK" })
    .nullable();
}

export { timeZoneSchema } from "../schemas";

/** A BCP-47 language code, canonicalized ("EN" → "en", "ar-eg" → "ar-EG"). */
export const languageSchema = z
  .string()
  .trim()
  .min(2)
  .max(35)
  .transform((value, ctx) => {
    const canonical = canonicalizeLocaleTag(value);
    if (!canonical) {
      ctx.addIssue({ code: "custom", message: "invalid language tag" });
      return z.NEVER;
    }
    return canonical;
  });

/** An admin's reason for suspending or reinstating: required, kept in the audit log. */
export const reasonSchema = text().trim().min(3).max(1000);
