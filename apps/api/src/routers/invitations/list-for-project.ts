import { listProjectInvitations } from "@an/db";
import { z } from "zod";
import { unwrap } from "../../errors";
import { protectedProcedure } from "../../trpc/init";
import { invitationActor, invitationOutput } from "./view";

export const listForProjectInput = z.object({
  projectId: z.uuid(),
  limit: z.number().int().min(1).max(100).default(50),
});

/** A project's invitations, newest first, for its owner or an admin. */
export const listForProject = protectedProcedure
  .input(listForProjectInput)
  .query(async ({ ctx, input }) => {
    const views = unwrap(
      await listProjectInvitations(ctx.db, {
        actor: invitationActor(ctx.user),
        projectId: input.projectId,
        limit: input.limit,
      }),
    );
    const now = ctx.now();
    return { items: views.map((view) => invitationOutput(view, ctx.user, now)) };
  });
