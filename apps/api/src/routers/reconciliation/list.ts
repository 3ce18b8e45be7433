import { listReconciliationReports } from "@an/db";
import { RECONCILIATION_STATUSES } from "@an/domain";
import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import { cursorSchema, encodeCursor } from "../schemas";

export const listReconciliationInput = z
  .object({
    status: z.enum(RECONCILIATION_STATUSES).optional(),
    limit: z.number().int().min(1).max(100).default(25),
    cursor: cursorSchema.nullish(),
  })
  .prefault({});

/** Reconciliation reports, newest first, with their summaries and difference counts. */
export const list = adminProcedure.input(listReconciliationInput).query(async ({ ctx, input }) => {
  const page = await listReconciliationReports(ctx.db, {
    status: input.status,
    limit: input.limit,
    cursor: input.cursor ?? null,
  });
  return { items: page.items, nextCursor: encodeCursor(page.nextCursor) };
});
