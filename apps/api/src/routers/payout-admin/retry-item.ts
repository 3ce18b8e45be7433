import { retryPayoutItem } from "@an/db";
import { z } from "zod";
import { AppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";

/** Sends a failed payout item again (same idempotency key: it can't pay twice). Audited. */
export const retryItem = adminProcedure
  .input(z.object({ itemId: z.uuid() }))
  .mutation(({ ctx, input }) =>
    ctx.db.transaction(async (tx) => {
      const outcome = await retryPayoutItem(tx, {
        itemId: input.itemId,
        now: ctx.now(),
        actor: { kind: "user", userId: ctx.user.id },
        requestId: ctx.requestId,
      });
      if (outcome.kind === "not_found") {
        throw new AppError("PAYOUT_ITEM_NOT_FOUND", { ref: input.itemId });
      }
      if (outcome.kind === "wrong_status") {
        throw new AppError("PAYOUT_ITEM_NOT_RETRYABLE", { status: outcome.status });
      }
      return { id: outcome.item.id, status: outcome.item.status };
    }),
  );
