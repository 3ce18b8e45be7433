import { holdAdvisorPayouts } from "@an/db";
import { z } from "zod";
import { AppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { text } from "../schemas";

/** Holds an advisor's payouts: earnings accrue, runs skip them, unsent items wait. Audited. */
export const hold = adminProcedure
  .input(z.object({ advisorId: text().min(1).max(200), reason: text().trim().min(3).max(500) }))
  .mutation(({ ctx, input }) =>
    ctx.db.transaction(async (tx) => {
      const outcome = await holdAdvisorPayouts(tx, {
        advisorId: input.advisorId,
        reason: input.reason,
        actor: { kind: "user", userId: ctx.user.id },
        now: ctx.now(),
        requestId: ctx.requestId,
      });
      if (outcome.kind === "advisor_not_found") {
        throw new AppError("ADVISOR_NOT_FOUND", { ref: input.advisorId });
      }
      return { advisorId: input.advisorId, held: true, changed: outcome.changed };
    }),
  );
