import { issueApplicationInvitation } from "@an/db";
import { z } from "zod";
import { unwrap } from "../../errors";
import { adminProcedure } from "../../trpc/init";

export const issueApplicationInvitationInput = z.object({
  email: z.email().max(320),
  /** When it lapses: 1 hour to 90 days from now; 14 days when absent. */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});

/**
 * Issues a single-use invitation to apply and emails it to the invitee, in the admin's
 * language (the invitee's is unknown). The token is in this answer only: it is stored
 * hashed, so it can't be shown again. Audited.
 */
export const issue = adminProcedure
  .input(issueApplicationInvitationInput)
  .mutation(({ ctx, input }) =>
    ctx.db.transaction(async (tx) => {
      const issued = unwrap(
        await issueApplicationInvitation(tx, {
          email: input.email,
          expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
          locale: ctx.locale,
          now: new Date(),
          actor: { kind: "user", userId: ctx.user.id },
          requestId: ctx.requestId,
        }),
      );
      return { ...issued.invitation, status: "pending" as const, token: issued.token };
    }),
  );
