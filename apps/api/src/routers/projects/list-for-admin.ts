import { listProjectsForAdmin } from "@an/db";
import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import { cursorSchema, encodeCursor, text, userIdSchema } from "../schemas";
import { projectOutput } from "./schemas";

export const listProjectsForAdminInput = z
  .object({
    /** Matches the project's name or external reference, or its owner's email or name. */
    search: text().trim().max(200).optional(),
    ownerId: userIdSchema.optional(),
    includeArchived: z.boolean().default(true),
    limit: z.number().int().min(1).max(100).default(25),
    cursor: cursorSchema.nullish(),
    /** tRPC's infinite queries add their paging direction; pages only go forward here. */
    direction: z.enum(["forward", "backward"]).optional(),
  })
  .strict()
  .prefault({});

/** Every project, newest first, with its owner in full (admins only). */
export const listForAdmin = adminProcedure
  .input(listProjectsForAdminInput)
  .query(async ({ ctx, input }) => {
    const page = await listProjectsForAdmin(ctx.db, {
      search: input.search || undefined,
      ownerId: input.ownerId,
      includeArchived: input.includeArchived,
      limit: input.limit,
      cursor: input.cursor ?? null,
    });
    return {
      items: page.items.map((p) => ({
        ...projectOutput(p),
        owner: {
          id: p.owner.id,
          email: p.owner.email,
          firstName: p.owner.firstName,
          lastName: p.owner.lastName,
        },
      })),
      nextCursor: encodeCursor(page.nextCursor),
    };
  });
