import { listProjectsForOwner } from "@an/db";
import { z } from "zod";
import { protectedProcedure } from "../../trpc/init";
import { cursorSchema, encodeCursor } from "../schemas";
import { projectOutput } from "./schemas";

export const listMyProjectsInput = z
  .object({
    includeArchived: z.boolean().default(false),
    limit: z.number().int().min(1).max(100).default(25),
    cursor: cursorSchema.nullish(),
    /** tRPC's infinite queries add their paging direction; pages only go forward here. */
    direction: z.enum(["forward", "backward"]).optional(),
  })
  .strict()
  .prefault({});

/** The caller's projects, newest first; archived ones only when asked for. */
export const listMine = protectedProcedure
  .input(listMyProjectsInput)
  .query(async ({ ctx, input }) => {
    const page = await listProjectsForOwner(ctx.db, {
      ownerId: ctx.user.id,
      includeArchived: input.includeArchived,
      limit: input.limit,
      cursor: input.cursor ?? null,
    });
    return { items: page.items.map(projectOutput), nextCursor: encodeCursor(page.nextCursor) };
  });
