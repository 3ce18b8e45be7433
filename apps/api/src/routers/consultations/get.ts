import { getPartyConsultation } from "@an/db";
import { z } from "zod";
import { AppError } from "../../errors";
import { protectedProcedure } from "../../trpc/init";
import { consultationIdSchema } from "./schemas";
import { partyView } from "./views";

export const getConsultationInput = z.object({ consultationId: consultationIdSchema });

/**
 * One of the caller's consultations with its timeline, refunds and what the caller can do
 * now. Someone else's is CONSULTATION_NOT_FOUND, exactly like a missing one.
 */
export const get = protectedProcedure.input(getConsultationInput).query(async ({ ctx, input }) => {
  const now = ctx.now();
  const view = await getPartyConsultation(ctx.db, {
    consultationId: input.consultationId,
    userId: ctx.user.id,
    now,
  });
  if (!view) throw new AppError("CONSULTATION_NOT_FOUND", { ref: input.consultationId });
  return partyView(view, ctx.locale, now);
});
