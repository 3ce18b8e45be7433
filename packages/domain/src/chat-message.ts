import type { Result } from "./result";
import { err, ok } from "./result";
import { clientForAdvisor } from "./privacy";
import { unstorableReason } from "./text";
import type { MessageFlagReason } from "./vocabulary";

/** Longest message body, in characters (code points) after trimming. */
export const CHAT_BODY_MAX_CHARS = 4000;
/** Most attachments on one message. */
export const CHAT_MAX_ATTACHMENTS = 5;

export type ChatBodyError =
  | { code: "CHAT_BODY_EMPTY" }
  | { code: "CHAT_BODY_TOO_LONG"; max: number; length: number }
  | { code: "TEXT_INVALID_CHARACTERS" }
  | { code: "CHAT_TOO_MANY_ATTACHMENTS"; max: number };

/**
 * A message body as it will be stored: trimmed, 1..{@link CHAT_BODY_MAX_CHARS} characters
 * (empty is allowed only with an attachment), no NUL and no lone surrogate. Length counts
 * code points, so an emoji is one character whatever its UTF-16 length.
 */
export function normalizeMessageBody(
  body: string,
  attachmentCount = 0,
): Result<string, ChatBodyError> {
  if (attachmentCount > CHAT_MAX_ATTACHMENTS) {
    return err({ code: "CHAT_TOO_MANY_ATTACHMENTS", max: CHAT_MAX_ATTACHMENTS });
  }
  if (unstorableReason(body)) return err({ code: "TEXT_INVALID_CHARACTERS" });
  const trimmed = body.trim();
  const length = [...trimmed].length;
  if (length === 0 && attachmentCount === 0) return err({ code: "CHAT_BODY_EMPTY" });
  if (length > CHAT_BODY_MAX_CHARS) {
    return err({ code: "CHAT_BODY_TOO_LONG", max: CHAT_BODY_MAX_CHARS, length });
  }
  return ok(trimmed);
}

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/u;
/** "sam at example dot com", "sam (at) example [dot] com": the usual dodge. */
const OBFUSCATED_EMAIL =
  /\b[\p{L}\p{N}._+-]+\s*[([{]?\s*at\s*[)\]}]?\s*[\p{L}\p{N}-]+\s*[([{]?\s*dot\s*[)\]}]?\s*(?:com|net|org|io|co|me|dev|app|de|fr|es|uk|info|biz)\b/iu;

const PAYMENT_LINK =
  /\b(?:paypal\.me|paypal\.com\/(?:paypalme|donate|pay|send)|venmo\.com|account\.venmo\.com|cash\.app|cash\.me|buy\.stripe\.com|donate\.stripe\.com|wise\.com\/pay|revolut\.me|ko-fi\.com|buymeacoffee\.com|patreon\.com|payoneer\.com|zelle(?:pay)?\.com|monzo\.me|skrill\.(?:com|me)|gumroad\.com)\b/i;
/** "$cashtag" (Cash App) and "@handle on venmo": asking for money by name. */
const PAYMENT_HANDLE =
  /(?:^|\s)\$[a-z][a-z0-9_-]{2,19}\b|\b(?:venmo|cash ?app|zelle)\s*(?:me\s*)?@\w+/i;

/** Candidate phone numbers: a digit run with the separators people type, maybe a leading +. */
const PHONE_CANDIDATE =
  /(?<![\p{L}\p{N}.,/:-])\+?\(?\d[\d\s().\-/]{5,}\d(?![\p{L}\p{N}]|[.,/:-]\d)/gu;
const DATE_LIKE = [
  /^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$/, // 2026-12-02
  /^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$/, // 02/12/2026
  /^\d{4}\s*[-/]\s*\d{4}$/, // 2020-2025
  /^\d{1,2}\s*[-/]\s*\d{1,2}$/, // 9-17
];

function looksLikePhone(candidate: string): boolean {
  const raw = candidate.trim();
  const digits = raw.replace(/\D/g, "");
  if (digits.length < 8 || digits.length > 15) return false;
  if (DATE_LIKE.some((re) => re.test(raw))) return false;
  const groups = raw.split(/[^\d]+/).filter(Boolean);
  const separators = raw.replace(/[\d+]/g, "");
  // Dotted groups of one to three digits are versions and addresses (1.2.3, 10.0.0.1).
  if (/^[.]+$/.test(separators) && groups.every((g) => g.length <= 3) && groups.length !== 5)
    return false;
  if (raw.startsWith("+")) return true;
  // Thousands grouped by spaces or dots: an amount (10 000 000, 1.250.000).
  if (/^\d{1,3}(?:[ .]\d{3})+$/.test(raw)) return false;
  // A bare run of digits is an id or an amount more often than a number to call, unless it
  // is dialled like one (a trunk prefix 0 and ten or more digits).
  if (groups.length === 1) return /^0\d{9,14}$/.test(digits);
  return true;
}

/** An IBAN-shaped token that passes the ISO 13616 mod-97 check. */
function hasIban(text: string): boolean {
  const candidates = text.toUpperCase().match(/\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b/g) ?? [];
  return candidates.some((candidate) => {
    const iban = candidate.replace(/ /g, "");
    if (iban.length < 15 || iban.length > 34) return false;
    const rearranged = iban.slice(4) + iban.slice(0, 4);
    let remainder = 0;
    for (const ch of rearranged) {
      const value = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
      for (const d of value) remainder = (remainder * 10 + Number(d)) % 97;
    }
    return remainder === 1;
  });
}

/**
 * Why a message should be reviewed: it shares contact details (an email address, even
 * spelled out; a phone number) or points payment off the platform (a payment link, a
 * cashtag, an IBAN). Flagged messages are still delivered; the detector errs towards
 * flagging, and dates, versions and amounts are not phone numbers.
 */
export function detectFlagReasons(body: string): MessageFlagReason[] {
  const reasons: MessageFlagReason[] = [];
  if (EMAIL.test(body) || OBFUSCATED_EMAIL.test(body)) reasons.push("email");
  const phones = body.match(PHONE_CANDIDATE) ?? [];
  if (phones.some(looksLikePhone)) reasons.push("phone");
  if (PAYMENT_LINK.test(body) || PAYMENT_HANDLE.test(body) || hasIban(body)) {
    reasons.push("payment_link");
  }
  return reasons;
}

/** Who sent a message, as stored: enough to name them for any viewer. */
export type ChatSenderFacts = {
  actorType: "client" | "advisor" | "assistant" | "system";
  firstName: string | null;
  lastName: string | null;
  /** The advisor's public display name, when the sender is an advisor. */
  advisorDisplayName: string | null;
};

/**
 * The name a viewer sees for a sender. Advisors see a client by first name only (the same
 * projection as everywhere else); the client, admins and the assistant see the full name;
 * an advisor is known by their public display name. Null for the assistant and the system,
 * whom the console names in the viewer's language.
 */
export function chatSenderName(
  sender: ChatSenderFacts,
  viewer: "owner" | "advisor" | "admin" | "assistant",
): string | null {
  if (sender.actorType === "assistant" || sender.actorType === "system") return null;
  if (sender.actorType === "advisor") {
    return sender.advisorDisplayName ?? clientForAdvisor(sender).firstName;
  }
  if (viewer === "advisor") return clientForAdvisor(sender).firstName;
  const full = [sender.firstName, sender.lastName]
    .map((part) => part?.trim())
    .filter(Boolean)
    .join(" ");
  return full || clientForAdvisor(sender).firstName;
}
