import { quotePass } from "@an/db";
import { formatMoney, PASS_REPLY_HOURS } from "@an/domain";
import { protectedProcedure } from "../../trpc/init";
import { passTermsInput } from "./schemas";
import { passAppError } from "../../errors";

/**
 * The price of a pass for the project's owner, from the advisor's current day rate (the
 * price is frozen only when bought). Same checks as `purchase`; writes nothing.
 */
export const quote = protectedProcedure.input(passTermsInput).query(async ({ ctx, input }) => {
  const quoted = await quotePass(ctx.db, {
    clientId: ctx.user.id,
    advisorId: input.advisorId,
    projectId: input.projectId,
    days: input.days,
    now: ctx.now(),
  });
  if (!quoted.ok) throw passAppError(quoted.error, input, ctx.t);
  const q = quoted.value.quote;
  return {
    advisorId: input.advisorId,
    advisorName: quoted.value.advisorName,
    days: q.days,
    dayRate: q.dayRate.amount,
    price: q.price.amount,
    currency: q.price.currency,
    formatted: formatMoney(q.price, ctx.locale),
    replyWithinHours: PASS_REPLY_HOURS,
  };
});
