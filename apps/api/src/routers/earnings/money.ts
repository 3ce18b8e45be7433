import { formatMoney, isCurrencyCode } from "@an/domain";

/** An amount for display: minor units, its currency, and the text in the caller's locale. */
export type MoneyView = { amount: number; currency: string; formatted: string };

/** Minor units of `currency` formatted for `locale`; an unknown currency shows its code. */
export function moneyView(amount: number, currency: string, locale: string): MoneyView {
  return {
    amount,
    currency,
    formatted: isCurrencyCode(currency)
      ? formatMoney({ amount, currency }, locale)
      : `${amount} ${currency}`,
  };
}
