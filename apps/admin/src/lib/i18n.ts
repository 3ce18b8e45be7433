import { DEFAULT_LOCALE, MESSAGE_CATALOGS, SUPPORTED_LOCALES, type Translator } from "@an/domain";
import { createInstance } from "i18next";
import { initReactI18next, useTranslation } from "react-i18next";
import { getLocale } from "./session";

/**
 * The console's i18next instance over the same catalogs as the API's messages (keys for the
 * console live under `console.` in packages/domain/src/locales/*.json). Plurals (`_one`,
 * `_other`, Arabic's six forms) and interpolation are the library's; regional catalogs hold
 * only what differs and fall back regional → base → English.
 */
export const i18n = createInstance();
void i18n.use(initReactI18next).init({
  resources: Object.fromEntries(
    Object.entries(MESSAGE_CATALOGS).map(([locale, catalog]) => [locale, { translation: catalog }]),
  ),
  lng: getLocale(),
  supportedLngs: [...SUPPORTED_LOCALES],
  fallbackLng: DEFAULT_LOCALE,
  load: "all",
  initAsync: false,
  // React escapes what it renders; escaping here too would show "&amp;".
  interpolation: { escapeValue: false },
  returnNull: false,
  showSupportNotice: false,
  react: { useSuspense: false },
});

/** The translate function for the console's current locale; re-renders when it changes. */
export function useT(): Translator {
  return useTranslation().t;
}
