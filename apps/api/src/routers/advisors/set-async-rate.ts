import { getAdvisorPassTerms, getPricingRulesInForce, updateAdvisorSettings } from "@an/db";
import { isCurrencyCode, validateAsyncDayRate } from "@an/domain";
import { z } from "zod";
import { AppError, toAppError } from "../../errors";
import { advisorProcedure } from "../../trpc/init";

export const setAsyncRateInput = z
  .object({
    /** Integer minor units of the advisor's currency for one day of async advice; null stops selling passes. */
    amount: z.number().int().min(0).max(100_000_000).nullable(),
  })
  .strict();

/**
 * Sets (or clears) the caller's async day rate, in the currency of their hourly rate,
 * checked against the pricing rules in force. A rate outside the platform's async limits is ASYNC_RATE_OUT_OF_LIMITS naming the limits;
 * never clamped. Passes already bought keep their frozen price.
 */
export const setAsyncRate = advisorProcedure.input(setAsyncRateInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const terms = await getAdvisorPassTerms(tx, { advisorId: ctx.user.id });
    if (!terms) throw new AppError("ADVISOR_NOT_FOUND", { ref: ctx.user.id });
    if (input.amount !== null) {
      const { asyncPass, offeredCurrencies } = await getPricingRulesInForce(tx);
      const notOffered = () =>
        toAppError({
          code: "CURRENCY_NOT_OFFERED",
          currency: terms.currency,
          offered: offeredCurrencies,
        });
      if (!isCurrencyCode(terms.currency)) throw notOffered();
      const checked = validateAsyncDayRate(
        { amount: input.amount, currency: terms.currency },
        asyncPass,
      );
      if (!checked.ok) {
        const e = checked.error;
        if (e.code === "DAY_RATE_BELOW_MINIMUM" || e.code === "DAY_RATE_ABOVE_MAXIMUM") {
          throw new AppError("ASYNC_RATE_OUT_OF_LIMITS", { min: e.minimum, max: e.maximum });
        }
        throw notOffered();
      }
    }
    const result = await updateAdvisorSettings(tx, {
      advisorId: ctx.user.id,
      set: { asyncDayRate: input.amount },
      action: "advisor.async_rate_changed",
      actor: { kind: "user", userId: ctx.user.id },
      requestId: ctx.requestId,
    });
    if (!result.ok) throw toAppError(result.error);
    return { asyncDayRate: result.value.asyncDayRate, currency: result.value.currency };
  }),
);
