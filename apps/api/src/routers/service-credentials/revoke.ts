import { revokeServiceCredentialCommand } from "@an/db";
import { z } from "zod";
import { unwrap } from "../../errors";
import { adminProcedure } from "../../trpc/init";

export const revokeInput = z.object({ id: z.uuid() });

/** Revokes a service credential: its next request is refused. Idempotent; audited. */
export const revoke = adminProcedure.input(revokeInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const { credential, changed } = unwrap(
      await revokeServiceCredentialCommand(tx, {
        id: input.id,
        now: ctx.now(),
        actor: { kind: "user", userId: ctx.user.id },
        requestId: ctx.requestId,
      }),
    );
    return { id: credential.id, revokedAt: credential.revokedAt, changed };
  }),
);
