import { applyAdminDecision } from "@an/db";
import { PARTY_ROLES } from "@an/domain";
import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import { consultationIdSchema, decisionReasonSchema } from "./schemas";
import { settle } from "./transition-error";

export const markNoShowInput = z.object({
  consultationId: consultationIdSchema,
  absent: z.enum(PARTY_ROLES),
  reason: decisionReasonSchema,
});

/**
 * An admin records a no-show for a completed consultation (audited), e.g. from Cal.com's
 * attendance data or a support ticket; it then awaits `resolveNoShow` like a party's report.
 */
export const markNoShow = adminProcedure.input(markNoShowInput).mutation(async ({ ctx, input }) => {
  const outcome = await ctx.db.transaction((tx) =>
    applyAdminDecision(tx, {
      consultationId: input.consultationId,
      adminId: ctx.user.id,
      requestId: ctx.requestId,
      now: ctx.now(),
      reason: input.reason,
      action: "consultation.no_show_marked",
      procedure: "consultations.markNoShow",
      details: { absent: input.absent },
      event: () => ({ type: "no_show_reported", absent: input.absent }),
    }),
  );
  return settle(outcome, input.consultationId);
});
