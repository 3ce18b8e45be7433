import { type Db, ensureUserFromToken, getUserWithRoles } from "@an/db";
import { AppError } from "../errors";
import type { AuthUser } from "../trpc/context";
import type { TokenVerifier } from "./tokens";

export type AuthOutcome = { user: AuthUser | null; error: AppError | null };

/**
 * Resolves the caller from an Authorization header. No header: anonymous. A valid token:
 * the user, created with default roles on first sight; roles are read from the database
 * on every request, so a grant or revoke applies at once. Never throws for a caller's
 * mistake: the error is returned and every procedure raises it.
 */
export async function authenticate(
  db: Db,
  verify: TokenVerifier | null,
  header: string | undefined,
  requestId: string,
): Promise<AuthOutcome> {
  if (!header) return { user: null, error: null };
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match?.[1]) return { user: null, error: new AppError("TOKEN_MALFORMED") };
  if (!verify) return { user: null, error: new AppError("TOKEN_INVALID") };
  let identity;
  try {
    identity = await verify(match[1]);
  } catch (error) {
    if (error instanceof AppError) return { user: null, error };
    throw error;
  }
  const existing = await getUserWithRoles(db, { id: identity.sub });
  const user =
    existing ??
    (await db.transaction((tx) =>
      ensureUserFromToken(
        tx,
        {
          id: identity.sub,
          email: identity.email,
          firstName: identity.firstName,
          lastName: identity.lastName,
          locale: identity.locale,
        },
        { requestId },
      ),
    ));
  return {
    user: {
      id: user.id,
      email: user.email,
      firstName: user.firstName,
      lastName: user.lastName,
      locale: user.locale,
      timeZone: user.timeZone,
      roles: user.roles,
    },
    error: null,
  };
}
