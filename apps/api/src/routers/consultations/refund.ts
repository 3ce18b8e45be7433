import { applyAdminDecision } from "@an/db";
import type { CurrencyCode } from "@an/domain";
import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import { consultationIdSchema, decisionReasonSchema } from "./schemas";
import { settle } from "./transition-error";

export const refundInput = z.object({
  consultationId: consultationIdSchema,
  /** Minor units of the consultation's currency, up to what is still refundable. */
  amount: z.number().int().positive(),
  reason: decisionReasonSchema,
});

/**
 * Refunds part or all of what is still refundable (audited, reason required). Taken from
 * the platform's fee and the advisor's share in proportion; a full refund ends the
 * consultation as `refunded`. Preview it with `consultations.refundPreview`.
 */
export const refund = adminProcedure.input(refundInput).mutation(async ({ ctx, input }) => {
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
