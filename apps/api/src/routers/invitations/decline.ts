import { declineInvitation } from "@an/db";
import { z } from "zod";
import { unwrap } from "../../errors";
import { advisorProcedure } from "../../trpc/init";
import { invitationActor, invitationOutput } from "./view";

export const declineInput = z.object({ invitationId: z.uuid() });

/** The invited advisor declines a pending, unexpired invitation. */
export const decline = advisorProcedure.input(declineInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const view = unwrap(
      await declineInvitation(tx, {
        actor: invitationActor(ctx.user),
        invitationId: input.invitationId,
        now: ctx.now(),
        requestId: ctx.requestId,
      }),
    );
    return invitationOutput(view, ctx.user, ctx.now());
  }),
);
