import { listPayoutBatches } from "@an/db";
import { PAYOUT_BATCH_KINDS } from "@an/domain";
import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import { instantSchema } from "../consultations/schemas";
import { cursorSchema, encodeCursor, userIdSchema } from "../schemas";

export const listBatchesInput = z
  .object({
    advisorId: userIdSchema.optional(),
    kind: z.enum(PAYOUT_BATCH_KINDS).optional(),
    /** Creation time range, [from, to). */
    from: instantSchema.optional(),
    to: instantSchema.optional(),
    limit: z.number().int().min(1).max(100).default(25),
    cursor: cursorSchema.nullish(),
  })
  .prefault({});

/** Payout batches, newest first, with their items counted by status and the amount sent. */
export const listBatches = adminProcedure.input(listBatchesInput).query(async ({ ctx, input }) => {
  const page = await listPayoutBatches(ctx.db, {
    advisorId: input.advisorId,
    kind: input.kind,
    from: input.from,
    to: input.to,
    limit: input.limit,
    cursor: input.cursor ?? null,
  });
  return { items: page.items, nextCursor: encodeCursor(page.nextCursor) };
});
