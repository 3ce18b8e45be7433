import { applyConsultationEvent, lockConsultation, writeAudit } from "@an/db";
import { consultations } from "@an/db/schema";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { AppError, toAppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";

/**
 * Development sandbox only: ends a completed consultation's hold window now, so a person
 * trying the flow can reach release and payout without waiting the configured hours. The
 * timeline says so. Refused (DEV_ONLY) wherever development sign-in is off.
 */
export const endHoldWindow = adminProcedure
  .input(z.object({ consultationId: z.uuid() }))
  .mutation(({ ctx, input }) => {
    if (!ctx.devAuth.enabled) throw new AppError("DEV_ONLY");
    return ctx.db.transaction(async (tx) => {
      const row = await lockConsultation(tx, { id: input.consultationId });
      if (!row) throw new AppError("CONSULTATION_NOT_FOUND", { ref: input.consultationId });
      const now = ctx.now();
      // The window is shortened to end now (the timeline and the payout run then agree on
      // when it ended); the original timer, when it fires, finds the consultation released.
      if (row.status === "completed" && row.holdEndsAt && row.holdEndsAt > now) {
        await tx.update(consultations).set({ holdEndsAt: now }).where(eq(consultations.id, row.id));
      }
      const outcome = await applyConsultationEvent(tx, {
        consultationId: row.id,
        event: { id: `sandbox:hold:${row.id}`, actor: "system", type: "hold_window_elapsed" },
        now,
        origin: {
          source: "sandbox:end_hold_window",
          actorUserId: ctx.user.id,
          reason: "development sandbox: hold window ended early",
        },
      });
      if (outcome.kind === "refused") throw toAppError(outcome.error);
      await writeAudit(tx, {
        actor: { kind: "user", userId: ctx.user.id },
        action: "consultation.hold_window_ended_early",
        subjectType: "consultation",
        subjectId: row.id,
        before: { status: row.status },
        after: { status: outcome.kind === "applied" ? outcome.consultation.status : row.status },
        requestId: ctx.requestId,
      });
      return {
        id: row.id,
        status: outcome.kind === "applied" ? outcome.consultation.status : row.status,
      };
    });
  });
