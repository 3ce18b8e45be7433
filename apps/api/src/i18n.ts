import { createInstance, type TFunction } from "i18next";
import { DEFAULT_LOCALE, type Locale, MESSAGE_CATALOGS, SUPPORTED_LOCALES } from "@an/domain";

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
});

/** A translator bound to one locale. */
export function translator(locale: Locale): TFunction {
  return i18n.getFixedT(locale);
}
