import { SUPPORTED_LOCALES, type Locale } from "./locale";

/** Plural suffixes i18next appends to a key (`items_one`, `items_few`). */
const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

type Tree = { [key: string]: string | Tree };

/** Every leaf key of a catalog, dotted (`console.nav.ledger`), with its text. */
export function flattenCatalog(tree: object, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree as Tree)) {
    if (typeof value === "string") out.set(`${prefix}${key}`, value);
    else for (const [k, v] of flattenCatalog(value, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

/** A key without its plural suffix: the name callers pass to t(). */
export function baseKey(key: string): string {
  return key.replace(PLURAL_SUFFIX, "");
}

function variables(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1]!).sort();
}

const BASE_LANGUAGES = ["en", "ar", "fr", "es", "de"] as const;

function baseOf(locale: Locale): Locale {
  return locale.split("-")[0] as Locale;
}

/**
 * What is wrong with a set of catalogs, one readable line each (empty when all is well):
 * - every base language has every English key (plurals compared by their base key, each
 *   with the plural forms its language needs, e.g. Arabic's six);
 * - interpolation variables match English's;
 * - a regional catalog holds only keys its base has, each with text that differs from it.
 */
export function catalogProblems(catalogs: Record<Locale, object>): string[] {
  const problems: string[] = [];
  const english = flattenCatalog(catalogs.en);
  const englishVars = new Map<string, string>();
  for (const [key, text] of english) englishVars.set(baseKey(key), variables(text).join(","));
  const englishBases = new Set([...english.keys()].map(baseKey));
  const pluralBases = new Set(
    [...english.keys()].filter((k) => PLURAL_SUFFIX.test(k)).map(baseKey),
  );

  for (const locale of BASE_LANGUAGES) {
    const catalog = flattenCatalog(catalogs[locale]);
    const bases = new Set([...catalog.keys()].map(baseKey));
    for (const key of englishBases) {
      if (!bases.has(key)) problems.push(`${locale}: missing "${key}"`);
    }
    for (const key of bases) {
      if (!englishBases.has(key)) problems.push(`${locale}: "${key}" is not in English`);
    }
    // French and Spanish "many" is for exact millions ("1 000 000 de"), which i18next
    // serves from "other" when absent; every other category a language has is required.
    const categories = new Intl.PluralRules(locale)
      .resolvedOptions()
      .pluralCategories.filter((c) => !(c === "many" && (locale === "fr" || locale === "es")));
    for (const key of pluralBases) {
      for (const category of categories) {
        if (!catalog.has(`${key}_${category}`)) {
          problems.push(`${locale}: plural "${key}" lacks its "${category}" form`);
        }
      }
    }
    for (const [key, text] of catalog) {
      const expected = englishVars.get(baseKey(key));
      const found = variables(text);
      // A plural form may leave out {{count}} ("one item" spelt out), nothing else.
      const comparable = PLURAL_SUFFIX.test(key)
        ? found.filter((v) => v !== "count").join(",")
        : found.join(",");
      const wanted = PLURAL_SUFFIX.test(key)
        ? (expected ?? "")
            .split(",")
            .filter((v) => v && v !== "count")
            .join(",")
        : expected;
      if (expected !== undefined && comparable !== wanted) {
        problems.push(
          `${locale}: "${key}" has variables {${found.join(",")}}, English {${expected}}`,
        );
      }
    }
  }

  for (const locale of SUPPORTED_LOCALES) {
    const base = baseOf(locale);
    if (base === locale) continue;
    const baseCatalog = flattenCatalog(catalogs[base]);
    for (const [key, text] of flattenCatalog(catalogs[locale])) {
      if (!baseCatalog.has(key)) problems.push(`${locale}: "${key}" is not in ${base}`);
      else if (baseCatalog.get(key) === text) {
        problems.push(
          `${locale}: "${key}" repeats ${base}; regional catalogs hold only what differs`,
        );
      }
    }
  }
  return problems;
}
