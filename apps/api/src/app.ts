import type { IncomingMessage, ServerResponse } from "node:http";
import { posix } from "node:path";
import { canonicalizeLocaleTag, type Locale, negotiateLocale } from "@an/domain";
import { type Db, getMigrationStatus, type SyncCustomer } from "@an/db";
import { createExpressMiddleware } from "@trpc/server/adapters/express";
import express, { type NextFunction, type Request, type Response } from "express";
import type { Logger } from "pino";
import { pinoHttp } from "pino-http";
import type { BillingConfig, Providers } from "@an/billing";
import { authenticate } from "./auth/authenticate";
import { authenticateServiceKey, serviceKeyFrom } from "./auth/service-key";
import type { TokenVerifier } from "./auth/tokens";
import { AppError } from "./errors";
import { requestIdOf } from "./http/request-id";
import { requestStore } from "./http/request-store";
import type { LiveChat } from "./live/chat-stream";
import type { RateLimiters } from "./rate-limit";
import { createContextInner, type DevAuthConfig } from "./trpc/context";
import { formatAppError } from "./trpc/error-format";
import { appRouter } from "./trpc/router";
import { simulatorRoutes } from "./simulator/routes";
import { avatarRoute } from "./uploads/avatar-route";
import { CHAT_ATTACHMENT_MAX_BYTES, chatAttachmentRoute } from "./uploads/chat-attachments";
import { type WebhookIngest, webhookIngest } from "./webhooks/routes";
import type { AttachmentUrls } from "./uploads/attachment-urls";
import type { FileStorage } from "./uploads/storage";

export type AppDeps = {
  db: Db;
  log: Logger;
  verifyToken: TokenVerifier | null;
  rateLimiters: RateLimiters;
  devAuth: DevAuthConfig;
  limits: {
    maxBodyBytes: number;
    maxBatchSize: number;
    maxAvatarBytes: number;
    /** Largest chat attachment; 10 MB when unset. */
    maxChatAttachmentBytes?: number;
  };
  storage: FileStorage;
  /** Signs and checks chat attachment download links. */
  attachmentUrls: AttachmentUrls;
  trustProxy?: string;
  billing: BillingConfig;
  providers: Providers;
  /** Re-reads one billing customer from Stripe (`syncBillingCustomer` bound to the providers). */
  billingSync?: SyncCustomer;
  /** The clock; tests pass their own. */
  now?: () => Date;
  /** Live chat (SSE subscriptions); absent, `chat.onEvents` is unavailable. */
  live?: LiveChat | null;
};

/**
 * Whether an /uploads path names a chat attachment once decoded and normalized as the
 * static file server will (`%63hat/…`, `avatars/../chat/…`); unreadable paths count as one.
 */
function isChatUpload(path: string): boolean {
  try {
    return /^\/chat(\/|$)/i.test(posix.normalize(decodeURIComponent(path)));
  } catch {
    return true;
  }
}

/**
 * The API as an Express app: health and readiness, then tRPC at /trpc. Request ids and
 * the response locale are settled before anything else, so every log line and error
 * carries them.
 */
export function createApp(deps: AppDeps, webhooks: WebhookIngest = webhookIngestFor(deps)) {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", deps.trustProxy ?? "loopback");

  app.use((req, res, next) => {
    const requestId = requestIdOf(req);
    res.locals.requestId = requestId;
    res.setHeader("X-Request-Id", requestId);
    next();
  });
  const httpLogger = pinoHttp({
    logger: deps.log,
    genReqId: (_req, res) => (res as Response).locals.requestId as string,
    customAttributeKeys: { reqId: "requestId" },
    quietReqLogger: true,
    autoLogging: { ignore: (req) => req.url === "/healthz" },
  });
  app.use((req, res, next) => {
    if (!(req.url ?? "").startsWith("/webhooks/")) return httpLogger(req, res, next);
    // Webhook routes log one line of their own per delivery (the hot path), with the same
    // request logger pino-http would give them; its per-request child with the serialized
    // request, only used for the completion line they don't log, was a fifth of the
    // API's CPU per delivery (bench/webhooks.ts profile).
    const requestId = res.locals.requestId as string;
    req.id = requestId;
    req.log = res.log = deps.log.child({ requestId });
    next();
  });

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok", uptimeSeconds: Math.round(process.uptime()) });
  });

  app.get("/readyz", async (req, res) => {
    try {
      const migrations = await getMigrationStatus(deps.db);
      if (migrations.current) {
        res.json({ status: "ready", checks: { database: "ok", migrations: "current" } });
      } else {
        res
          .status(503)
          .json({ status: "not_ready", checks: { database: "ok", migrations: migrations.reason } });
      }
    } catch (error) {
      req.log.warn({ err: error }, "readiness check failed: database unreachable");
      res
        .status(503)
        .json({ status: "not_ready", checks: { database: "unreachable", migrations: "unknown" } });
    }
  });

  const now = deps.now ?? (() => new Date());
  // Raw bodies: signatures are checked on the exact bytes, before any JSON parsing.
  app.use(webhooks.routes);

  // The response locale for every route, from the headers (the user's own locale joins
  // once they are known). A malformed X-Locale is reported by each route as a 400.
  app.use((req, res, next) => {
    const explicit = req.header("x-locale");
    const explicitValid = explicit ? canonicalizeLocaleTag(explicit) !== null : true;
    res.locals.locale = negotiateLocale({
      explicit: explicitValid ? explicit : null,
      acceptLanguage: req.header("accept-language") ?? null,
    });
    res.locals.localeError = explicitValid
      ? null
      : new AppError("INVALID_LOCALE", { value: explicit ?? "" });
    next();
  });

  app.use(
    avatarRoute({
      db: deps.db,
      verifyToken: deps.verifyToken,
      storage: deps.storage,
      rateLimiters: deps.rateLimiters,
      maxBytes: deps.limits.maxAvatarBytes,
    }),
  );
  app.use(
    chatAttachmentRoute({
      db: deps.db,
      verifyToken: deps.verifyToken,
      storage: deps.storage,
      rateLimiters: deps.rateLimiters,
      maxBytes: deps.limits.maxChatAttachmentBytes ?? CHAT_ATTACHMENT_MAX_BYTES,
      attachmentUrls: deps.attachmentUrls,
      now,
    }),
  );
  if (deps.storage.localDir) {
    const files = express.static(deps.storage.localDir, {
      immutable: true,
      maxAge: "365d",
      index: false,
    });
    // Chat attachments are private: only the signed download route serves them.
    app.use("/uploads", (req, res, next) =>
      isChatUpload(req.path) ? next() : files(req, res, next),
    );
  }

  if (
    deps.billing.choice.payments === "simulated" ||
    deps.billing.choice.scheduling === "simulated"
  ) {
    app.use(
      simulatorRoutes({
        db: deps.db,
        log: deps.log,
        billing: deps.billing,
        providers: deps.providers,
        now,
      }),
    );
  }

  app.use("/trpc", (req, res, next) => {
    requestStore.run(
      {
        requestId: res.locals.requestId as string,
        locale: res.locals.locale as Locale,
        maxBodyBytes: deps.limits.maxBodyBytes,
        method: req.method,
        contentType: req.header("content-type") ?? "",
      },
      () => refuseOversizedBatch(req, res, next, deps.limits.maxBatchSize),
    );
  });

  app.use(
    "/trpc",
    createExpressMiddleware({
      router: appRouter,
      maxBatchSize: deps.limits.maxBatchSize,
      maxBodySize: deps.limits.maxBodyBytes,
      async createContext({ req, res }) {
        const requestId = res.locals.requestId as string;
        const localeError = res.locals.localeError as AppError | null;
        // An API key (`Bearer ank_…`) is a service credential, never a user's JWT.
        const serviceKey = serviceKeyFrom(req.header("authorization"));
        const auth = serviceKey
          ? { user: null, error: null }
          : await authenticate(deps.db, deps.verifyToken, req.header("authorization"), requestId);
        const service = serviceKey
          ? await authenticateServiceKey(deps.db, serviceKey, now())
          : { service: null, error: null };
        const explicit = localeError ? null : req.header("x-locale");
        return createContextInner({
          db: deps.db,
          user: auth.user,
          service: service.service,
          authError: auth.error ?? service.error,
          localeError,
          locale: negotiateLocale({
            explicit,
            acceptLanguage: req.header("accept-language") ?? null,
            userLocale: auth.user?.locale ?? null,
          }),
          requestId,
          log: req.log,
          clientIp: req.ip ?? "unknown",
          rateLimiters: deps.rateLimiters,
          devAuth: deps.devAuth,
          billing: deps.billing,
          providers: deps.providers,
          ...(deps.billingSync ? { billingSync: deps.billingSync } : {}),
          storage: deps.storage,
          attachmentUrls: deps.attachmentUrls,
          now,
          live: deps.live ?? null,
          setHeader: (name, value) => {
            if (!res.headersSent) res.setHeader(name, value);
          },
        });
      },
      onError({ error, path, type }) {
        const store = requestStore.getStore();
        if (error.code === "INTERNAL_SERVER_ERROR") {
          deps.log.error(
            { err: error.cause ?? error, path, type, requestId: store?.requestId },
            "procedure failed",
          );
        }
      },
    }),
  );

  app.use((req, res) => {
    res.status(404).json({
      error: {
        code: "NOT_FOUND",
        message: `No route ${req.method} ${req.path}`,
        requestId: res.locals.requestId as string,
      },
    });
  });

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    req.log.error({ err: error }, "unhandled error");
    res
      .status(500)
      .json({ error: { code: "INTERNAL", requestId: res.locals.requestId as string } });
  });

  return app;
}

function webhookIngestFor(deps: AppDeps): WebhookIngest {
  const now = deps.now ?? (() => new Date());
  return webhookIngest({ db: deps.db, log: deps.log, billing: deps.billing, now });
}

/**
 * The API's request listener for Node's HTTP server: plain webhook deliveries are taken
 * straight off the server (their hot path skips Express), everything else is the app's.
 */
export function createRequestHandler(deps: AppDeps) {
  const webhooks = webhookIngestFor(deps);
  const app = createApp(deps, webhooks);
  return (req: IncomingMessage, res: ServerResponse) => {
    if (!webhooks.fastPath(req, res)) app(req, res);
  };
}

/**
 * Refuses a tRPC batch with more calls than allowed before any of it runs, with a
 * tRPC-shaped, localized error (tRPC's own limit stays as a backstop).
 */
function refuseOversizedBatch(req: Request, res: Response, next: NextFunction, max: number) {
  if (req.query.batch !== "1") return next();
  const calls = req.path.replace(/^\//, "").split(",").length;
  if (calls <= max) return next();
  const error = new AppError("BATCH_TOO_LARGE", { max });
  const requestId = res.locals.requestId as string;
  const formatted = formatAppError(error, {
    locale: res.locals.locale as never,
    requestId,
    input: undefined,
  });
  res.status(400).json({
    error: {
      message: formatted.message,
      code: -32600,
      data: {
        code: "BAD_REQUEST",
        httpStatus: 400,
        appCode: formatted.appCode,
        title: formatted.title,
        requestId,
      },
    },
  });
}
