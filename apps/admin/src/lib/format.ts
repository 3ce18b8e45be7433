import { formatMoney as formatDomainMoney, isCurrencyCode } from "@an/domain";
import type { ConsoleLocale } from "./session";

/** The zone this browser runs in: where times are shown until the viewer saves one. */
export const BROWSER_TIME_ZONE: string = Intl.DateTimeFormat().resolvedOptions().timeZone;

let viewerTimeZone: string = BROWSER_TIME_ZONE;

/**
 * Sets the zone every time is shown in: the signed-in viewer's saved zone, else the
 * browser's. Called by the session guard before any page renders.
 */
export function setViewerTimeZone(zone: string | null | undefined): void {
  viewerTimeZone = zone && isTimeZone(zone) ? zone : BROWSER_TIME_ZONE;
}

/** The zone times are shown in now (see `setViewerTimeZone`). */
export function getViewerTimeZone(): string {
  return viewerTimeZone;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * An API timestamp (ISO string: the API sends plain JSON) as a short local date and time in
 * `timeZone` (the viewer's by default) with the zone shown ("Dec 2, 2026, 10:00 AM GMT+4"),
 * in the locale's own digits; "—" when absent.
 */
export function formatDateTime(
  value: string | null | undefined,
  locale: ConsoleLocale,
  timeZone: string = viewerTimeZone,
): string {
  return formatInstant(value, locale, timeZone, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZoneName: "short",
  });
}

/** A calendar date (no time), e.g. "Dec 2, 2026", for values that are days, not instants. */
export function formatDate(
  value: string | null | undefined,
  locale: ConsoleLocale,
  timeZone: string = viewerTimeZone,
): string {
  return formatInstant(value, locale, timeZone, { dateStyle: "medium" });
}

/** An API timestamp through Intl in `timeZone` (UTC if unknown); "—" when absent. */
function formatInstant(
  value: string | null | undefined,
  locale: ConsoleLocale,
  timeZone: string,
  options: Intl.DateTimeFormatOptions,
): string {
  if (!value) return "—";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(locale, {
    ...options,
    timeZone: isTimeZone(timeZone) ? timeZone : "UTC",
  }).format(date);
}

/** "First Last", or "—" for a user without a name on file. */
export function fullName(user: { firstName: string | null; lastName: string | null }): string {
  return [user.firstName, user.lastName].filter(Boolean).join(" ") || "—";
}

/** A user as admins see them: full name, else email, else id. */
export function userLabel(user: {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
}): string {
  const name = fullName(user);
  return name === "—" ? (user.email ?? user.id) : name;
}

/**
 * An amount in minor units of `currency` (cents for USD) as local currency text, with the
 * currency's own number of decimals ("$150.00", "¥1,500", "KWD 1.500"); "—" when either
 * part is absent.
 */
export function formatMoney(
  amount: number | null | undefined,
  currency: string | null | undefined,
  locale: ConsoleLocale,
): string {
  if (amount === null || amount === undefined || !currency) return "—";
  if (isCurrencyCode(currency) && Number.isSafeInteger(amount)) {
    return formatDomainMoney({ amount, currency }, locale);
  }
  let format: Intl.NumberFormat;
  try {
    format = new Intl.NumberFormat(locale, { style: "currency", currency });
  } catch {
    // Not a currency this browser knows: the amount in the locale's digits and the code.
    return `${new Intl.NumberFormat(locale).format(amount)} ${currency}`;
  }
  const exponent = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** exponent);
}

/**
 * An average star rating from a count and a sum in the locale's digits, e.g. "4.5 (2)";
 * null when there are no ratings (the caller says so in words from the catalog).
 */
export function formatRating(count: number, sum: number, locale: ConsoleLocale): string | null {
  if (count === 0) return null;
  const number = new Intl.NumberFormat(locale, {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
  return `${number.format(sum / count)} (${new Intl.NumberFormat(locale).format(count)})`;
}

/** A count in the locale's digits ("١٢" in ar-EG, "12" in ar-AE). */
export function formatNumber(value: number, locale: ConsoleLocale): string {
  return new Intl.NumberFormat(locale).format(value);
}

/**
 * A span of seconds in the operator's language, to the minute past an hour ("2 hr 5 min"),
 * to the second below a minute; "—" when there is none yet.
 */
export function formatDuration(seconds: number | null, locale: ConsoleLocale): string {
  if (seconds === null) return "—";
  const unit = (value: number, name: "hour" | "minute" | "second") =>
    new Intl.NumberFormat(locale, { style: "unit", unit: name, unitDisplay: "short" }).format(
      value,
    );
  if (seconds < 60) return unit(seconds, "second");
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return unit(minutes, "minute");
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0
    ? unit(hours, "hour")
    : new Intl.ListFormat(locale, { style: "narrow", type: "unit" }).format([
        unit(hours, "hour"),
        unit(rest, "minute"),
      ]);
}
