import { initTRPC } from "@trpc/server";
import { PayoutInFlightError } from "@an/db";
import type { Role } from "@an/domain";
import { AppError } from "../errors";
import { requestStore } from "../http/request-store";
import type { Context } from "./context";
import { formatAppError } from "./error-format";

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error, ctx, input, path }) {
    const store = requestStore.getStore();
    const requestId = ctx?.requestId ?? store?.requestId ?? "unknown";
    const formatted = formatAppError(error, {
      locale: ctx?.locale ?? store?.locale,
      requestId,
      input,
      path,
      maxBodyBytes: store?.maxBodyBytes,
    });
    if (formatted.retryAfterSeconds !== null)
      ctx?.setHeader("Retry-After", String(formatted.retryAfterSeconds));
    return {
      ...shape,
      message: formatted.message,
      data: {
        ...shape.data,
        appCode: formatted.appCode,
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
export const publicProcedure = t.procedure.use(async ({ ctx, type, next }) => {
  if (ctx.localeError) throw ctx.localeError;
  if (ctx.authError) throw ctx.authError;
  if (type === "mutation") {
    await ctx.rateLimiters.mutation(ctx.user ? `user:${ctx.user.id}` : `ip:${ctx.clientIp}`);
  }
  const result = await next();
  // A refund or dispute on money a payout is sending right now: nothing was changed (the
  // transaction rolled back), and a retry shortly after will go through.
  if (!result.ok && result.error.cause instanceof PayoutInFlightError) {
    throw new AppError("PAYOUT_IN_FLIGHT", {}, { cause: result.error, retryAfterSeconds: 30 });
  }
  return result;
});

/** Signed in: `ctx.user` is an AuthUser from here on. */
export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new AppError("UNAUTHENTICATED");
  return next({ ctx: { ...ctx, user: ctx.user } });
});

function requireRole(role: Role) {
  return protectedProcedure.use(({ ctx, next }) => {
    if (!ctx.user.roles.includes(role))
      throw new AppError("FORBIDDEN_ROLE", { role: ctx.t(`roles.${role}`) });
    return next({ ctx });
  });
}

export const advisorProcedure = requireRole("advisor");
export const adminProcedure = requireRole("admin");
