import { createHash, randomUUID } from "node:crypto";
import type { Db, MessageAttachment } from "@an/db";
import express, { type NextFunction, type Request, type Response, Router } from "express";
import { authenticate } from "../auth/authenticate";
import { authenticateServiceKey, serviceKeyFrom } from "../auth/service-key";
import type { TokenVerifier } from "../auth/tokens";
import { AppError } from "../errors";
import { type RateLimiters, serviceMutationLimit } from "../rate-limit";
import { sendError } from "./avatar-route";
import { detectImageType } from "./image-type";
import { reencodeImage } from "./reencode";
import type { FileStorage } from "./storage";

/** Largest chat attachment, by default: 10 MB. */
export const CHAT_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
/** Longest side of an attached picture once re-encoded. */
const CHAT_IMAGE_MAX_SIDE = 2560;

type AttachmentType = { contentType: string; extension: "png" | "jpg" | "webp" | "pdf" | "txt" };

const CONTENT_TYPES: Record<AttachmentType["extension"], string> = {
  png: "image/png",
  jpg: "image/jpeg",
  webp: "image/webp",
  pdf: "application/pdf",
  txt: "text/plain; charset=utf-8",
};

/** The folder of an author's chat uploads: a hash, so keys don't reveal who uploaded. */
export function chatUploadPrefix(authorKey: string): string {
  return `chat/${createHash("sha256").update(authorKey).digest("hex").slice(0, 16)}/`;
}

/** A file name safe in a storage key and a URL; the extension comes from the bytes. */
function safeName(given: unknown): string {
  const raw = typeof given === "string" ? given : "";
  const base = raw.replace(/\.[A-Za-z0-9]{1,5}$/, "");
  const cleaned = base
    .normalize("NFKD")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "")
    .slice(0, 80);
  return cleaned || "file";
}

/**
 * The file's type from its own bytes (a Content-Type header is the caller's claim): PNG,
 * JPEG or WebP by their magic numbers, PDF by `%PDF-`, plain text when it is valid UTF-8
 * without NUL or other control bytes. Anything else is refused.
 */
function detectAttachmentType(bytes: Buffer): AttachmentType | null {
  const image = detectImageType(bytes);
  if (image) return { contentType: image.mime, extension: image.extension };
  if (bytes.subarray(0, 5).toString("latin1") === "%PDF-") {
    return { contentType: CONTENT_TYPES.pdf, extension: "pdf" };
  }
  if (bytes.length === 0) return null;
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    // Tabs, newlines and carriage returns only: other control bytes mean a binary file.
    for (let i = 0; i < text.length; i += 1) {
      const code = text.charCodeAt(i);
      if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) {
        return null;
      }
    }
    return { contentType: CONTENT_TYPES.txt, extension: "txt" };
  } catch {
    return null;
  }
}

export type ChatAttachmentRouteDeps = {
  db: Db;
  verifyToken: TokenVerifier | null;
  storage: FileStorage;
  rateLimiters: RateLimiters;
  maxBytes: number;
  now: () => Date;
};

/**
 * `POST /uploads/chat-attachment?name=<file name>`: the raw file as the body, at most
 * `maxBytes`. PNG, JPEG and WebP are stored re-encoded without metadata (as avatars are);
 * PDF and plain text as sent. Signed-in users and the assistant's key only. Answers
 * `{ attachmentId, url, contentType, bytes, name }`; `attachmentId` goes in `chat.send`'s
 * `attachments`, and only its uploader can attach it.
 */
export function chatAttachmentRoute(deps: ChatAttachmentRouteDeps): Router {
  const route = Router();
  route.post(
    "/uploads/chat-attachment",
    express.raw({ type: () => true, limit: deps.maxBytes }),
    async (req: Request, res: Response) => {
      const requestId = res.locals.requestId as string;
      if (res.locals.localeError) return sendError(req, res, res.locals.localeError as AppError);
      const header = req.header("authorization");
      const serviceKey = serviceKeyFrom(header);
      let authorKey: string;
      let limit = deps.rateLimiters.mutation;
      if (serviceKey) {
        const service = await authenticateServiceKey(deps.db, serviceKey, deps.now());
        if (!service.service) return sendError(req, res, service.error!);
        authorKey = `assistant:${service.service.credentialId}`;
        limit = serviceMutationLimit(deps.rateLimiters);
      } else {
        const auth = await authenticate(deps.db, deps.verifyToken, header, requestId);
        if (auth.error) return sendError(req, res, auth.error);
        if (!auth.user) return sendError(req, res, new AppError("UNAUTHENTICATED"));
        authorKey = `user:${auth.user.id}`;
      }
      try {
        await limit(authorKey);
      } catch (error) {
        if (error instanceof AppError) return sendError(req, res, error);
        throw error;
      }
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const type = detectAttachmentType(body);
      if (!type) return sendError(req, res, new AppError("CHAT_ATTACHMENT_TYPE"));
      let stored = body;
      if (type.extension === "png" || type.extension === "jpg" || type.extension === "webp") {
        // Re-encoded: a phone photo's GPS position and camera details never reach the chat.
        const image = await reencodeImage(
          body,
          { mime: type.contentType as "image/png", extension: type.extension },
          { maxSide: CHAT_IMAGE_MAX_SIDE },
        );
        if (!image) return sendError(req, res, new AppError("CHAT_ATTACHMENT_TYPE"));
        stored = image;
      }
      const name = safeName(req.query.name);
      const key = `${chatUploadPrefix(authorKey)}${randomUUID()}/${name}.${type.extension}`;
      await deps.storage.put(key, stored, type.contentType);
      req.log.info({ key, bytes: stored.length }, "chat attachment uploaded");
      res.status(201).json({
        attachmentId: key,
        url: deps.storage.urlFor(key),
        contentType: type.contentType,
        bytes: stored.length,
        name: `${name}.${type.extension}`,
      });
    },
  );
  route.use(
    "/uploads/chat-attachment",
    (error: unknown, req: Request, res: Response, next: NextFunction) => {
      if (typeof error !== "object" || error === null) return next(error);
      const { type, status } = error as { type?: unknown; status?: unknown };
      if (type === "entity.too.large") {
        const mb = deps.maxBytes / (1024 * 1024);
        return sendError(
          req,
          res,
          new AppError("CHAT_ATTACHMENT_TOO_LARGE", {
            limit: `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`,
          }),
        );
      }
      if (typeof status === "number" && status >= 400 && status < 500) {
        return sendError(req, res, new AppError("CHAT_ATTACHMENT_TYPE"));
      }
      next(error);
    },
  );
  return route;
}

const ATTACHMENT_ID =
  /^chat\/([0-9a-f]{16})\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/([A-Za-z0-9._-]{1,80})\.(png|jpg|webp|pdf|txt)$/;

/**
 * The stored attachments a message names, by the ids the upload route returned. Only the
 * author's own uploads resolve (the key's folder is theirs), and only files that exist;
 * anything else is CHAT_ATTACHMENT_UNKNOWN and nothing is sent.
 */
export async function resolveAttachments(
  storage: FileStorage | null,
  authorKey: string,
  ids: readonly string[],
): Promise<MessageAttachment[]> {
  const mine = chatUploadPrefix(authorKey);
  const attachments: MessageAttachment[] = [];
  for (const id of new Set(ids)) {
    const match = ATTACHMENT_ID.exec(id);
    const size = match && id.startsWith(mine) && storage?.size ? await storage.size(id) : null;
    if (!match || size === null) throw new AppError("CHAT_ATTACHMENT_UNKNOWN", { ref: id });
    const extension = match[3] as AttachmentType["extension"];
    attachments.push({
      path: id,
      contentType: CONTENT_TYPES[extension],
      bytes: size,
      name: `${match[2]}.${extension}`,
    });
  }
  return attachments;
}
