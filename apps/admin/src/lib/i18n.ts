import { type Translator, translator } from "@an/domain";
import { useMemo } from "react";
import { useLocale } from "./session";

/**
 * The console's strings, from the same catalogs (and the same i18next conventions) as the
 * API's messages, in the locale picked in the header. Keys live under `console.` in
 * packages/domain/src/locales/*.json.
 */
export function useT(): Translator {
  const locale = useLocale();
  return useMemo(() => translator(locale), [locale]);
}
