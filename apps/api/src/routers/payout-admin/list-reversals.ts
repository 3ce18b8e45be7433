import { listTransferReversals } from "@an/db";
import { TRANSFER_REVERSAL_STATUSES } from "@an/domain";
import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import { cursorSchema, encodeCursor, userIdSchema } from "../schemas";

export const listReversalsInput = z
  .object({
    status: z
      .array(z.enum(TRANSFER_REVERSAL_STATUSES))
      .max(TRANSFER_REVERSAL_STATUSES.length)
      .optional(),
    advisorId: userIdSchema.optional(),
    limit: z.number().int().min(1).max(100).default(25),
    cursor: cursorSchema.nullish(),
  })
  .prefault({});

/** Transfer reversals (refunds and lost chargebacks after payout), newest first. */
export const listReversals = adminProcedure
  .input(listReversalsInput)
  .query(async ({ ctx, input }) => {
    const page = await listTransferReversals(ctx.db, {
      statuses: input.status,
      advisorId: input.advisorId,
      limit: input.limit,
      cursor: input.cursor ?? null,
    });
    return { items: page.items, nextCursor: encodeCursor(page.nextCursor) };
  });
