import { requestOffCyclePayout } from "@an/db";
import { z } from "zod";
import { AppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { text } from "../schemas";

/**
 * Pays an advisor's released earnings now, outside their schedule (no minimum; the
 * schedule is unchanged). The batch is built by the worker; it shows on the payouts page.
 * Audited.
 */
export const runOffCycle = adminProcedure
  .input(z.object({ advisorId: text().min(1).max(200) }))
  .mutation(({ ctx, input }) =>
    ctx.db.transaction(async (tx) => {
      const outcome = await requestOffCyclePayout(tx, {
        advisorId: input.advisorId,
        actor: { kind: "user", userId: ctx.user.id },
        now: ctx.now(),
        requestId: ctx.requestId,
      });
      switch (outcome.kind) {
        case "advisor_not_found":
          throw new AppError("ADVISOR_NOT_FOUND", { ref: input.advisorId });
        case "held":
          throw new AppError("PAYOUTS_HELD", { reason: outcome.reason });
        case "account_not_ready":
          throw new AppError("PAYOUT_ACCOUNT_NOT_READY", {
            capability: outcome.capability ?? "not set up",
          });
        case "nothing_payable":
          throw new AppError("NOTHING_PAYABLE");
        case "queued":
          return { advisorId: input.advisorId, queued: true };
      }
    }),
  );
