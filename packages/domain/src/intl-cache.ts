/**
 * Intl formatters, built once per locale and options. Building one costs far more than
 * using it (tens to hundreds of microseconds: locale data, time zone rules), and a
 * notification renders several: per call, they were a quarter of a worker's CPU in
 * bench/webhooks.ts. Formatters are immutable, so sharing them changes no output. The
 * cache is bounded: locales and zones come from users, and a full cache starts over.
 */
const MAX_ENTRIES = 500;

function cached<T>(cache: Map<string, T>, key: string, make: () => T): T {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const made = make();
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(key, made);
  return made;
}

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
const numberFormats = new Map<string, Intl.NumberFormat>();

/** `new Intl.DateTimeFormat(locale, options)`, shared; throws as the constructor does. */
export function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions) {
  return cached(
    dateTimeFormats,
    `${locale}\u0000${JSON.stringify(options)}`,
    () => new Intl.DateTimeFormat(locale, options),
  );
}

/** `new Intl.NumberFormat(locale, options)`, shared; throws as the constructor does. */
export function numberFormat(locale: string, options: Intl.NumberFormatOptions = {}) {
  return cached(
    numberFormats,
    `${locale}\u0000${JSON.stringify(options)}`,
    () => new Intl.NumberFormat(locale, options),
  );
}
