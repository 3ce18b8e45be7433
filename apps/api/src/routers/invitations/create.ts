import { inviteAdvisor } from "@an/db";
import { z } from "zod";
import { unwrap } from "../../errors";
import { protectedProcedure } from "../../trpc/init";
import { text, userIdSchema } from "../schemas";
import { invitationActor, invitationOutput } from "./view";

export const createInput = z.object({
  projectId: z.uuid(),
  advisorId: userIdSchema,
  /** Whether the advisor sees the conversation from its start, or only from joining. */
  seesHistory: z.boolean().default(false),
  canPost: z.boolean().default(true),
  /** Between 1 hour and 180 days from now; 30 days when omitted. */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
  message: text().trim().max(2000).optional(),
});

/** The project's owner (or an admin) invites an approved, active advisor into its chat. */
export const create = protectedProcedure.input(createInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const view = unwrap(
      await inviteAdvisor(tx, {
        actor: invitationActor(ctx.user),
        projectId: input.projectId,
        advisorId: input.advisorId,
        seesHistory: input.seesHistory,
        canPost: input.canPost,
        expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
        message: input.message ?? null,
        now: ctx.now(),
        requestId: ctx.requestId,
      }),
    );
    return invitationOutput(view, ctx.user, ctx.now());
  }),
);
