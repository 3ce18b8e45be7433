import type { ConsoleLocale } from "./session";

/**
 * An API timestamp (ISO string: the API sends plain JSON) as a short local date and time,
 * or "—" when absent.
 */
export function formatDateTime(value: string | null | undefined, locale: ConsoleLocale): string {
  if (!value) return "—";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(date);
}

/** "First Last", or "—" for a user without a name on file. */
export function fullName(user: { firstName: string | null; lastName: string | null }): string {
  return [user.firstName, user.lastName].filter(Boolean).join(" ") || "—";
}
