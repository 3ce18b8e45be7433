import { formatMoney, isCurrencyCode, type Translator } from "@an/domain";
import type { ConsoleLocale } from "../../lib/session";

/**
 * How a rule field (a dotted path such as `currencies.USD.minHourlyRate`, `minFee.EUR`,
 * `tiers.1.refundBps`) and its stored value read for people: amounts in the currency's
 * major unit with its own decimals, basis points as a percentage, hours and minutes as such.
 */

const PERCENT_FIELDS = new Set(["bps", "refundBps"]);
const MONEY_FIELDS = new Set([
  "minHourlyRate",
  "maxHourlyRate",
  "minPassDayRate",
  "maxPassDayRate",
  "fixed",
  "minFee",
  "maxFee",
  "minimumPayout",
]);

/** "USD · Minimum hourly rate", "Tier 2 · Refund", "Commission". */
export function fieldLabel(path: string, t: Translator): string {
  const parts: string[] = [];
  const segments = path.split(".");
  for (const [i, segment] of segments.entries()) {
    if (segment === "currencies") continue;
    if (isCurrencyCode(segment)) parts.unshift(segment);
    else if (/^\d+$/.test(segment) && segments[i - 1] === "tiers") {
      parts.push(t("console.settings.fields.tier", { n: Number(segment) + 1 }));
    } else if (segment !== "tiers") parts.push(t(`console.settings.fields.${segment}`));
  }
  return parts.join(" · ");
}

export function formatPercentOfBps(bps: number, locale: ConsoleLocale): string {
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 2 }).format(
    bps / 10_000,
  );
}

function unit(value: number, name: "hour" | "minute" | "day", locale: ConsoleLocale) {
  return new Intl.NumberFormat(locale, {
    style: "unit",
    unit: name,
    unitDisplay: "short",
    maximumFractionDigits: 2,
  }).format(value);
}

/** A field's stored value as text; "—" when the version doesn't have it. */
export function formatRuleValue(
  path: string,
  value: unknown,
  t: Translator,
  locale: ConsoleLocale,
): string {
  if (value === null || value === undefined) return "—";
  const segments = path.split(".");
  const currency = segments.find(isCurrencyCode);
  const field = [...segments].reverse().find((s) => !isCurrencyCode(s) && !/^\d+$/.test(s));
  if (typeof value === "number" && field) {
    if (PERCENT_FIELDS.has(field)) {
      return t("console.settings.value.bps", {
        percent: formatPercentOfBps(value, locale),
        bps: new Intl.NumberFormat(locale).format(value),
      });
    }
    if (MONEY_FIELDS.has(field) && currency) {
      return formatMoney({ amount: value, currency }, locale);
    }
    if (field === "minHoursBefore" || field === "holdWindowHours") {
      return unit(value, "hour", locale);
    }
    if (field === "maxPassDays") return unit(value, "day", locale);
    return new Intl.NumberFormat(locale).format(value);
  }
  if (Array.isArray(value) && field === "allowedLengths") {
    return new Intl.ListFormat(locale, { style: "short", type: "unit" }).format(
      value.map((n) => unit(Number(n), "minute", locale)),
    );
  }
  return JSON.stringify(value);
}
