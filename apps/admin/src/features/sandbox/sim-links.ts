import type { ConsoleLocale } from "../../lib/session";

/** Where the API serves its simulated providers' pages (Cal.com, Stripe Checkout, Connect…). */
const SIMULATOR_PATH = "/sim/";

/**
 * `url` with `locale=<locale>` in its query when it is one of the simulator's pages, so the
 * simulated booking, checkout, onboarding and portal pages speak the operator's language.
 * Other URLs (a real provider's) and anything unparsable come back unchanged; the query's
 * other parameters and the fragment are kept.
 */
export function withLocale(url: string, locale: ConsoleLocale): string;
export function withLocale(url: null | undefined, locale: ConsoleLocale): null;
export function withLocale(url: string | null | undefined, locale: ConsoleLocale): string | null;
export function withLocale(url: string | null | undefined, locale: ConsoleLocale): string | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (!parsed.pathname.startsWith(SIMULATOR_PATH)) return url;
  parsed.searchParams.set("locale", locale);
  return parsed.toString();
}
