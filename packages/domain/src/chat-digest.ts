import { clientForAdvisor } from "./privacy";
import type { ChatActorType, ChatMemberRole } from "./vocabulary";

/**
 * The email digest a member gets after missing messages in a project's chat: when it is
 * due, and what it may say about the senders to this recipient.
 */

/** Default wait: the oldest unread message must be this old before a digest goes out. */
export const DEFAULT_CHAT_DIGEST_DELAY_MS = 5 * 60_000;
/** Messages quoted in a digest (the count covers the rest). */
export const CHAT_DIGEST_PREVIEWS = 3;
/** Characters of a message quoted in a digest. */
export const CHAT_DIGEST_SNIPPET_CHARS = 140;
/** Characters of a project's name in a digest's subject. */
export const CHAT_DIGEST_PROJECT_CHARS = 200;

/**
 * Whether a member's unread stretch calls for a digest now: its oldest unread message (from
 * someone else) is at least `delayMs` old. A member who has read up to the end has no
 * stretch, so no digest.
 */
export function chatDigestDue(input: {
  oldestUnreadAt: Date | null;
  now: Date;
  delayMs: number;
}): boolean {
  return (
    input.oldestUnreadAt !== null &&
    input.now.getTime() - input.oldestUnreadAt.getTime() >= input.delayMs
  );
}

/** A message's sender as stored: the user (client or advisor), or the assistant or system. */
export type DigestSender = {
  actorType: ChatActorType;
  firstName: string | null;
  lastName: string | null;
  /** The sender's public advisor name, when they are an advisor. */
  advisorDisplayName: string | null;
};

/**
 * How a sender is named to a digest's recipient. An advisor sees a client by first name
 * only (the platform-wide privacy rule); advisors go by their public display name; the
 * owner sees another client in full. Null: the assistant or the system, which the
 * template names in the recipient's language.
 */
export function digestSenderName(
  recipientRole: ChatMemberRole,
  sender: DigestSender,
): string | null {
  if (sender.actorType === "assistant" || sender.actorType === "system") return null;
  if (sender.actorType === "advisor") {
    return sender.advisorDisplayName ?? clientForAdvisor({ firstName: sender.firstName }).firstName;
  }
  if (recipientRole === "advisor")
    return clientForAdvisor({ firstName: sender.firstName }).firstName;
  const full = [sender.firstName, sender.lastName].filter((p) => p && p.trim()).join(" ");
  return full || clientForAdvisor({ firstName: null }).firstName;
}

/** Text cut to `max` characters on one line, with an ellipsis when cut. */
export function digestExcerpt(text: string, max: number = CHAT_DIGEST_SNIPPET_CHARS): string {
  const line = text.replace(/\s+/g, " ").trim();
  const chars = Array.from(line);
  return chars.length <= max
    ? line
    : `${chars
        .slice(0, max - 1)
        .join("")
        .trimEnd()}…`;
}
