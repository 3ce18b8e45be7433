import { listAdvisors } from "@an/db";
import { ADVISOR_STATUSES } from "@an/domain";
import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import { encodeCursor, text, userCursorSchema } from "../schemas";

export const listAdvisorsInput = z
  .object({
    /** Display name, the user's name or email. */
    search: text().trim().max(200).optional(),
    status: z.enum(ADVISOR_STATUSES).optional(),
    /** True: only advisors whose sensitive change awaits a re-check. */
    flagged: z.boolean().optional(),
    limit: z.number().int().min(1).max(100).default(25),
    cursor: userCursorSchema.nullish(),
  })
  .prefault({});

/** Advisors newest first, searchable by name or email, filterable by status and flag. */
export const list = adminProcedure.input(listAdvisorsInput).query(async ({ ctx, input }) => {
  const page = await listAdvisors(ctx.db, {
    search: input.search || undefined,
    status: input.status,
    flagged: input.flagged,
    limit: input.limit,
    cursor: input.cursor ?? null,
  });
  return { items: page.items, nextCursor: encodeCursor(page.nextCursor) };
});
