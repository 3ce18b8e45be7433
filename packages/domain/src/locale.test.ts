import { describe, expect, it } from "vitest";
import {
  canonicalizeLocaleTag,
  localeFallbackChain,
  matchSupportedLocale,
  negotiateLocale,
  parseAcceptLanguage,
} from "./locale";
import { translator } from "./i18n";
import { MESSAGE_CATALOGS } from "./messages";
import { baseKey, catalogProblems } from "./catalog-check";
import { SUPPORTED_LOCALES } from "./locale";

describe("negotiateLocale", () => {
  it.each([
    ["X-Locale first", { explicit: "fr-MA", acceptLanguage: "de", userLocale: "es" }, "fr-MA"],
    ["Accept-Language next, by q-value", { acceptLanguage: "ja;q=1, de;q=0.5, es;q=0.8" }, "es"],
    ["then the user's locale", { acceptLanguage: "ja, zh", userLocale: "ar-SA" }, "ar-SA"],
    ["then English", {}, "en"],
    ["a region we don't list uses its base", { explicit: "ar-QA" }, "ar"],
    ["case and script are normalized", { explicit: "AR-arab-eg" }, "ar-EG"],
    ["an unsupported X-Locale falls through", { explicit: "ja", acceptLanguage: "de-AT" }, "de"],
    ["q=0 means not acceptable", { acceptLanguage: "fr;q=0, es" }, "es"],
  ] as const)("%s", (_name, sources, expected) => {
    expect(negotiateLocale(sources)).toBe(expected);
  });
});

describe("locale tags", () => {
  it("canonicalizes well-formed tags and rejects malformed ones", () => {
    expect(canonicalizeLocaleTag("fr-ma")).toBe("fr-MA");
    expect(canonicalizeLocaleTag("not a tag")).toBeNull();
    expect(canonicalizeLocaleTag("")).toBeNull();
  });

  it("matches supported locales", () => {
    expect(matchSupportedLocale("es-MX")).toBe("es");
    expect(matchSupportedLocale("pt-BR")).toBeNull();
  });

  it("parses Accept-Language, dropping junk and wildcards", () => {
    expect(parseAcceptLanguage("en-US,en;q=0.9,*;q=0.1,;q=0.5")).toEqual(["en-US", "en"]);
  });

  it("falls back regional → base → English", () => {
    expect(localeFallbackChain("ar-EG")).toEqual(["ar-EG", "ar", "en"]);
    expect(localeFallbackChain("en")).toEqual(["en"]);
  });
});

describe("message catalogs", () => {
  const keys = (obj: object, prefix = ""): string[] =>
    Object.entries(obj).flatMap(([k, v]) =>
      typeof v === "object" && v !== null ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
    );
  const english = keys(MESSAGE_CATALOGS.en).sort();

  // Plurals compared by their base key: Arabic has six forms where English has two.
  const bases = (catalog: object) => [...new Set(keys(catalog).map(baseKey))].sort();

  it.each(["ar", "fr", "es", "de"] as const)("%s translates every English message", (locale) => {
    expect(bases(MESSAGE_CATALOGS[locale])).toEqual(bases(MESSAGE_CATALOGS.en));
  });

  it.each(SUPPORTED_LOCALES)("%s resolves every message to real text, never the key", (locale) => {
    const t = translator(locale);
    for (const key of english) expect(t(key, { role: "x", seconds: 3 })).not.toBe(key);
  });

  it("a regional locale without its own text uses its base language", () => {
    expect(translator("fr-MA")("errors.TOKEN_EXPIRED")).toBe(
      translator("fr")("errors.TOKEN_EXPIRED"),
    );
    expect(translator("ar-AE")("errors.FORBIDDEN")).toBe("غير مسموح لك بالقيام بذلك.");
  });
});

describe("catalogProblems", () => {
  it("finds none in the shipped catalogs", () => {
    expect(catalogProblems(MESSAGE_CATALOGS)).toEqual([]);
  });

  const complete = { a: "A {{n}}", items_one: "one item", items_other: "{{count}} items" };
  const arabic = {
    a: "أ {{n}}",
    ...Object.fromEntries(
      ["zero", "one", "two", "few", "many", "other"].map((c) => [`items_${c}`, `${c} {{count}}`]),
    ),
  };
  const catalogs = (overrides: Partial<Record<string, object>>) =>
    ({
      en: complete,
      ar: arabic,
      fr: complete,
      es: complete,
      de: complete,
      "ar-EG": {},
      "ar-SA": {},
      "ar-AE": {},
      "fr-MA": {},
      ...overrides,
    }) as Parameters<typeof catalogProblems>[0];

  it.each([
    [
      "a key missing from a base language",
      { de: { items_one: "x", items_other: "y" } },
      'de: missing "a"',
    ],
    ["a key English lacks", { fr: { ...complete, extra: "x" } }, 'fr: "extra" is not in English'],
    [
      "an Arabic plural without its six forms",
      { ar: { a: "أ {{n}}", items_one: "x", items_other: "y" } },
      'ar: plural "items" lacks its "few" form',
    ],
    [
      "a variable renamed",
      { es: { ...complete, a: "A {{m}}" } },
      'es: "a" has variables {m}, English {n}',
    ],
    [
      "a regional copy of its base",
      { "fr-MA": { a: "A {{n}}" } },
      'fr-MA: "a" repeats fr; regional catalogs hold only what differs',
    ],
    ["a regional key its base lacks", { "ar-EG": { b: "ب" } }, 'ar-EG: "b" is not in ar'],
  ])("flags %s", (_name, overrides, problem) => {
    expect(catalogProblems(catalogs(overrides))).toContain(problem);
  });

  it("accepts complete catalogs with plurals", () => {
    expect(catalogProblems(catalogs({}))).toEqual([]);
  });
});
