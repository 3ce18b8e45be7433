import ar from "../locales/ar.json";
import de from "../locales/de.json";
import en from "../locales/en.json";
import es from "../locales/es.json";
import fr from "../locales/fr.json";
import { type ConsoleLocale, useLocale } from "./session";

/** The console's catalog shape, taken from English, which is always complete. */
type Catalog = typeof en;

/** Every message key, as a dotted path into the catalog ("unappliedCharge.badge"). */
export type MessageKey = {
  [Section in keyof Catalog]: `${Section & string}.${keyof Catalog[Section] & string}`;
}[keyof Catalog];

const CATALOGS: Record<ConsoleLocale, Partial<Catalog>> = { en, ar, fr, es, de };

function lookup(catalog: Partial<Catalog>, key: MessageKey): string | undefined {
  const [section, name] = key.split(".") as [keyof Catalog, string];
  return (catalog[section] as Record<string, string> | undefined)?.[name];
}

/**
 * The message `key` in `locale` (English when a catalog lacks it), with `{{name}}`
 * placeholders replaced by `params`.
 */
export function translate(
  locale: ConsoleLocale,
  key: MessageKey,
  params: Record<string, string | number> = {},
): string {
  const template = lookup(CATALOGS[locale], key) ?? lookup(en, key) ?? key;
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/** `translate` bound to the operator's current language. */
export function useT() {
  const locale = useLocale();
  return (key: MessageKey, params?: Record<string, string | number>) =>
    translate(locale, key, params);
}
