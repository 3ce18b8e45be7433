import { replayWebhookEvent } from "@an/db";
import { z } from "zod";
import { unwrap } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { text } from "../schemas";

export const replayInput = z.object({
  id: z.uuid(),
  reason: text().trim().min(3).max(500),
});

/**
 * Processes a stored delivery again (e.g. after fixing what made it fail). Processing is
 * idempotent, so a replay never applies an event twice. Reason required, audited.
 */
export const replay = adminProcedure.input(replayInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const event = unwrap(
      await replayWebhookEvent(tx, {
        id: input.id,
        reason: input.reason,
        actor: { kind: "user", userId: ctx.user.id },
        requestId: ctx.requestId,
      }),
    );
    return { id: input.id, status: event.status, replayedAt: event.replayedAt };
  }),
);
