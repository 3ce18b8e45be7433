import { getPayoutBatch } from "@an/db";
import { z } from "zod";
import { AppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";

export const getBatchInput = z.object({ id: z.uuid() });

/** One batch with every item: attempts, the provider's last error, next retry, transfer id. */
export const getBatch = adminProcedure.input(getBatchInput).query(async ({ ctx, input }) => {
  const batch = await getPayoutBatch(ctx.db, { id: input.id });
  if (!batch) throw new AppError("PAYOUT_BATCH_NOT_FOUND", { ref: input.id });
  return batch;
});
