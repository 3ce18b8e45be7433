import { getPricingRulesInForce, updateAdvisorSettings } from "@an/db";
import { checkHourlyRate } from "@an/domain";
import { z } from "zod";
import { toAppError, unwrap } from "../../errors";
import { advisorProcedure } from "../../trpc/init";
import { text } from "../schemas";

export const setRateInput = z.object({
  /** Integer minor units: 12000 is $120.00. */
  amount: z.number().int().min(0),
  currency: text().trim().toUpperCase().length(3),
});

/**
 * Sets the caller's hourly rate, checked against the pricing rules in force. A rate outside
 * the limits is RATE_OUT_OF_LIMITS naming the limits in the caller's locale (never
 * clamped); a currency the rules don't offer is CURRENCY_NOT_OFFERED naming those offered.
 */
export const setRate = advisorProcedure.input(setRateInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const { pricing } = await getPricingRulesInForce(tx);
    const rate = unwrap(checkHourlyRate(input.amount, input.currency, pricing));
    const result = await updateAdvisorSettings(tx, {
      advisorId: ctx.user.id,
      set: { hourlyRate: rate.amount, currency: rate.currency },
      action: "advisor.rate_changed",
      actor: { kind: "user", userId: ctx.user.id },
      requestId: ctx.requestId,
    });
    if (!result.ok) throw toAppError(result.error);
    return { hourlyRate: result.value.hourlyRate, currency: result.value.currency };
  }),
);
