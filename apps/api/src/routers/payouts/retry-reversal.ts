import { retryTransferReversal, writeAudit } from "@an/db";
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
      });
      if (outcome.kind === "not_found") {
        throw new AppError("REVERSAL_NOT_FOUND", { ref: input.reversalId });
      }
      if (outcome.kind === "wrong_status") {
        throw new AppError("REVERSAL_NOT_RETRYABLE", { status: outcome.status });
      }
      await writeAudit(tx, {
        actor: { kind: "user", userId: ctx.user.id },
        action: "transfer_reversal.retried",
        subjectType: "transfer_reversal",
        subjectId: input.reversalId,
        before: { status: "failed" },
        after: { status: outcome.reversal.status },
        requestId: ctx.requestId,
      });
      return { id: outcome.reversal.id, status: outcome.reversal.status };
    }),
  );
