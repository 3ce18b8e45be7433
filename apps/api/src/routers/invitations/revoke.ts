import { revokeInvitation } from "@an/db";
import { z } from "zod";
import { unwrap } from "../../errors";
import { protectedProcedure } from "../../trpc/init";
import { text } from "../schemas";
import { invitationActor, invitationOutput } from "./view";

export const revokeInput = z.object({
  invitationId: z.uuid(),
  reason: text().trim().max(500).optional(),
});

/** The owner or an admin revokes a pending or accepted invitation; the advisor's access ends. */
export const revoke = protectedProcedure.input(revokeInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const view = unwrap(
      await revokeInvitation(tx, {
        actor: invitationActor(ctx.user),
        invitationId: input.invitationId,
        reason: input.reason ?? null,
        now: ctx.now(),
        requestId: ctx.requestId,
      }),
    );
    return invitationOutput(view, ctx.user, ctx.now());
  }),
);
