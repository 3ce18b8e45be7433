import { formatMoney } from "./format";
import type { ConsoleLocale } from "./session";

/** One leaf of an audit record's before or after, ready to show. */
export type AuditField = {
  /** Keys from the record's root to this value; empty when the record is a bare value. */
  path: string[];
  /** The value as text: money through the one formatter, strings as stored, the rest as JSON. */
  text: string;
  kind: "money" | "text" | "json";
};

/** Field names that hold an amount in minor units (`amountMinor`, `platformFee`, `hourlyRate`…). */
const MONEY_FIELD =
  /(Minor|^amount|Amount|^fee|Fee|^price|Price|Share|^total|Total|HourlyRate|^hourlyRate|DayRate|^dayRate|^minimumPayout)$/;
const CURRENCY_CODE = /^[A-Z]{3}$/;

/** Whether `key` names an amount in minor units, by the API's naming of money fields. */
export function isMoneyField(key: string): boolean {
  return MONEY_FIELD.test(key);
}

/**
 * Flattens an audit before/after into the fields to show, formatting every amount with the
 * currency found beside it: a `currency` field in the same object or an enclosing one, or an
 * enclosing key that is a currency code (rules kept per currency, `{ USD: { minFee } }`). An
 * amount with no currency in sight stays a plain number rather than a guessed currency; it
 * is never divided by 100 here. Null for nothing recorded.
 */
export function auditFields(value: unknown, locale: ConsoleLocale): AuditField[] | null {
  if (value === null || value === undefined) return null;
  const fields: AuditField[] = [];
  const visit = (node: unknown, path: string[], currency: string | null) => {
    if (node !== null && typeof node === "object" && !Array.isArray(node)) {
      const record = node as Record<string, unknown>;
      const own = typeof record.currency === "string" ? record.currency : currency;
      const entries = Object.entries(record);
      if (entries.length === 0 && path.length > 0) {
        fields.push({ path, text: "{}", kind: "json" });
      }
      for (const [key, child] of entries) {
        visit(child, [...path, key], CURRENCY_CODE.test(key) ? key : own);
      }
      return;
    }
    const key = path.at(-1);
    if (
      typeof node === "number" &&
      Number.isSafeInteger(node) &&
      key !== undefined &&
      currency !== null &&
      (isMoneyField(key) || CURRENCY_CODE.test(key))
    ) {
      fields.push({ path, text: formatMoney(node, currency, locale), kind: "money" });
      return;
    }
    if (typeof node === "string") {
      fields.push({ path, text: node, kind: "text" });
      return;
    }
    fields.push({ path, text: JSON.stringify(node) ?? String(node), kind: "json" });
  };
  visit(value, [], null);
  return fields;
}
