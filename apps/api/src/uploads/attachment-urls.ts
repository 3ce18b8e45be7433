import { createHmac, timingSafeEqual } from "node:crypto";

/** Development default for ATTACHMENT_URL_SECRET; production refuses to start with it. */
export const DEV_ATTACHMENT_URL_SECRET = "dev-only-attachment-url-secret-0123456789";

/** Where signed attachment links point: `GET <base>/chat-attachments/<id without "chat/">`. */
export const ATTACHMENT_DOWNLOAD_PATH = "/chat-attachments/";

/** A stored chat attachment with the link a viewer downloads it from. */
export type AttachmentView = {
  path: string;
  contentType: string;
  bytes: number;
  name: string;
  /** Signed and expiring: `expires` (Unix seconds) and `signature` in the query. */
  url: string;
  /** When `url` stops working; fetch the message again for a fresh one. */
  urlExpiresAt: Date;
};

export type AttachmentLinkCheck = "ok" | "invalid" | "expired";

/** Signs and checks chat attachment download links. */
export type AttachmentUrls = {
  /** The signed link to attachment `id` (a storage key under `chat/`), valid `ttlSeconds`. */
  sign: (id: string, now: Date) => { url: string; expiresAt: Date };
  /** Whether `signature` is this signer's over `id` and `expires`, and not yet past. */
  check: (id: string, expires: string, signature: string, now: Date) => AttachmentLinkCheck;
  /** The attachments of a message as a viewer gets them: each with its signed link. */
  view: (
    attachments: readonly { path: string; contentType: string; bytes: number; name: string }[],
    now: Date,
  ) => AttachmentView[];
};

export type AttachmentUrlsConfig = {
  /** HMAC-SHA256 key, at least 32 characters. */
  secret: string;
  /** How long a link works, seconds. */
  ttlSeconds: number;
  /** The API's public origin, read at each signing (tests learn their port only once listening). */
  baseUrl: () => string;
};

const EXPIRES = /^[1-9][0-9]{0,11}$/;
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Links that name the attachment and an expiry, with an HMAC-SHA256 over both: whoever has
 * the link can fetch that one file until it expires, and nothing else. The links are handed
 * only to callers allowed to see the message (chat outputs, the live stream, the audited admin
 * read), so access follows the chat's rules without a session on the download itself.
 */
export function attachmentUrls(config: AttachmentUrlsConfig): AttachmentUrls {
  const mac = (id: string, expires: string) =>
    createHmac("sha256", config.secret).update(`${id}\n${expires}`).digest();
  const sign: AttachmentUrls["sign"] = (id, now) => {
    const expires = Math.ceil(now.getTime() / 1000) + config.ttlSeconds;
    const signature = mac(id, String(expires)).toString("base64url");
    const tail = id.startsWith("chat/") ? id.slice("chat/".length) : id;
    const path = tail.split("/").map(encodeURIComponent).join("/");
    const base = config.baseUrl().replace(/\/$/, "");
    return {
      url: `${base}${ATTACHMENT_DOWNLOAD_PATH}${path}?expires=${expires}&signature=${signature}`,
      expiresAt: new Date(expires * 1000),
    };
  };
  return {
    sign,
    check(id, expires, signature, now) {
      if (!EXPIRES.test(expires) || !SIGNATURE.test(signature)) return "invalid";
      const given = Buffer.from(signature, "base64url");
      const wanted = mac(id, expires);
      if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return "invalid";
      // Checked after the signature, so an expired link is only reported for a genuine one.
      return Number(expires) * 1000 <= now.getTime() ? "expired" : "ok";
    },
    view: (attachments, now) =>
      attachments.map((a) => {
        const link = sign(a.path, now);
        return {
          path: a.path,
          contentType: a.contentType,
          bytes: a.bytes,
          name: a.name,
          url: link.url,
          urlExpiresAt: link.expiresAt,
        };
      }),
  };
}
