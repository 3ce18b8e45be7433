import ar from "./locales/ar.json" with { type: "json" };
import arAE from "./locales/ar-AE.json" with { type: "json" };
import arEG from "./locales/ar-EG.json" with { type: "json" };
import arSA from "./locales/ar-SA.json" with { type: "json" };
import de from "./locales/de.json" with { type: "json" };
import en from "./locales/en.json" with { type: "json" };
import es from "./locales/es.json" with { type: "json" };
import frMA from "./locales/fr-MA.json" with { type: "json" };
import fr from "./locales/fr.json" with { type: "json" };
import type { Locale } from "./locale";

/** The message catalog's shape, taken from English, which is always complete. */
export type MessageCatalog = typeof en;

/**
 * Message catalogs for every supported locale, as data: the apps load them into their i18n
 * library. Regional catalogs hold only what differs from their base language; lookups fall
 * back regional → base → English.
 */
export const MESSAGE_CATALOGS: Record<Locale, Partial<MessageCatalog>> = {
  en,
  ar,
  "ar-EG": arEG,
  "ar-SA": arSA,
  "ar-AE": arAE,
  fr,
  "fr-MA": frMA,
  es,
  de,
};
