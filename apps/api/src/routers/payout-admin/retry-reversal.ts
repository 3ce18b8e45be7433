import { retryTransferReversal } from "@an/db";
import { z } from "zod";
import { unwrap } from "../../errors";
import { adminProcedure } from "../../trpc/init";

/**
 * Tries a failed transfer reversal again (e.g. once the advisor's balance recovered), as
 * long as a payout hasn't netted the receivable meanwhile. Audited.
 */
export const retryReversal = adminProcedure
  .input(z.object({ reversalId: z.uuid() }))
  .mutation(({ ctx, input }) =>
    ctx.db.transaction(async (tx) => {
      const reversal = unwrap(
        await retryTransferReversal(tx, {
          reversalId: input.reversalId,
          now: ctx.now(),
          actor: { kind: "user", userId: ctx.user.id },
          requestId: ctx.requestId,
        }),
      );
      return { id: reversal.id, status: reversal.status };
    }),
  );
