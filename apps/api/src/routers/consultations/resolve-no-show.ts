import { applyAdminDecision } from "@an/db";
import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import { consultationIdSchema, decisionReasonSchema } from "./schemas";
import { settle } from "./transition-error";

export const resolveNoShowInput = z.object({
  consultationId: consultationIdSchema,
  /** True: the reported side was absent (advisor absent → refund; client absent → release). */
  upheld: z.boolean(),
  reason: decisionReasonSchema,
});

/** Rules on a no-show report (audited); a rejected report returns it to `completed`. */
export const resolveNoShow = adminProcedure
  .input(resolveNoShowInput)
  .mutation(async ({ ctx, input }) => {
    const outcome = await ctx.db.transaction((tx) =>
      applyAdminDecision(tx, {
        consultationId: input.consultationId,
        adminId: ctx.user.id,
        requestId: ctx.requestId,
        now: ctx.now(),
        reason: input.reason,
        action: "consultation.no_show_resolved",
        procedure: "consultations.resolveNoShow",
        details: { upheld: input.upheld },
        event: () => ({ type: "no_show_resolved", upheld: input.upheld }),
      }),
    );
    return settle(outcome, input.consultationId);
  });
