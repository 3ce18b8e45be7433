import { revokeApplicationInvitation } from "@an/db";
import { z } from "zod";
import { unwrap } from "../../errors";
import { adminProcedure } from "../../trpc/init";

export const revokeApplicationInvitationInput = z.object({ id: z.uuid() });

/** Withdraws a pending application invitation so its token no longer lets anyone apply. */
export const revoke = adminProcedure
  .input(revokeApplicationInvitationInput)
  .mutation(({ ctx, input }) =>
    ctx.db.transaction(async (tx) =>
      unwrap(
        await revokeApplicationInvitation(tx, {
          id: input.id,
          now: new Date(),
          actor: { kind: "user", userId: ctx.user.id },
          requestId: ctx.requestId,
        }),
      ),
    ),
  );
