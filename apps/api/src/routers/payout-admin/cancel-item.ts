import { cancelPayoutItem } from "@an/db";
import { z } from "zod";
import { unwrap } from "../../errors";
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
      const item = unwrap(
        await cancelPayoutItem(tx, {
          itemId: input.itemId,
          now: ctx.now(),
          reason: input.reason,
          actor: { kind: "user", userId: ctx.user.id },
          requestId: ctx.requestId,
        }),
      );
      return { id: item.id, status: item.status };
    }),
  );
