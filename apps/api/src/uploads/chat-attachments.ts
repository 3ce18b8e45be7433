import { createHash, randomUUID } from "node:crypto";
import type { Db, MessageAttachment } from "@an/db";
import express, { type NextFunction, type Request, type Response, Router } from "express";
import { authenticate } from "../auth/authenticate";
import { authenticateServiceKey, serviceKeyFrom } from "../auth/service-key";
import type { TokenVerifier } from "../auth/tokens";
import { AppError } from "../errors";
import { type RateLimiters, serviceMutationLimit } from "../rate-limit";
import { type AttachmentUrls, ATTACHMENT_DOWNLOAD_PATH } from "./attachment-urls";
import { sendError } from "./avatar-route";
import { detectImageType } from "./image-type";
import { stripPdfMetadata } from "./pdf-metadata";
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
  attachmentUrls: AttachmentUrls;
  now: () => Date;
};

/**
 * `POST /uploads/chat-attachment?name=<file name>`: the raw file as the body, at most
 * `maxBytes`. PNG, JPEG and WebP are stored re-encoded without metadata (as avatars are),
 * PDFs rewritten without their Info dictionary and XMP metadata (encrypted or unreadable
 * ones refused), plain text as sent. Signed-in users and the assistant's key only. Answers
 * `{ attachmentId, url, urlExpiresAt, contentType, bytes, name }`; `attachmentId` goes in
 * `chat.send`'s `attachments`, and only its uploader can attach it; `url` is a signed,
 * expiring link (see `GET /chat-attachments/…`).
 *
 * `GET /chat-attachments/<folder>/<uuid>/<name>?expires=…&signature=…`: the stored file,
 * for whoever holds a link that chat outputs signed and that hasn't expired (403 for a
 * forged or altered link, 410 for an expired one, 404 for a file no longer stored).
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
      } else if (type.extension === "pdf") {
        // Rewritten: the author's name, the software and the dates never reach the chat.
        const pdf = await stripPdfMetadata(body);
        if (!pdf.ok) {
          return sendError(
            req,
            res,
            new AppError(
              pdf.reason === "encrypted"
                ? "CHAT_ATTACHMENT_PDF_ENCRYPTED"
                : "CHAT_ATTACHMENT_PDF_UNREADABLE",
            ),
          );
        }
        stored = pdf.bytes;
      }
      const name = safeName(req.query.name);
      const key = `${chatUploadPrefix(authorKey)}${randomUUID()}/${name}.${type.extension}`;
      await deps.storage.put(key, stored, type.contentType);
      req.log.info({ key, bytes: stored.length }, "chat attachment uploaded");
      const link = deps.attachmentUrls.sign(key, deps.now());
      res.status(201).json({
        attachmentId: key,
        url: link.url,
        urlExpiresAt: link.expiresAt,
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
  route.get(
    `${ATTACHMENT_DOWNLOAD_PATH}:folder/:file/:name`,
    async (req: Request<{ folder: string; file: string; name: string }>, res: Response) => {
      if (res.locals.localeError) return sendError(req, res, res.locals.localeError as AppError);
      const id = `chat/${req.params.folder}/${req.params.file}/${req.params.name}`;
      const match = ATTACHMENT_ID.exec(id);
      const { expires, signature } = req.query;
      const check =
        match && typeof expires === "string" && typeof signature === "string"
          ? deps.attachmentUrls.check(id, expires, signature, deps.now())
          : "invalid";
      if (check === "invalid")
        return sendError(req, res, new AppError("CHAT_ATTACHMENT_LINK_INVALID"));
      if (check === "expired") {
        return sendError(req, res, new AppError("CHAT_ATTACHMENT_LINK_EXPIRED"), 410);
      }
      const bytes = deps.storage.get ? await deps.storage.get(id) : null;
      if (!bytes) return sendError(req, res, new AppError("CHAT_ATTACHMENT_MISSING"));
      const extension = match![3] as AttachmentType["extension"];
      const image = extension === "png" || extension === "jpg" || extension === "webp";
      const fileName = `${match![2]}.${extension}`;
      const secondsLeft = Math.max(0, Number(expires) - Math.floor(deps.now().getTime() / 1000));
      res.setHeader("Content-Type", CONTENT_TYPES[extension]);
      res.setHeader("Content-Length", String(bytes.length));
      // Only pictures show inline; anything else downloads rather than renders in our origin.
      res.setHeader(
        "Content-Disposition",
        `${image ? "inline" : "attachment"}; filename="${fileName}"`,
      );
      res.setHeader("X-Content-Type-Options", "nosniff");
      res.setHeader("Cache-Control", `private, max-age=${Math.min(secondsLeft, 3600)}`);
      res.setHeader(
        "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; sandbox",
      );
      res.status(200).end(bytes);
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
