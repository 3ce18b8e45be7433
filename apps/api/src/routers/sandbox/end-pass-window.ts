import { endPassWindowEarly } from "@an/db";
import { z } from "zod";
import { AppError, toAppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";

/**
 * Development sandbox only: ends a running async pass's window now, through the machine's
 * own end-of-window event, so a person trying the flow can carry the pass to a payout
 * without waiting its days. The timeline says so. Refused (DEV_ONLY) wherever development
 * sign-in is off; a booking (or no consultation) is CONSULTATION_NOT_FOUND.
 */
export const endPassWindow = adminProcedure
  .input(z.object({ consultationId: z.uuid() }))
  .mutation(({ ctx, input }) => {
    if (!ctx.devAuth.enabled) throw new AppError("DEV_ONLY");
    return ctx.db.transaction(async (tx) => {
      const outcome = await endPassWindowEarly(tx, {
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
