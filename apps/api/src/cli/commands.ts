import { type Db, findUserByEmail, grantRole, issueServiceCredential } from "@an/db";
import { isRole, isStorableText, type Role } from "@an/domain";
import { signDevToken } from "../auth/tokens";
import type { ApiEnv } from "../env";
import { devAuthConfig } from "../server";

export class CliError extends Error {}

/**
 * Grants a role (admin by default) to the user with this email: how the first admins are
 * made. Idempotent, and audited as the CLI acting for the OS user who ran it.
 */
export async function adminGrant(
  db: Db,
  params: { email: string; role?: string; operator: string },
): Promise<{ changed: boolean; userId: string; role: Role }> {
  const role = params.role ?? "admin";
  if (!isRole(role))
    throw new CliError(`Unknown role '${role}'. Use one of: client, advisor, admin.`);
  const user = await findUserByEmail(db, { email: params.email });
  if (!user) {
    throw new CliError(
      `No user with email ${params.email}. They must sign in once (which creates their account), then run this again.`,
    );
  }
  const result = await db.transaction((tx) =>
    grantRole(tx, {
      userId: user.id,
      role,
      actor: { kind: "system", label: `cli:admin-grant:${params.operator}` },
    }),
  );
  return { changed: result.changed, userId: user.id, role };
}

/**
 * Mints a dev sign-in token for an existing user. Refused in production, where tokens
 * come only from the identity provider.
 */
export async function devToken(db: Db, env: ApiEnv, params: { email: string }) {
  const devAuth = devAuthConfig(env);
  if (!devAuth.enabled) {
    throw new CliError(
      env.NODE_ENV === "production"
        ? "Refusing to mint tokens: NODE_ENV is production, where tokens come only from the identity provider."
        : "Refusing to mint tokens: AUTH_JWKS_URL is set, so tokens come from the identity provider.",
    );
  }
  const user = await findUserByEmail(db, { email: params.email });
  if (!user)
    throw new CliError(
      `No user with email ${params.email}. Demo users: run \`npm start\` once to seed them.`,
    );
  return signDevToken(devAuth.secret, user, {
    ttlSeconds: devAuth.ttlSeconds,
    issuer: devAuth.issuer,
    audience: devAuth.audience,
  });
}

/**
 * Issues an `assistant` service credential without the console, so an operator can
 * bootstrap the assistant before any admin signs in. The key is returned once (only its
 * hash is stored). Audited as the CLI acting for the OS user who ran it.
 */
export async function assistantKey(
  db: Db,
  params: { name: string; operator: string },
): Promise<{ id: string; key: string; prefix: string }> {
  const name = params.name.trim();
  if (name.length === 0 || name.length > 100 || !isStorableText(name))
    throw new CliError("The credential's name must be 1 to 100 printable characters.");
  const issued = await db.transaction((tx) =>
    issueServiceCredential(tx, {
      name,
      scope: "assistant",
      actor: { kind: "system", label: `cli:assistant-key:${params.operator}` },
    }),
  );
  return { id: issued.id, key: issued.key, prefix: issued.prefix };
}
