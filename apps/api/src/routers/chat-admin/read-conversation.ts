import { readConversationAsAdmin } from "@an/db";
import { z } from "zod";
import { unwrap } from "../../errors";
import { adminProcedure } from "../../trpc/init";

const seq = z.number().int().min(0).max(2_147_483_647);

export const readConversationInput = z
  .object({
    conversationId: z.uuid(),
    /** The next page forward: messages after this seq. */
    afterSeq: seq.optional(),
    /** The previous page: messages before this seq. Neither: the newest page. */
    beforeSeq: seq.min(1).optional(),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .refine((i) => i.afterSeq === undefined || i.beforeSeq === undefined, {
    message: "Page either after a seq or before one, not both.",
    path: ["beforeSeq"],
  });

/**
 * An admin reads any conversation, a page of messages by seq at a time, including what
 * members no longer see: hidden and deleted messages with their text, earlier revisions,
 * flags and reports. Every call is audited (`chat.read`), even a page with no messages.
 */
export const readConversation = adminProcedure
  .input(readConversationInput)
  .query(({ ctx, input }) =>
    ctx.db.transaction(async (tx) => {
      const { conversation, messages } = unwrap(
        await readConversationAsAdmin(tx, {
          conversationId: input.conversationId,
          afterSeq: input.afterSeq,
          beforeSeq: input.beforeSeq,
          limit: input.limit,
          actor: { kind: "user", userId: ctx.user.id },
          requestId: ctx.requestId,
        }),
      );
      const first = messages[0];
      const last = messages.at(-1);
      const now = ctx.now();
      return {
        conversation,
        // Attachments with signed links, as members get them: storage keys are never addresses.
        messages: messages.map((m) => ({
          ...m,
          attachments: ctx.attachmentUrls.view(m.attachments, now),
        })),
        /** Pass as `beforeSeq` for the older page; null at the start. */
        olderBeforeSeq: first && first.seq > 1 ? first.seq : null,
        /** Pass as `afterSeq` for the newer page; null at the end. */
        newerAfterSeq: last && last.seq < conversation.lastSeq ? last.seq : null,
      };
    }),
  );
