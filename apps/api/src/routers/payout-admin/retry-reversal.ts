import { retryTransferReversal } from "@an/db";
import { z } from "zod";
import { AppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";

/**
 * Tries a failed transfer reversal again (e.g. once the advisor's balance recovered), as
 * long as a payout hasn't netted the receivable meanwhile. Audited.
 */
export const retryReversal = adminProcedure
  .input(z.object({ reversalId: z.uuid() }))
  .mutation(({ ctx, input }) =>
    ctx.db.transaction(async (tx) => {
      const outcome = await retryTransferReversal(tx, {
        reversalId: input.reversalId,
        now: ctx.now(),
        actor: { kind: "user", userId: ctx.user.id },
        requestId: ctx.requestId,
      });
      if (outcome.kind === "not_found") {
        throw new AppError("REVERSAL_NOT_FOUND", { ref: input.reversalId });
      }
      if (outcome.kind === "wrong_status") {
        throw new AppError("REVERSAL_NOT_RETRYABLE", { status: outcome.status });
      }
      return { id: outcome.reversal.id, status: outcome.reversal.status };
    }),
  );
