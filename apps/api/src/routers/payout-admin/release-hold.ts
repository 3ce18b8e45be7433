import { releaseAdvisorPayoutHold } from "@an/db";
import { z } from "zod";
import { AppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { text } from "../schemas";

/** Lifts a payout hold; waiting items go out again and the next run includes the advisor. Audited. */
export const releaseHold = adminProcedure
  .input(z.object({ advisorId: text().min(1).max(200) }))
  .mutation(({ ctx, input }) =>
    ctx.db.transaction(async (tx) => {
      const outcome = await releaseAdvisorPayoutHold(tx, {
        advisorId: input.advisorId,
        now: ctx.now(),
        actor: { kind: "user", userId: ctx.user.id },
        requestId: ctx.requestId,
      });
      if (outcome.kind === "advisor_not_found") {
        throw new AppError("ADVISOR_NOT_FOUND", { ref: input.advisorId });
      }
      return { advisorId: input.advisorId, held: false, changed: outcome.changed };
    }),
  );
