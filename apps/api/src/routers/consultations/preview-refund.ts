import { planUnappliedRefund, previewConsultationEvent } from "@an/db";
import { type CurrencyCode, formatMoney } from "@an/domain";
import { z } from "zod";
import { AppError, toAppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { consultationIdSchema } from "./schemas";
import { chargeToRefund, unappliedChargeError, unappliedPaymentIdSchema } from "./unapplied-charge";

export const refundPreviewInput = z.object({
  consultationId: consultationIdSchema,
  /** Minor units of the consultation's currency (of the charge's, with `paymentId`). */
  amount: z.number().int().positive(),
  /** An unapplied charge of this consultation to refund in full instead of the consultation. */
  paymentId: unappliedPaymentIdSchema,
});

/**
 * What `consultations.refund` with this amount would do, computed by the same domain
 * transition and written nowhere: the refund, how it splits between the platform's fee and
 * the advisor's share, the resulting status and the ledger lines it would post. With
 * `paymentId` (or without, as for `consultations.refund`), the refund of that unapplied
 * charge: exactly what was charged, out of its own suspense account, the consultation
 * unchanged.
 */
export const previewRefund = adminProcedure
  .input(refundPreviewInput)
  .query(async ({ ctx, input }) => {
    const paymentId = await chargeToRefund(ctx.db, input);
    if (paymentId) {
      const plan = await planUnappliedRefund(ctx.db, {
        consultationId: input.consultationId,
        paymentId,
        amount: input.amount,
      });
      if (plan.kind === "not_found") {
        throw new AppError("CONSULTATION_NOT_FOUND", { ref: input.consultationId });
      }
      if (plan.kind === "refused") {
        throw unappliedChargeError(plan.refusal, paymentId);
      }
      const { consultation: c, charge } = plan;
      const currency = charge.currency as CurrencyCode;
      return {
        consultationId: c.id,
        currency,
        statusBefore: c.status,
        resultingStatus: c.status,
        refund: charge.outstanding,
        formatted: formatMoney({ amount: charge.outstanding, currency }, ctx.locale),
        fromPlatformFee: 0,
        fromAdvisorShare: 0,
        refundableAfter: {
          price: c.refundablePrice,
          platformFee: c.refundableFee,
          advisorShare: c.refundableShare,
        },
        reverseTransfer: 0,
        ledger: [
          {
            kind: plan.entry.kind,
            lines: plan.entry.lines.map((l) => ({
              account: l.account,
              amount: l.amount.amount,
              currency: l.amount.currency,
            })),
          },
        ],
        /** The unapplied charge this refunds, when it isn't the consultation's money. */
        charge: { paymentId: charge.paymentId, chargeId: charge.chargeId, paidAt: charge.paidAt },
      };
    }
    const preview = await previewConsultationEvent(ctx.db, {
      consultationId: input.consultationId,
      now: ctx.now(),
      event: (row) => ({
        type: "admin_refund",
        id: "preview",
        actor: "admin",
        amount: { amount: input.amount, currency: row.currency as CurrencyCode },
      }),
    });
    if (preview.kind === "not_found") {
      throw new AppError("CONSULTATION_NOT_FOUND", { ref: input.consultationId });
    }
    if (preview.kind === "refused") throw toAppError(preview.error);
    const { before } = preview;
    const currency = before.currency as CurrencyCode;
    return {
      consultationId: before.id,
      currency,
      statusBefore: before.status,
      resultingStatus: preview.status,
      refund: preview.refund,
      formatted: formatMoney({ amount: preview.refund, currency }, ctx.locale),
      fromPlatformFee: before.refundableFee - preview.refundable.platformFee,
      fromAdvisorShare: before.refundableShare - preview.refundable.advisorShare,
      refundableAfter: preview.refundable,
      /** Non-zero when the advisor was already paid: an admin must recover it. */
      reverseTransfer: preview.reverseTransfer,
      ledger: preview.ledger,
      charge: null,
    };
  });
