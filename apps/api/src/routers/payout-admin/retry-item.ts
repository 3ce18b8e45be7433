import { retryPayoutItem } from "@an/db";
import { z } from "zod";
import { unwrap } from "../../errors";
import { adminProcedure } from "../../trpc/init";

/** Sends a failed payout item again (same idempotency key: it can't pay twice). Audited. */
export const retryItem = adminProcedure
  .input(z.object({ itemId: z.uuid() }))
  .mutation(({ ctx, input }) =>
    ctx.db.transaction(async (tx) => {
      const item = unwrap(
        await retryPayoutItem(tx, {
          itemId: input.itemId,
          now: ctx.now(),
          actor: { kind: "user", userId: ctx.user.id },
          requestId: ctx.requestId,
        }),
      );
      return { id: item.id, status: item.status };
    }),
  );
