import { createHash, randomUUID } from "node:crypto";
import type { Db } from "@an/db";
import type { Locale } from "@an/domain";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import express, { type NextFunction, type Request, type Response, Router } from "express";
import { authenticate } from "../auth/authenticate";
import type { TokenVerifier } from "../auth/tokens";
import { AppError } from "../errors";
import type { RateLimiters } from "../rate-limit";
import { formatAppError } from "../trpc/error-format";
import { detectImageType } from "./image-type";
import { reencodeImage } from "./reencode";
import type { FileStorage } from "./storage";

export type AvatarRouteDeps = {
  db: Db;
  verifyToken: TokenVerifier | null;
  storage: FileStorage;
  rateLimiters: RateLimiters;
  maxBytes: number;
};

/** The folder of a user's avatars: a hash, so keys don't reveal user ids. */
export function avatarPrefix(userId: string): string {
  return `avatars/${createHash("sha256").update(userId).digest("hex").slice(0, 16)}/`;
}

/**
 * Answers an upload route's error as the tRPC formatter would word it, localized, with the
 * error's HTTP status unless `status` says otherwise (410 for an expired link, which tRPC
 * has no code for).
 */
export function sendError(req: Request, res: Response, error: AppError, status?: number) {
  const requestId = res.locals.requestId as string;
  const formatted = formatAppError(error, {
    locale: res.locals.locale as Locale | undefined,
    requestId,
    input: undefined,
  });
  if (formatted.retryAfterSeconds)
    res.setHeader("Retry-After", String(formatted.retryAfterSeconds));
  res.status(status ?? getHTTPStatusCodeFromError(error)).json({
    error: {
      message: formatted.message,
      appCode: formatted.appCode,
      title: formatted.title,
      requestId,
    },
  });
}

/**
 * `POST /uploads/avatar`: the raw image as the body (PNG, JPEG or WebP, by its bytes; at
 * most `maxBytes`). Stored re-encoded in the same format, upright, at most
 * `AVATAR_MAX_SIDE` pixels on its longest side and without any metadata. Signed-in users
 * only; answers `{ avatarPath, url }`, the path to put on an application or profile.
 */
export function avatarRoute(deps: AvatarRouteDeps): Router {
  const route = Router();
  route.post(
    "/uploads/avatar",
    express.raw({ type: () => true, limit: deps.maxBytes }),
    async (req: Request, res: Response) => {
      const requestId = res.locals.requestId as string;
      if (res.locals.localeError) return sendError(req, res, res.locals.localeError as AppError);
      const auth = await authenticate(
        deps.db,
        deps.verifyToken,
        req.header("authorization"),
        requestId,
      );
      if (auth.error) return sendError(req, res, auth.error);
      if (!auth.user) return sendError(req, res, new AppError("UNAUTHENTICATED"));
      try {
        await deps.rateLimiters.mutation(`user:${auth.user.id}`);
      } catch (error) {
        if (error instanceof AppError) return sendError(req, res, error);
        throw error;
      }
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const type = detectImageType(body);
      if (!type) return sendError(req, res, new AppError("AVATAR_NOT_IMAGE"));
      // Stored only re-encoded: the original's metadata (a phone photo's GPS position)
      // never reaches the public URL.
      const image = await reencodeImage(body, type);
      if (!image) return sendError(req, res, new AppError("AVATAR_NOT_IMAGE"));
      const key = `${avatarPrefix(auth.user.id)}${randomUUID()}.${type.extension}`;
      await deps.storage.put(key, image, type.mime);
      req.log.info({ key, bytes: image.length, uploadedBytes: body.length }, "avatar uploaded");
      res.status(201).json({ avatarPath: key, url: deps.storage.urlFor(key) });
    },
  );
  // Errors from reading the body: too large, or bytes that can't be read as sent (not in
  // their Content-Encoding, an unknown encoding), which can't be a picture either.
  route.use(
    "/uploads/avatar",
    (error: unknown, req: Request, res: Response, next: NextFunction) => {
      if (typeof error !== "object" || error === null) return next(error);
      const { type, status } = error as { type?: unknown; status?: unknown };
      if (type === "entity.too.large") {
        const mb = deps.maxBytes / (1024 * 1024);
        return sendError(
          req,
          res,
          new AppError("AVATAR_TOO_LARGE", {
            limit: `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`,
          }),
        );
      }
      if (typeof status === "number" && status >= 400 && status < 500) {
        return sendError(req, res, new AppError("AVATAR_NOT_IMAGE"));
      }
      next(error);
    },
  );
  return route;
}
