import { formatMoney as formatDomainMoney, isCurrencyCode } from "@an/domain";
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
    return `${amount} ${currency} (minor units)`;
  }
  const exponent = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(amount / 10 ** exponent);
}

/** An average star rating from a count and a sum, e.g. "4.5 (2)", or "No ratings". */
export function formatRating(count: number, sum: number): string {
  if (count === 0) return "No ratings";
  return `${(sum / count).toFixed(1)} (${count})`;
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
