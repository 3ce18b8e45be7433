import type { ReactNode } from "react";
import { formatDateTime, formatMoney, formatNumber } from "../lib/format";
import { useLocale } from "../lib/session";

/**
 * Values that keep their own direction inside right-to-left text. Each renders in a
 * `<bdi>`, so "150.00 US$" or "cs_test_42" keeps its order in an Arabic sentence and the
 * sentence's punctuation stays where Arabic puts it.
 */

/** An instant in the viewer's time zone (or `timeZone`), with the zone shown. */
export function DateTime({
  value,
  timeZone,
  testId,
}: {
  value: string | null | undefined;
  timeZone?: string;
  testId?: string;
}) {
  const locale = useLocale();
  return (
    <bdi data-testid={testId} title={value ?? undefined}>
      {formatDateTime(value, locale, timeZone)}
    </bdi>
  );
}

/** An amount in minor units of its currency, through the one money formatter. */
export function Money({
  amount,
  currency,
  testId,
}: {
  amount: number | null | undefined;
  currency: string | null | undefined;
  testId?: string;
}) {
  const locale = useLocale();
  return <bdi data-testid={testId}>{formatMoney(amount, currency, locale)}</bdi>;
}

/** A count in the locale's digits. */
export function Num({ value }: { value: number }) {
  const locale = useLocale();
  return <bdi>{formatNumber(value, locale)}</bdi>;
}

/**
 * Data that is not text in the console's language (an id, an email, a name, a currency
 * code, a provider's event type): isolated, so it reads in its own direction.
 */
export function Data({ children }: { children: ReactNode }) {
  return <bdi>{children}</bdi>;
}
