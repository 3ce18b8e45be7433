import { applyAdminDecision, refundUnappliedPayment } from "@an/db";
import type { CurrencyCode } from "@an/domain";
import { z } from "zod";
import { AppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { consultationIdSchema, decisionReasonSchema } from "./schemas";
import { settle } from "./transition-error";
import { chargeToRefund, unappliedChargeError, unappliedPaymentIdSchema } from "./unapplied-charge";

export const refundInput = z.object({
  consultationId: consultationIdSchema,
  /**
   * Minor units of the consultation's currency, up to what is still refundable; with
   * `paymentId`, exactly that charge's amount, in its currency.
   */
  amount: z.number().int().positive(),
  reason: decisionReasonSchema,
  /** An unapplied charge of this consultation to refund in full instead of the consultation. */
  paymentId: unappliedPaymentIdSchema,
});

/**
 * Refunds part or all of what is still refundable (audited, reason required). Taken from
 * the platform's fee and the advisor's share in proportion; a full refund ends the
 * consultation as `refunded`. With `paymentId` — or without it, when the consultation
 * itself has nothing refundable and one unapplied charge outstanding — returns that
 * unapplied charge (money the provider took that the consultation never accepted) in
 * full, through the same refund job, resolving the incidents raised about it; the
 * consultation is left as it is.
 * Preview either with `consultations.previewRefund`.
 */
export const refund = adminProcedure.input(refundInput).mutation(async ({ ctx, input }) => {
  const paymentId = await chargeToRefund(ctx.db, input);
  if (paymentId) {
    const outcome = await ctx.db.transaction((tx) =>
      refundUnappliedPayment(tx, {
        consultationId: input.consultationId,
        paymentId,
        amount: input.amount,
        adminId: ctx.user.id,
        requestId: ctx.requestId,
        reason: input.reason,
      }),
    );
    if (outcome.kind === "not_found") {
      throw new AppError("CONSULTATION_NOT_FOUND", { ref: input.consultationId });
    }
    if (outcome.kind === "refused") throw unappliedChargeError(outcome.refusal, paymentId);
    return {
      consultationId: input.consultationId,
      status: outcome.consultation.status,
      applied: true,
      refunded: input.amount,
      currency: outcome.charge.currency,
    };
  }
  const outcome = await ctx.db.transaction((tx) =>
    applyAdminDecision(tx, {
      consultationId: input.consultationId,
      adminId: ctx.user.id,
      requestId: ctx.requestId,
      now: ctx.now(),
      reason: input.reason,
      action: "consultation.refund",
      procedure: "consultations.refund",
      details: { amount: input.amount },
      event: (row) => ({
        type: "admin_refund",
        amount: { amount: input.amount, currency: row.currency as CurrencyCode },
      }),
    }),
  );
  return settle(outcome, input.consultationId);
});
