import { listPayoutItems } from "@an/db";
import { PAYOUT_ITEM_STATUSES } from "@an/domain";
import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import { cursorSchema, encodeCursor, userIdSchema } from "../schemas";

export const listItemsInput = z
  .object({
    /** E.g. `["failed", "retrying"]` for the failures view. */
    status: z.array(z.enum(PAYOUT_ITEM_STATUSES)).max(PAYOUT_ITEM_STATUSES.length).optional(),
    advisorId: userIdSchema.optional(),
    batchId: z.uuid().optional(),
    /** `newest`: newest created first. `oldest_update`: longest unchanged first (failures). */
    order: z.enum(["newest", "oldest_update"]).default("newest"),
    limit: z.number().int().min(1).max(100).default(25),
    cursor: cursorSchema.nullish(),
  })
  .prefault({});

/** Payout items across batches, filterable by status, advisor and batch. */
export const listItems = adminProcedure.input(listItemsInput).query(async ({ ctx, input }) => {
  const page = await listPayoutItems(ctx.db, {
    statuses: input.status,
    advisorId: input.advisorId,
    batchId: input.batchId,
    order: input.order,
    limit: input.limit,
    cursor: input.cursor ?? null,
  });
  return { items: page.items, nextCursor: encodeCursor(page.nextCursor) };
});
