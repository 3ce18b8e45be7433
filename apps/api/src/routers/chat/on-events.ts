import { z } from "zod";
import { AppError } from "../../errors";
import { chatStream } from "../../live/chat-stream";
import { chatProcedure } from "../../trpc/init";

const MAX_SEQ = 2_147_483_647;

/**
 * `lastEventId` is the last `seq` the client holds: tRPC sets it from the EventSource's
 * Last-Event-ID on a reconnect, and a client passes it on its first connect too (the last
 * seq of the history it loaded). Without it the stream starts at the beginning of what the
 * caller may see (or with `resync` when that is more than the backlog cap), so no message
 * falls between a history load and the subscription.
 */
export const onEventsInput = z.object({
  conversationId: z.uuid(),
  lastEventId: z
    .string()
    .refine((s) => /^(0|[1-9][0-9]{0,9})$/.test(s) && Number(s) <= MAX_SEQ, {
      error: "LAST_EVENT_ID_INVALID",
    })
    .nullish(),
});

/**
 * A member's (or the assistant's) live view of a conversation over SSE: messages (event id = seq), `resync`,
 * edits/deletes/hides and typing. See `chatStream` for the guarantees.
 */
export const onEvents = chatProcedure.input(onEventsInput).subscription(async function* ({
  ctx,
  input,
  signal,
}) {
  if (!ctx.live) throw new AppError("INTERNAL", {}, { cause: new Error("live chat is off") });
  yield* chatStream({
    db: ctx.db,
    live: ctx.live,
    // A member's token or the assistant's key: the assistant follows every conversation it serves.
    caller: ctx.chatCaller,
    conversationId: input.conversationId,
    lastEventId: input.lastEventId == null ? null : Number(input.lastEventId),
    signal,
    now: ctx.now,
    attachmentUrls: ctx.attachmentUrls,
  });
});
