import { cancelPayoutItem } from "@an/db";
import { z } from "zod";
import { AppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { text } from "../schemas";

/**
 * Withdraws an unsent payout item: its share goes back to the advisor's payable and the
 * next run pays it again. Refused while the transfer may exist at the provider. Audited.
 */
export const cancelItem = adminProcedure
  .input(z.object({ itemId: z.uuid(), reason: text().trim().min(3).max(500) }))
  .mutation(({ ctx, input }) =>
    ctx.db.transaction(async (tx) => {
      const outcome = await cancelPayoutItem(tx, {
        itemId: input.itemId,
        now: ctx.now(),
        reason: input.reason,
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
