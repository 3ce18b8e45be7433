import { type Executor, unappliedChargeInPlaceOf, type UnappliedRefundRefusal } from "@an/db";
import { type CurrencyCode, type Money } from "@an/domain";
import { z } from "zod";
import { AppError } from "../../errors";

/**
 * The payment to refund instead of the consultation: a charge the consultation never
 * accepted (its amount or currency wasn't the quote's). Refunded in full, in the currency
 * charged; the consultation's own money and status are untouched.
 */
export const unappliedPaymentIdSchema = z.uuid().optional();

const money = (amount: number, currency: string): Money => ({
  amount,
  currency: currency as CurrencyCode,
});

/** The one mapping from an unapplied charge's refusal to the API's errors. */
export function unappliedChargeError(refusal: UnappliedRefundRefusal, paymentId: string): AppError {
  switch (refusal.code) {
    case "NOT_UNAPPLIED":
      return new AppError("CHARGE_NOT_UNAPPLIED", { ref: paymentId });
    case "ALREADY_REFUNDED":
      return new AppError("CHARGE_ALREADY_REFUNDED", {
        amount: money(refusal.charge.amount, refusal.charge.currency),
      });
    case "NOT_FULL_AMOUNT":
      return new AppError("CHARGE_REFUND_NOT_FULL", {
        expected: refusal.charge.outstanding,
        amount: money(refusal.charge.outstanding, refusal.charge.currency),
      });
  }
}

/**
 * The unapplied charge a refund request is about: the one named, else — when the
 * consultation itself has nothing refundable — its one outstanding unapplied charge (so an
 * admin refunding such a consultation returns the money actually taken). Several of them
 * must be told apart by `paymentId`. Null: the consultation's own refund.
 */
export async function chargeToRefund(
  db: Executor,
  input: { consultationId: string; paymentId?: string | undefined },
): Promise<string | null> {
  if (input.paymentId) return input.paymentId;
  const found = await unappliedChargeInPlaceOf(db, { consultationId: input.consultationId });
  if (found.kind === "several") throw new AppError("CHARGE_CHOOSE_ONE", { count: found.count });
  return found.kind === "one" ? found.paymentId : null;
}
