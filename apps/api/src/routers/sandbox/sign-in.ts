import { findUserByEmail } from "@an/db";
import { z } from "zod";
import { signDevToken } from "../../auth/tokens";
import { AppError } from "../../errors";
import { publicProcedure } from "../../trpc/init";

export const signInInput = z.object({ email: z.email().max(320) });

/**
 * Development only: mints a short-lived token for an existing user, as an identity
 * provider would. Refused in production; rate-limited per IP like any sign-in.
 */
export const signIn = publicProcedure.input(signInInput).mutation(async ({ ctx, input }) => {
  if (!ctx.devAuth.enabled) throw new AppError("DEV_ONLY");
  await ctx.rateLimiters.signIn(`ip:${ctx.clientIp}`);
  const user = await findUserByEmail(ctx.db, { email: input.email });
  if (!user) throw new AppError("DEV_USER_UNKNOWN", { email: input.email });
  const { token, expiresAt } = await signDevToken(ctx.devAuth.secret, user, {
    ttlSeconds: ctx.devAuth.ttlSeconds,
    issuer: ctx.devAuth.issuer,
    audience: ctx.devAuth.audience,
  });
  return {
    token,
    expiresAt,
    user: { id: user.id, email: user.email, firstName: user.firstName, roles: user.roles },
  };
});
