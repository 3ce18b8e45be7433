import { replayWebhookEvent, writeAudit } from "@an/db";
import { z } from "zod";
import { AppError } from "../../errors";
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
    const result = await replayWebhookEvent(tx, { id: input.id, by: ctx.user.id });
    if (!result.ok) throw new AppError(result.code, { ref: input.id });
    await writeAudit(tx, {
      actor: { kind: "user", userId: ctx.user.id },
      action: "webhook_event.replay",
      subjectType: "webhook_event",
      subjectId: input.id,
      before: { status: result.previousStatus },
      after: { status: result.event.status, reason: input.reason },
      requestId: ctx.requestId,
    });
    return { id: input.id, status: result.event.status, replayedAt: result.event.replayedAt };
  }),
);
