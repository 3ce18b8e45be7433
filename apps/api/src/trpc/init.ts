import { initTRPC, TRPCError } from "@trpc/server";
import { PayoutInFlightError } from "@an/db";
import { type ChatCaller, findUnstorableText, type Role } from "@an/domain";
import { AppError } from "../errors";
import { requestStore } from "../http/request-store";
import type { Context } from "./context";
import { formatAppError } from "./error-format";
import { serviceMutationLimit } from "../rate-limit";

/**
 * Server-sent events (chat streams). A ping every 10 s keeps proxies from timing an idle
 * stream out and lets the client notice a dead one (it reconnects after 25 s of silence,
 * resuming from its last event id). A stream lasts at most 15 minutes, then the client
 * reconnects: a revoked or expired token can't keep one open.
 */
export const SSE_PING_MS = 10_000;
export const SSE_RECONNECT_AFTER_INACTIVITY_MS = 25_000;
export const SSE_MAX_DURATION_MS = 15 * 60_000;

/**
 * What a procedure declares about itself. `ownRateLimit`: it spends from a limiter of its
 * own (chat sends, per author) instead of the shared mutation budget.
 */
export type ProcedureMeta = { ownRateLimit?: boolean };

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    sse: {
      ping: { enabled: true, intervalMs: SSE_PING_MS },
      client: { reconnectAfterInactivityMs: SSE_RECONNECT_AFTER_INACTIVITY_MS },
      maxDurationMs: SSE_MAX_DURATION_MS,
    },
    errorFormatter({ shape, error, ctx, input, path }) {
      const store = requestStore.getStore();
      const requestId = ctx?.requestId ?? store?.requestId ?? "unknown";
      const formatted = formatAppError(error, {
        locale: ctx?.locale ?? store?.locale,
        requestId,
        input,
        path,
        maxBodyBytes: store?.maxBodyBytes,
        method: store?.method,
        contentType: store?.contentType,
      });
      if (formatted.retryAfterSeconds !== null)
        ctx?.setHeader("Retry-After", String(formatted.retryAfterSeconds));
      return {
        ...shape,
        message: formatted.message,
        data: {
          ...shape.data,
          appCode: formatted.appCode,
          title: formatted.title,
          requestId,
          fieldErrors: formatted.fieldErrors,
          retryAfterSeconds: formatted.retryAfterSeconds,
          // Stack traces are for our logs, not for callers.
          stack: undefined,
        },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const middleware = t.middleware;

/**
 * Every procedure starts here: a bad token or X-Locale found while building the context is
 * an error even on public procedures, and every mutation spends from the shared rate limit.
 */
const gate = t.procedure.use(async ({ ctx, type, meta, next }) => {
  if (ctx.localeError) throw ctx.localeError;
  if (ctx.authError) throw ctx.authError;
  if (type === "mutation" && !meta?.ownRateLimit) {
    if (ctx.user) await ctx.rateLimiters.mutation(`user:${ctx.user.id}`);
    else if (ctx.service)
      await serviceMutationLimit(ctx.rateLimiters)(`service:${ctx.service.credentialId}`);
    else await ctx.rateLimiters.mutation(`ip:${ctx.clientIp}`);
  }
  const result = await next();
  // A refund or dispute on money a payout is sending right now: nothing was changed (the
  // transaction rolled back), and a retry shortly after will go through.
  if (!result.ok && result.error.cause instanceof PayoutInFlightError) {
    throw new AppError("PAYOUT_IN_FLIGHT", {}, { cause: result.error, retryAfterSeconds: 30 });
  }
  return result;
});

/** A validation failure shaped as zod reports one, so the formatter gives it a field error. */
class UnstorableInputError extends Error {
  readonly issues: { code: "custom"; message: "TEXT_INVALID_CHARACTERS"; path: PropertyKey[] }[];
  constructor(path: (string | number)[]) {
    super("TEXT_INVALID_CHARACTERS");
    this.issues = [{ code: "custom", message: "TEXT_INVALID_CHARACTERS", path }];
  }
}

/**
 * The net under every input schema: no string holding U+0000 or a lone surrogate gets
 * past the edge, wherever it sits (a field a schema forgot, a free-form record, an object
 * key), since PostgreSQL can store neither. It runs after the caller is authorized, so an
 * anonymous caller still learns to sign in first, and before the input schema.
 */
const refuseUnstorableText = t.middleware(async ({ getRawInput, next }) => {
  const found = findUnstorableText(await getRawInput());
  if (found) {
    throw new TRPCError({ code: "BAD_REQUEST", cause: new UnstorableInputError(found.path) });
  }
  return next();
});

export const publicProcedure = gate.use(refuseUnstorableText);

const signedIn = gate.use(({ ctx, next }) => {
  if (!ctx.user) throw new AppError("UNAUTHENTICATED");
  return next({ ctx: { ...ctx, user: ctx.user } });
});

/** Signed in: `ctx.user` is an AuthUser from here on. */
export const protectedProcedure = signedIn.use(refuseUnstorableText);

function requireRole(role: Role) {
  return signedIn
    .use(({ ctx, next }) => {
      if (!ctx.user.roles.includes(role))
        throw new AppError("FORBIDDEN_ROLE", { role: ctx.t(`roles.${role}`) });
      return next({ ctx });
    })
    .use(refuseUnstorableText);
}

export const advisorProcedure = requireRole("advisor");

/**
 * A chat caller: a signed-in user, or the platform's assistant through its service
 * credential (an API key with the `assistant` scope, never a user token). `ctx.chatCaller`
 * is what chat access is decided on.
 */
export const chatProcedure = gate
  .use(({ ctx, next }) => {
    let chatCaller: ChatCaller;
    if (ctx.user) {
      chatCaller = { kind: "user", userId: ctx.user.id, isAdmin: ctx.user.roles.includes("admin") };
    } else if (ctx.service) {
      if (ctx.service.scope !== "assistant") {
        throw new AppError("SERVICE_KEY_WRONG_SCOPE", { scope: ctx.service.scope });
      }
      chatCaller = { kind: "assistant", credentialId: ctx.service.credentialId };
    } else {
      throw new AppError("UNAUTHENTICATED");
    }
    return next({ ctx: { ...ctx, chatCaller } });
  })
  .use(refuseUnstorableText);
export const adminProcedure = requireRole("admin");
