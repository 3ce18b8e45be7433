import { setChatMessageHidden } from "@an/db";
import { z } from "zod";
import { unwrap } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { text } from "../schemas";

export const moderateMessageInput = z.object({
  messageId: z.uuid(),
  /** Why: members are not shown it, the audit log and other admins are. */
  reason: text().trim().min(3).max(500),
});

function moderation(hidden: boolean) {
  return adminProcedure.input(moderateMessageInput).mutation(({ ctx, input }) =>
    ctx.db.transaction(async (tx) => {
      const outcome = unwrap(
        await setChatMessageHidden(tx, {
          messageId: input.messageId,
          hidden,
          reason: input.reason,
          now: ctx.now(),
          actor: { kind: "user", userId: ctx.user.id },
          requestId: ctx.requestId,
        }),
      );
      return {
        messageId: input.messageId,
        conversationId: outcome.conversationId,
        seq: outcome.seq,
        hidden,
        changed: outcome.changed,
      };
    }),
  );
}

/** Hides a message from the conversation's members, with a reason (soft; audited; streams told). */
export const hideMessage = moderation(true);
/** Shows a hidden message again, with a reason (audited; streams told). */
export const unhideMessage = moderation(false);
