/**
 * The locales the product speaks. A regional locale (ar-EG) falls back to its base (ar),
 * and every locale falls back to English.
 */
export const SUPPORTED_LOCALES = [
  "en",
  "ar",
  "ar-EG",
  "ar-SA",
  "ar-AE",
  "fr",
  "fr-MA",
  "es",
  "de",
] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "en";

export function isSupportedLocale(value: string): value is Locale {
  return (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

/**
 * Canonicalizes a BCP-47 tag (`AR-eg` → `ar-EG`), or returns null when it is not a
 * well-formed tag.
 */
export function canonicalizeLocaleTag(tag: string): string | null {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag.trim());
    return canonical ?? null;
  } catch {
    return null;
  }
}

/**
 * The supported locale that best serves a well-formed tag: the tag itself, else its
 * language plus region, else its base language (`fr-CA` → `fr`, `ar-Arab-EG` → `ar-EG`).
 * Null when the language isn't supported at all.
 */
export function matchSupportedLocale(tag: string): Locale | null {
  const canonical = canonicalizeLocaleTag(tag);
  if (!canonical) return null;
  if (isSupportedLocale(canonical)) return canonical;
  const parsed = new Intl.Locale(canonical);
  const languageRegion = parsed.region ? `${parsed.language}-${parsed.region}` : null;
  if (languageRegion && isSupportedLocale(languageRegion)) return languageRegion;
  return isSupportedLocale(parsed.language) ? parsed.language : null;
}

export type LocaleSources = {
  /** The X-Locale header, already validated as a well-formed tag. */
  explicit?: string | null;
  /** Accept-Language header value, e.g. `fr-CA,fr;q=0.9,en;q=0.5`. */
  acceptLanguage?: string | null;
  /** The signed-in user's stored locale. */
  userLocale?: string | null;
};

/**
 * Parses an Accept-Language header into tags ordered by preference (q-value, then order).
 * Malformed entries and `*` are dropped: the header is a hint, never an error.
 */
export function parseAcceptLanguage(header: string): string[] {
  return header
    .split(",")
    .map((part, index) => {
      const [rawTag = "", ...params] = part.trim().split(";");
      const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const q = qParam ? Number(qParam.slice(2)) : 1;
      return { tag: rawTag.trim(), q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((entry) => entry.tag !== "" && entry.tag !== "*" && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((entry) => entry.tag);
}

/**
 * Picks the response locale: X-Locale → Accept-Language → the user's locale → English.
 * A source whose language we don't support is passed over, not an error.
 */
export function negotiateLocale(sources: LocaleSources): Locale {
  if (sources.explicit) {
    const match = matchSupportedLocale(sources.explicit);
    if (match) return match;
  }
  if (sources.acceptLanguage) {
    for (const tag of parseAcceptLanguage(sources.acceptLanguage)) {
      const match = matchSupportedLocale(tag);
      if (match) return match;
    }
  }
  if (sources.userLocale) {
    const match = matchSupportedLocale(sources.userLocale);
    if (match) return match;
  }
  return DEFAULT_LOCALE;
}

/**
 * The chain of resource languages to look a message up in, most specific first:
 * `ar-EG` → [`ar-EG`, `ar`, `en`].
 */
export function localeFallbackChain(locale: Locale): Locale[] {
  const chain: Locale[] = [locale];
  const base = locale.split("-")[0] ?? DEFAULT_LOCALE;
  if (base !== locale && isSupportedLocale(base)) chain.push(base);
  if (!chain.includes(DEFAULT_LOCALE)) chain.push(DEFAULT_LOCALE);
  return chain;
}
