import { and, eq } from "drizzle-orm";
import { convertAtRate, type CurrencyCode, ledger, type Money } from "@an/domain";
import type { Executor } from "../client";
import { postJournalEntry } from "../queries/ledger";
import { orThrow, storedMoney } from "../queries/stored-money";
import { payments } from "../schema";

/*
 * Conversions the provider made inside the platform's balance, in the ledger: a charge in
 * a currency the balance doesn't hold settles in another (at the rate on its balance
 * transaction), its refunds are bought back at the rate of their moment, and its payouts
 * go out in the settlement currency at the charge's rate. Each is an `fx_conversion`
 * movement, balanced per currency, so `stripe_balance` per currency is what Stripe holds.
 */

export type StoredSettlement = { amount: number; currency: string; exchangeRate: string | null };

/** True when the provider's balance received (or paid) it in another currency. */
export const isConvertedSettlement = (
  charged: { currency: string },
  settlement: StoredSettlement | null | undefined,
): settlement is StoredSettlement =>
  !!settlement && settlement.currency.toUpperCase() !== charged.currency.toUpperCase();

/**
 * Books a converted charge: what was charged (already in `stripe_balance` in the charge's
 * currency, by the capture or the unapplied payment) becomes what settled. Once per payment.
 */
export async function recordChargeConversion(
  tx: Executor,
  input: {
    paymentId: string;
    consultationId: string;
    charged: Money;
    settlement: StoredSettlement | null | undefined;
  },
): Promise<void> {
  const { settlement } = input;
  if (!isConvertedSettlement(input.charged, settlement)) return;
  await postJournalEntry(tx, {
    entry: orThrow(
      ledger.fxConversion({
        consultationId: input.consultationId,
        from: input.charged,
        to: storedMoney(settlement.amount, settlement.currency.toUpperCase()),
      }),
    ),
    dedupeKey: `payment:${input.paymentId}:fx`,
    memo: `charge converted at ${settlement.exchangeRate ?? "an unknown rate"}`,
  });
}

/**
 * Books a refund of a converted charge: the refund entry took it out of `stripe_balance`
 * in the charge's currency; the provider paid it from the settlement currency at the
 * refund's own rate. Once per refund.
 */
export async function recordRefundConversion(
  tx: Executor,
  input: {
    refundId: string;
    consultationId: string;
    refunded: Money;
    settlement: StoredSettlement | null | undefined;
  },
): Promise<void> {
  const { settlement } = input;
  if (!isConvertedSettlement(input.refunded, settlement)) return;
  await postJournalEntry(tx, {
    entry: orThrow(
      ledger.fxConversion({
        consultationId: input.consultationId,
        from: storedMoney(settlement.amount, settlement.currency.toUpperCase()),
        to: input.refunded,
      }),
    ),
    dedupeKey: `refund:${input.refundId}:fx`,
    memo: `refund converted at ${settlement.exchangeRate ?? "an unknown rate"}`,
  });
}

/** How the charge behind a payout settled, when it was converted; null otherwise. */
export async function chargeConversion(
  ex: Executor,
  input: { chargeId: string; currency: string },
): Promise<{ currency: CurrencyCode; rate: string } | null> {
  const [row] = await ex
    .select({ currency: payments.settlementCurrency, rate: payments.exchangeRate })
    .from(payments)
    .where(and(eq(payments.chargeId, input.chargeId), eq(payments.status, "paid")));
  if (!row?.currency || !row.rate || row.currency === input.currency) return null;
  return { currency: row.currency as CurrencyCode, rate: row.rate };
}

/**
 * What a payout item's (or reversal's) `amount` is in the currency its charge settled
 * in, at the charge's rate (half up, exact): transfers must be in a currency the balance
 * holds. Null when the charge wasn't converted (the transfer is in `amount`'s currency).
 */
export async function transferAmountFor(
  ex: Executor,
  input: { chargeId: string; amount: Money },
): Promise<Money | null> {
  const conversion = await chargeConversion(ex, {
    chargeId: input.chargeId,
    currency: input.amount.currency,
  });
  if (!conversion) return null;
  return orThrow(convertAtRate(input.amount, conversion.rate, conversion.currency));
}
