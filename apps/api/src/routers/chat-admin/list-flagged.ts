import { listFlaggedMessages } from "@an/db";
import { MESSAGE_FLAG_REASONS } from "@an/domain";
import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import { cursorSchema, encodeCursor } from "../schemas";

export const listFlaggedInput = z
  .object({
    /** One kind of flag; `reported`: messages a member reported. */
    reason: z.enum(MESSAGE_FLAG_REASONS).optional(),
    /** Only messages still visible with a content flag or an unresolved report. */
    openOnly: z.boolean().default(false),
    limit: z.number().int().min(1).max(100).default(25),
    cursor: cursorSchema.nullish(),
  })
  .prefault({});

/**
 * Messages flagged for review (emails, phone numbers, payment links) or reported by a
 * member, newest first, each with its project, full text, revisions and reports.
 */
export const listFlagged = adminProcedure.input(listFlaggedInput).query(async ({ ctx, input }) => {
  const rows = await listFlaggedMessages(ctx.db, {
    reason: input.reason,
    openOnly: input.openOnly,
    cursor: input.cursor ?? null,
    limit: input.limit + 1,
  });
  const items = rows.slice(0, input.limit);
  const last = rows.length > input.limit ? items.at(-1) : undefined;
  return {
    items,
    nextCursor: last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
  };
});
