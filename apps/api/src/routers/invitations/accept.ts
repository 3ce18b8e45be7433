import { acceptInvitation } from "@an/db";
import { z } from "zod";
import { unwrap } from "../../errors";
import { advisorProcedure } from "../../trpc/init";
import { invitationActor, invitationOutput } from "./view";

export const acceptInput = z.object({ invitationId: z.uuid() });

/**
 * The invited advisor accepts a pending, unexpired invitation and joins the project's chat
 * (access also needs a live engagement: a booking on the project or an async pass).
 */
export const accept = advisorProcedure.input(acceptInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const view = unwrap(
      await acceptInvitation(tx, {
        actor: invitationActor(ctx.user),
        invitationId: input.invitationId,
        now: ctx.now(),
        requestId: ctx.requestId,
      }),
    );
    return invitationOutput(view, ctx.user, ctx.now());
  }),
);
