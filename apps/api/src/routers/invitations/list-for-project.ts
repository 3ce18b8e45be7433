import { listProjectInvitations } from "@an/db";
import { z } from "zod";
import { unwrap } from "../../errors";
import { protectedProcedure } from "../../trpc/init";
import { cursorSchema, encodeCursor } from "../schemas";
import { invitationActor, invitationOutput } from "./view";

export const listForProjectInput = z.object({
  projectId: z.uuid(),
  limit: z.number().int().min(1).max(100).default(50),
  cursor: cursorSchema.nullish(),
});

/** A project's invitations, newest first, for its owner or an admin. */
export const listForProject = protectedProcedure
  .input(listForProjectInput)
  .query(async ({ ctx, input }) => {
    const page = unwrap(
      await listProjectInvitations(ctx.db, {
        actor: invitationActor(ctx.user),
        projectId: input.projectId,
        limit: input.limit,
        cursor: input.cursor ?? null,
      }),
    );
    const now = ctx.now();
    return {
      items: page.items.map((view) => invitationOutput(view, ctx.user, now)),
      nextCursor: encodeCursor(page.nextCursor),
    };
  });
