import { listIncidents } from "@an/db";
import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import { cursorSchema, encodeCursor } from "../schemas";

export const listIncidentsInput = z
  .object({
    /** True: unresolved only; false: resolved only; absent: all. */
    open: z.boolean().optional(),
    consultationId: z.uuid().optional(),
    limit: z.number().int().min(1).max(100).default(25),
    cursor: cursorSchema.nullish(),
  })
  .prefault({});

/** Security incidents (mismatched amounts, forged tokens, failing provider calls), newest first. */
export const list = adminProcedure.input(listIncidentsInput).query(async ({ ctx, input }) => {
  const rows = await listIncidents(ctx.db, {
    open: input.open,
    consultationId: input.consultationId,
    cursor: input.cursor ?? null,
    limit: input.limit + 1,
  });
  const items = rows.slice(0, input.limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor:
      rows.length > input.limit && last
        ? encodeCursor({ createdAt: last.createdAt, id: last.id })
        : null,
  };
});
