import { listInvitationsForAdvisor } from "@an/db";
import { z } from "zod";
import { advisorProcedure } from "../../trpc/init";
import { cursorSchema, encodeCursor } from "../schemas";
import { invitationOutput } from "./view";

export const listMineInput = z
  .object({
    limit: z.number().int().min(1).max(100).default(50),
    cursor: cursorSchema.nullish(),
  })
  .prefault({});

/** The calling advisor's invitations, newest first: project, the client's first name, scope. */
export const listMine = advisorProcedure.input(listMineInput).query(async ({ ctx, input }) => {
  const page = await listInvitationsForAdvisor(ctx.db, {
    advisorId: ctx.user.id,
    limit: input.limit,
    cursor: input.cursor ?? null,
  });
  const now = ctx.now();
  return {
    items: page.items.map((view) => invitationOutput(view, ctx.user, now)),
    nextCursor: encodeCursor(page.nextCursor),
  };
});
