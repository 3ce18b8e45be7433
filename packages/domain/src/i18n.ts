import { createInstance, type TFunction } from "i18next";
import { DEFAULT_LOCALE, type Locale, SUPPORTED_LOCALES } from "./locale";
import { MESSAGE_CATALOGS } from "./messages";

const i18n = createInstance();
void i18n.init({
  resources: Object.fromEntries(
    Object.entries(MESSAGE_CATALOGS).map(([locale, catalog]) => [locale, { translation: catalog }]),
  ),
  supportedLngs: [...SUPPORTED_LOCALES],
  // ar-EG → ar → en: i18next walks from the regional code to its base, then to this.
  fallbackLng: DEFAULT_LOCALE,
  load: "all",
  initAsync: false,
  interpolation: { escapeValue: false },
  returnNull: false,
  showSupportNotice: false,
});

/**
 * A translator bound to one locale, over the bundled catalogs. Loading is synchronous and
 * in memory: no I/O, so it belongs with the other pure rules.
 */
export type Translator = TFunction;

export function translator(locale: Locale): Translator {
  return i18n.getFixedT(locale);
}
