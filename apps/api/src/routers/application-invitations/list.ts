import { listApplicationInvitations } from "@an/db";
import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import { cursorSchema, encodeCursor } from "../schemas";

export const listApplicationInvitationsInput = z
  .object({
    limit: z.number().int().min(1).max(100).default(25),
    cursor: cursorSchema.nullish(),
  })
  .prefault({});

/** Application invitations, newest first, each pending, used, expired or revoked. */
export const list = adminProcedure
  .input(listApplicationInvitationsInput)
  .query(async ({ ctx, input }) => {
    const page = await listApplicationInvitations(ctx.db, {
      now: new Date(),
      limit: input.limit,
      cursor: input.cursor ?? null,
    });
    return { items: page.items, nextCursor: encodeCursor(page.nextCursor) };
  });
