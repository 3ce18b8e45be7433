import { purchasePass } from "@an/db";
import { formatMoney, type CurrencyCode } from "@an/domain";
import { protectedProcedure } from "../../trpc/init";
import { passTermsInput } from "./schemas";
import { passAppError } from "../../errors";

/**
 * The project's owner buys N days of written advice from an invited advisor: a consultation
 * of kind `async_pass` awaiting payment, at a quote frozen now. Checkout opens in the
 * background exactly as for a booking: the client gets the payment link by notification,
 * and `consultations.get` returns it as `checkoutUrl` once the session is open. The pass
 * starts when paid.
 */
export const purchase = protectedProcedure
  .input(passTermsInput)
  .mutation(async ({ ctx, input }) => {
    const bought = await ctx.db.transaction((tx) =>
      purchasePass(tx, {
        clientId: ctx.user.id,
        advisorId: input.advisorId,
        projectId: input.projectId,
        days: input.days,
        now: ctx.now(),
        requestId: ctx.requestId,
        paymentWindowMinutes: ctx.billing.paymentWindowMinutes,
      }),
    );
    if (!bought.ok) throw passAppError(bought.error, input, ctx.t);
    const c = bought.value.consultation;
    const price = { amount: c.price, currency: c.currency as CurrencyCode };
    return {
      consultationId: c.id,
      kind: c.kind,
      status: c.status,
      days: c.passDays ?? input.days,
      paymentExpiresAt: c.paymentExpiresAt,
      quote: {
        price: c.price,
        currency: c.currency,
        formatted: formatMoney(price, ctx.locale),
      },
      refundPolicy: c.refundPolicy,
      holdWindowHours: c.holdWindowHours,
      /** Follow the payment through `consultations.get` (its `checkoutUrl`), as for bookings. */
      checkout: { via: "consultations.get" as const },
    };
  });
