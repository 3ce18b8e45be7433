import { previewConsultationEvent } from "@an/db";
import { type CurrencyCode, formatMoney } from "@an/domain";
import { z } from "zod";
import { AppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { consultationIdSchema } from "./schemas";
import { transitionError } from "./transition-error";

export const refundPreviewInput = z.object({
  consultationId: consultationIdSchema,
  /** Minor units of the consultation's currency. */
  amount: z.number().int().positive(),
});

/**
 * What `consultations.refund` with this amount would do, computed by the same domain
 * transition and written nowhere: the refund, how it splits between the platform's fee and
 * the advisor's share, the resulting status and the ledger lines it would post.
 */
export const refundPreview = adminProcedure
  .input(refundPreviewInput)
  .query(async ({ ctx, input }) => {
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
    if (preview.kind === "refused") throw transitionError(preview.error);
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
    };
  });
