import { CURRENCIES, isCurrencyCode } from "@an/domain";
import { NumberInput } from "@mantine/core";
import { useState } from "react";

/**
 * Decimals of a currency's major unit as the API counts them (Stripe's exponent): 2 for USD,
 * 0 for JPY, 3 for KWD. Not Intl's: CLDR shows ISK without decimals while Stripe counts
 * hundredths. An unknown code falls back to Intl, then 2.
 */
export function currencyExponent(currency: string): number {
  if (isCurrencyCode(currency)) return CURRENCIES[currency].exponent;
  try {
    return (
      new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions()
        .maximumFractionDigits ?? 2
    );
  } catch {
    return 2;
  }
}

/** Major units as typed ("12.5") to integer minor units (1250), rounded to the nearest unit. */
export function toMinorUnits(major: number, currency: string): number {
  return Math.round(major * 10 ** currencyExponent(currency));
}

export function toMajorUnits(minor: number, currency: string): number {
  return minor / 10 ** currencyExponent(currency);
}

/**
 * An amount typed in the currency's major unit (dollars with cents, yen, dinars with fils) and
 * reported in minor units, the API's unit; null while empty. What is typed stays as typed:
 * an amount above `maxMinor` is reported as it is, for the form to show its error, never
 * silently lowered to the maximum.
 */
export function MoneyInput({
  label,
  description,
  currency,
  initialMinor,
  maxMinor,
  error,
  onChange,
}: {
  label: string;
  description?: string;
  currency: string;
  initialMinor: number | null;
  maxMinor?: number;
  error?: string;
  onChange: (minor: number | null) => void;
}) {
  const exponent = currencyExponent(currency);
  const [value, setValue] = useState<number | string>(
    initialMinor === null ? "" : toMajorUnits(initialMinor, currency),
  );
  return (
    <NumberInput
      label={label}
      description={description}
      rightSection={<bdi>{currency}</bdi>}
      rightSectionWidth={52}
      min={0}
      max={maxMinor === undefined ? undefined : toMajorUnits(maxMinor, currency)}
      clampBehavior="none"
      decimalScale={exponent}
      allowNegative={false}
      thousandSeparator=","
      value={value}
      error={error}
      onChange={(next) => {
        setValue(next);
        const number = typeof next === "number" ? next : Number(next);
        onChange(next === "" || !Number.isFinite(number) ? null : toMinorUnits(number, currency));
      }}
      data-autofocus
    />
  );
}
