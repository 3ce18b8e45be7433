import { isSupportedLocale, type Locale, SUPPORTED_LOCALES } from "@an/domain";
import { useSyncExternalStore } from "react";

const TOKEN_KEY = "an.admin.token";
const LOCALE_KEY = "an.admin.locale";

/**
 * The languages the console speaks, each named in itself ("العربية (مصر)"): every locale
 * the catalogs have. The pick is kept in this browser and, once signed in, on the user.
 */
export const CONSOLE_LOCALES: readonly { value: Locale; label: string }[] = SUPPORTED_LOCALES.map(
  (value) => ({ value, label: nativeName(value) }),
);

function nativeName(locale: Locale): string {
  try {
    return new Intl.DisplayNames([locale], { type: "language" }).of(locale) ?? locale;
  } catch {
    return locale;
  }
}

export type ConsoleLocale = Locale;

const DEFAULT_LOCALE: ConsoleLocale = "en";

function isConsoleLocale(value: string | null): value is ConsoleLocale {
  return value !== null && isSupportedLocale(value);
}

/** Text direction for a locale: Arabic, whatever its region, is right-to-left. */
export function directionOf(locale: ConsoleLocale): "rtl" | "ltr" {
  return locale === "ar" || locale.startsWith("ar-") ? "rtl" : "ltr";
}

// localStorage can throw (private mode, disabled storage); the console then keeps the
// session in memory for this tab only.
function read(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return memory.get(key) ?? null;
  }
}

function write(key: string, value: string | null): void {
  if (value === null) memory.delete(key);
  else memory.set(key, value);
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // Kept in memory above.
  }
}

const memory = new Map<string, string>();
const listeners = new Set<() => void>();

function emit(): void {
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // Signing out (or in) in another tab applies here too.
  const onStorage = (event: StorageEvent) => {
    if (event.key === TOKEN_KEY || event.key === LOCALE_KEY) listener();
  };
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

/** The bearer token, or null when signed out. */
export function getToken(): string | null {
  return read(TOKEN_KEY);
}

export function setToken(token: string | null): void {
  write(TOKEN_KEY, token);
  emit();
}

/** The locale picked in the console, English until one is picked. */
export function getLocale(): ConsoleLocale {
  const stored = read(LOCALE_KEY);
  return isConsoleLocale(stored) ? stored : DEFAULT_LOCALE;
}

/** Whether this browser has a language picked (else it follows the user's saved one). */
export function hasPickedLocale(): boolean {
  return isConsoleLocale(read(LOCALE_KEY));
}

export function setLocale(locale: ConsoleLocale): void {
  write(LOCALE_KEY, locale);
  emit();
}

/** Re-renders when the token changes. */
export function useToken(): string | null {
  return useSyncExternalStore(subscribe, getToken);
}

/** Re-renders when the locale changes. */
export function useLocale(): ConsoleLocale {
  return useSyncExternalStore(subscribe, getLocale);
}
