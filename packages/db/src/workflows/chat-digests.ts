import {
  CHAT_DIGEST_PREVIEWS,
  CHAT_DIGEST_PROJECT_CHARS,
  chatDigestDue,
  digestExcerpt,
  digestSenderName,
} from "@an/domain";
import type { Executor } from "../client";
import { enqueueJob } from "../jobs";
import { loadChatAccess } from "../queries/chat-access";
import {
  loadChatDigestMessages,
  lockChatDigestMember,
  markChatDigested,
} from "../queries/chat-digests";

export type ChatDigestOutcome =
  /** A digest was queued (`send_notification`, template `chat_digest`). */
  | { kind: "queued"; count: number; toSeq: number }
  /** Another worker holds the member row, or the member is gone. */
  | { kind: "skipped" }
  /** Nothing unread from others (read meanwhile, or only their own or hidden messages). */
  | { kind: "nothing_unread" }
  /** The oldest unread message hasn't waited `delayMs` yet. */
  | { kind: "not_due" }
  /** The advisor no longer has access: the stretch is marked without an email. */
  | { kind: "no_access" };

/**
 * Writes one member's chat digest, in the caller's transaction: locks the member row
 * (SKIP LOCKED, so two workers never write the same digest), re-reads the unread stretch,
 * asks the domain whether it is due, queues one notification in the recipient's locale
 * and moves `digestedSeq` to the conversation's last seq, together. The outbox's dedupe
 * key (conversation, member, last seq) makes a replayed job a no-op as well.
 */
export async function digestChatMember(
  tx: Executor,
  input: { conversationId: string; userId: string; now: Date; delayMs: number },
): Promise<ChatDigestOutcome> {
  const member = await lockChatDigestMember(tx, input);
  if (!member) return { kind: "skipped" };
  const afterSeq = Math.max(member.lastReadSeq, member.digestedSeq, member.historyFromSeq);
  if (member.lastSeq <= afterSeq) return { kind: "nothing_unread" };
  const unread = await loadChatDigestMessages(tx, {
    conversationId: member.conversationId,
    userId: member.userId,
    afterSeq,
    toSeq: member.lastSeq,
    previews: CHAT_DIGEST_PREVIEWS,
  });
  const oldest = unread.first[0]?.createdAt ?? null;
  if (!oldest) return { kind: "nothing_unread" };
  if (!chatDigestDue({ oldestUnreadAt: oldest, now: input.now, delayMs: input.delayMs })) {
    return { kind: "not_due" };
  }
  if (member.role === "advisor") {
    // An advisor whose invitation ended, whose pass ran out or who was suspended is told
    // nothing about what they can no longer read.
    const loaded = await loadChatAccess(tx, {
      conversationId: member.conversationId,
      caller: { kind: "user", userId: member.userId, isAdmin: false },
      now: input.now,
    });
    if (!loaded?.access.allowed) {
      await markChatDigested(tx, { ...member, seq: member.lastSeq });
      return { kind: "no_access" };
    }
  }
  await enqueueJob(tx, "send_notification", {
    userId: member.userId,
    dedupeKey: `chat_digest:${member.conversationId}:${member.userId}:${member.lastSeq}`,
    template: "chat_digest",
    params: {
      conversationId: member.conversationId,
      projectName: digestExcerpt(member.projectName, CHAT_DIGEST_PROJECT_CHARS),
      count: unread.count,
      toSeq: member.lastSeq,
      messages: unread.first.map((m) => {
        const name = digestSenderName(member.role, m);
        return {
          actorType: m.actorType,
          name: name === null ? null : digestExcerpt(name, CHAT_DIGEST_PROJECT_CHARS),
          snippet: digestExcerpt(m.body),
        };
      }),
    },
  });
  await markChatDigested(tx, { ...member, seq: member.lastSeq });
  return { kind: "queued", count: unread.count, toSeq: member.lastSeq };
}
