import type { CurrencyCode, Money } from "@an/domain";

/** A stored amount (minor units, currency code as the row has it) as domain money. */
export const storedMoney = (amount: number, currency: string): Money => ({
  amount,
  currency: currency as CurrencyCode,
});

/**
 * The value of a domain result the caller has already made valid (amounts from our own
 * rows); a refusal here is a bug, so it throws and the transaction rolls back.
 */
export function orThrow<T>(
  result: { ok: true; value: T } | { ok: false; error: { message: string } },
): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}
