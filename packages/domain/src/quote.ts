import { type CommissionError, type CommissionTerms, splitFee } from "./commission";
import type { Money } from "./money";
import { type PricingError, type PricingRules, priceFor } from "./pricing";
import { err, ok, type Result } from "./result";

/**
 * What a client will pay and how it splits, frozen onto a consultation when it is booked:
 * later changes to rates, pricing or commission never touch it. platformFee +
 * advisorShare = price exactly; all in the rate's currency.
 */
export type Quote = {
  hourlyRate: Money;
  durationMinutes: number;
  price: Money;
  platformFee: Money;
  advisorShare: Money;
  /** The versions of the rules that produced it, for audit and disputes. */
  rules: { pricing: string; commission: string };
};

export type QuoteError = PricingError | CommissionError;

/** Prices a consultation and splits it between platform and advisor. */
export function quoteConsultation(input: {
  hourlyRate: Money;
  durationMinutes: number;
  pricing: PricingRules;
  commission: CommissionTerms;
  advisorOverride?: CommissionTerms | null;
}): Result<Quote, QuoteError> {
  const price = priceFor(input.hourlyRate, input.durationMinutes, input.pricing);
  if (!price.ok) return price;
  const split = splitFee(price.value, input.commission, input.advisorOverride);
  if (!split.ok) return err(split.error);
  return ok({
    hourlyRate: input.hourlyRate,
    durationMinutes: input.durationMinutes,
    price: price.value,
    platformFee: split.value.platformFee,
    advisorShare: split.value.advisorShare,
    rules: { pricing: input.pricing.version, commission: split.value.commissionVersion },
  });
}
