import { listInvitationsForAdvisor } from "@an/db";
import { z } from "zod";
import { advisorProcedure } from "../../trpc/init";
import { invitationOutput } from "./view";

export const listMineInput = z
  .object({ limit: z.number().int().min(1).max(100).default(50) })
  .prefault({});

/** The calling advisor's invitations, newest first: project, the client's first name, scope. */
export const listMine = advisorProcedure.input(listMineInput).query(async ({ ctx, input }) => {
  const views = await listInvitationsForAdvisor(ctx.db, {
    advisorId: ctx.user.id,
    limit: input.limit,
  });
  const now = ctx.now();
  return { items: views.map((view) => invitationOutput(view, ctx.user, now)) };
});
