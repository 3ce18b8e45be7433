import { CURRENCIES, isCurrencyCode } from "./money";
import { err, ok, type Result } from "./result";

/**
 * Amounts as people type and read them, in a currency's major unit ("20.00" USD, "2000"
 * JPY, "1.500" KWD), against the integer minor units the rules store. The number of
 * decimals is the currency's exponent from {@link CURRENCIES}, never an assumed 2, and the
 * conversion is done on the digits, so no binary floating point can turn 0.29 into 28.
 */

export type MajorAmountError = {
  code:
    "empty" | "not_a_number" | "negative" | "too_many_decimals" | "too_large" | "unknown_currency";
  /** Decimals the currency allows (for the message); absent for an unknown currency. */
  exponent?: number;
};

/** Arabic-Indic and Eastern Arabic-Indic digits, and the Arabic decimal separator, as ASCII. */
function asciiDigits(text: string): string {
  return text
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/\u066b/g, ".");
}

/**
 * `text` in major units with at most `exponent` decimals ("." separates them) as whole
 * minor units: parseMajorUnits("12.5", 2) is 1250. Refuses signs, exponents, grouping
 * and anything past the exponent's decimals rather than rounding.
 */
export function parseMajorUnits(text: string, exponent: number): Result<number, MajorAmountError> {
  const trimmed = asciiDigits(text).trim();
  if (trimmed === "") return err({ code: "empty", exponent });
  if (/^-\s*\d*\.?\d*$/.test(trimmed) && /\d/.test(trimmed)) {
    return err({ code: "negative", exponent });
  }
  const match = /^(\d*)(?:\.(\d*))?$/.exec(trimmed);
  if (!match || !/\d/.test(trimmed)) return err({ code: "not_a_number", exponent });
  const whole = match[1] ?? "";
  const fraction = (match[2] ?? "").replace(/0+$/, "");
  if (fraction.length > exponent) return err({ code: "too_many_decimals", exponent });
  const minor = BigInt(`${whole || "0"}${fraction.padEnd(exponent, "0")}`);
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return err({ code: "too_large", exponent });
  return ok(Number(minor));
}

/** `text` in major units of `currency` as its minor units: "20.00" USD is 2000, "1.5" KWD 1500. */
export function parseMajorAmount(text: string, currency: string): Result<number, MajorAmountError> {
  if (!isCurrencyCode(currency)) return err({ code: "unknown_currency" });
  return parseMajorUnits(text, CURRENCIES[currency].exponent);
}

/** Whole minor units as major-unit text with exactly `exponent` decimals: (1250, 2) is "12.50". */
export function formatMajorUnits(minor: number, exponent: number): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`not a whole amount: ${minor}`);
  const sign = minor < 0 ? "-" : "";
  const digits = String(Math.abs(minor)).padStart(exponent + 1, "0");
  if (exponent === 0) return `${sign}${digits}`;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/**
 * Minor units of `currency` as the plain text an input shows and {@link parseMajorAmount}
 * reads back: 2000 USD is "20.00", 2000 JPY "2000", 1500 KWD "1.500". No grouping, no symbol.
 */
export function toMajorString(minor: number, currency: string): string {
  if (!isCurrencyCode(currency)) throw new RangeError(`unknown currency '${currency}'`);
  return formatMajorUnits(minor, CURRENCIES[currency].exponent);
}
