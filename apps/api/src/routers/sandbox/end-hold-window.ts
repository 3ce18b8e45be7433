import { endHoldWindowEarly } from "@an/db";
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
      const outcome = await endHoldWindowEarly(tx, {
        consultationId: input.consultationId,
        now: ctx.now(),
        actor: { kind: "user", userId: ctx.user.id },
        requestId: ctx.requestId,
      });
      if (outcome.kind === "not_found") {
        throw new AppError("CONSULTATION_NOT_FOUND", { ref: input.consultationId });
      }
      if (outcome.kind === "refused") throw toAppError(outcome.error);
      return { id: outcome.id, status: outcome.status };
    });
  });
