import { listUsers } from "@an/db";
import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import { encodeCursor, roleSchema, text, userCursorSchema } from "../schemas";

export const listUsersInput = z
  .object({
    search: text().trim().max(200).optional(),
    role: roleSchema.optional(),
    limit: z.number().int().min(1).max(100).default(25),
    cursor: userCursorSchema.nullish(),
  })
  // Every field is optional, so calling with no input at all means "first page, no filter".
  .prefault({});

/** Users newest first, searchable by name or email, filterable by role. */
export const list = adminProcedure.input(listUsersInput).query(async ({ ctx, input }) => {
  const page = await listUsers(ctx.db, {
    search: input.search || undefined,
    role: input.role,
    limit: input.limit,
    cursor: input.cursor ?? null,
  });
  return { items: page.items, nextCursor: encodeCursor(page.nextCursor) };
});
