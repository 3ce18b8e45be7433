import { updateAdvisorSettings } from "@an/db";
import { DEFAULT_PRICING_RULES, isCurrencyCode, validateHourlyRate } from "@an/domain";
import { z } from "zod";
import { AppError } from "../../errors";
import { advisorProcedure } from "../../trpc/init";
import { advisorError } from "./errors";
import { text } from "../schemas";

export const setRateInput = z.object({
  /** Integer minor units: 12000 is $120.00. */
  amount: z.number().int().min(0),
  currency: text().trim().toUpperCase().length(3),
});

/**
 * Sets the caller's hourly rate. A rate outside the platform's limits is
 * RATE_OUT_OF_LIMITS naming the limits in the caller's locale; never clamped.
 */
export const setRate = advisorProcedure.input(setRateInput).mutation(({ ctx, input }) => {
  const { currency } = input;
  if (!isCurrencyCode(currency)) throw new AppError("CURRENCY_NOT_OFFERED", { currency });
  const rate = validateHourlyRate({ amount: input.amount, currency }, DEFAULT_PRICING_RULES);
  if (!rate.ok) {
    const error = rate.error;
    if (error.code === "RATE_BELOW_MINIMUM" || error.code === "RATE_ABOVE_MAXIMUM") {
      throw new AppError("RATE_OUT_OF_LIMITS", { min: error.minimum, max: error.maximum });
    }
    throw new AppError("CURRENCY_NOT_OFFERED", { currency });
  }
  return ctx.db.transaction(async (tx) => {
    const result = await updateAdvisorSettings(tx, {
      advisorId: ctx.user.id,
      set: { hourlyRate: rate.value.amount, currency: rate.value.currency },
      action: "advisor.rate_changed",
      actor: { kind: "user", userId: ctx.user.id },
      requestId: ctx.requestId,
    });
    if (!result.ok) throw advisorError(result.error);
    return { hourlyRate: result.value.hourlyRate, currency: result.value.currency };
  });
});
