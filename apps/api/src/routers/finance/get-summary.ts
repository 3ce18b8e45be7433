import { financeSummary } from "@an/db";
import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import { periodInput, requirePeriod } from "./period";

export const financeSummaryInput = periodInput.extend({
  currency: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{3}$/),
});

/**
 * The platform's money for `[from, to)` in one currency, from the ledger: GMV, fees
 * earned, refunds, disputes, paid out; platform subscription revenue beside them (gross
 * paid, reversed, net, Stripe's fees); balances (held, payable, in transit, receivable)
 * as of `to`; and a daily series for the chart. At most 366 days.
 */
export const getSummary = adminProcedure
  .input(financeSummaryInput)
  .query(async ({ ctx, input }) => {
    requirePeriod(input, 366);
    return financeSummary(ctx.db, { from: input.from, to: input.to, currency: input.currency });
  });
