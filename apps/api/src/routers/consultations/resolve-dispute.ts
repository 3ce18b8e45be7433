import { applyAdminDecision } from "@an/db";
import type { CurrencyCode } from "@an/domain";
import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import { consultationIdSchema, decisionReasonSchema } from "./schemas";
import { settle } from "./transition-error";

export const resolveDisputeInput = z.object({
  consultationId: consultationIdSchema,
  /** What goes back to the client, minor units: 0 releases everything to the advisor. */
  refundAmount: z.number().int().min(0),
  reason: decisionReasonSchema,
});

/**
 * Decides a client's dispute (audited): refund some, all or none; the rest is released.
 * A chargeback is the bank's to decide and is refused here.
 */
export const resolveDispute = adminProcedure
  .input(resolveDisputeInput)
  .mutation(async ({ ctx, input }) => {
    const outcome = await ctx.db.transaction((tx) =>
      applyAdminDecision(tx, {
        consultationId: input.consultationId,
        adminId: ctx.user.id,
        requestId: ctx.requestId,
        now: ctx.now(),
        reason: input.reason,
        action: "consultation.dispute_resolved",
        procedure: "consultations.resolveDispute",
        details: { refundAmount: input.refundAmount },
        event: (row) => ({
          type: "dispute_resolved",
          refund: { amount: input.refundAmount, currency: row.currency as CurrencyCode },
        }),
      }),
    );
    return settle(outcome, input.consultationId);
  });
