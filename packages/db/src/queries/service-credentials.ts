import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { and, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { ServiceCredentialScope } from "@an/domain";
import type { Executor } from "../client";
import { serviceCredentials } from "../schema";

/** Every service key starts with this, so a bearer token is told from a user's JWT at a glance. */
export const SERVICE_KEY_PREFIX = "ank_";

const hash = (key: string) => createHash("sha256").update(key).digest("hex");

/**
 * Issues a service credential. The key is returned once and only its SHA-256 is stored;
 * `prefix` (the first 12 characters after `ank_`) finds the row and is shown in the console.
 */
export async function createServiceCredential(
  ex: Executor,
  params: { name: string; scope: ServiceCredentialScope; createdBy: string | null },
): Promise<{ id: string; key: string; prefix: string }> {
  const secret = randomBytes(24).toString("base64url");
  const key = `${SERVICE_KEY_PREFIX}${secret}`;
  const prefix = secret.slice(0, 12);
  const [row] = await ex
    .insert(serviceCredentials)
    .values({
      name: params.name,
      scope: params.scope,
      prefix,
      keyHash: hash(key),
      createdBy: params.createdBy,
    })
    .returning({ id: serviceCredentials.id });
  return { id: row!.id, key, prefix };
}

/** The live credential a key belongs to, or null (unknown, wrong, or revoked). */
export async function verifyServiceCredential(
  ex: Executor,
  key: string,
): Promise<{
  id: string;
  scope: ServiceCredentialScope;
  name: string;
  lastUsedAt: Date | null;
} | null> {
  if (!key.startsWith(SERVICE_KEY_PREFIX)) return null;
  const prefix = key.slice(SERVICE_KEY_PREFIX.length, SERVICE_KEY_PREFIX.length + 12);
  const [row] = await ex
    .select({
      id: serviceCredentials.id,
      scope: serviceCredentials.scope,
      name: serviceCredentials.name,
      keyHash: serviceCredentials.keyHash,
      lastUsedAt: serviceCredentials.lastUsedAt,
    })
    .from(serviceCredentials)
    .where(and(eq(serviceCredentials.prefix, prefix), isNull(serviceCredentials.revokedAt)));
  if (!row) return null;
  const given = Buffer.from(hash(key), "hex");
  const stored = Buffer.from(row.keyHash, "hex");
  if (given.length !== stored.length || !timingSafeEqual(given, stored)) return null;
  return { id: row.id, scope: row.scope, name: row.name, lastUsedAt: row.lastUsedAt };
}

/** How stale `last_used_at` may get: a busy key writes it at most once per interval. */
export const CREDENTIAL_TOUCH_INTERVAL_MS = 60_000;

/**
 * Records that a credential was used, unless it was recorded less than a minute ago (so
 * a key sending many requests doesn't write on each). The condition is in SQL too, so
 * concurrent requests write at most once between them.
 */
export async function touchServiceCredential(
  ex: Executor,
  params: { id: string; lastUsedAt: Date | null; now: Date },
): Promise<void> {
  if (
    params.lastUsedAt &&
    params.now.getTime() - params.lastUsedAt.getTime() < CREDENTIAL_TOUCH_INTERVAL_MS
  )
    return;
  const cutoff = new Date(params.now.getTime() - CREDENTIAL_TOUCH_INTERVAL_MS);
  await ex
    .update(serviceCredentials)
    .set({ lastUsedAt: params.now })
    .where(
      and(
        eq(serviceCredentials.id, params.id),
        or(isNull(serviceCredentials.lastUsedAt), lt(serviceCredentials.lastUsedAt, cutoff)),
      ),
    );
}

/** Revokes a credential; false when it was unknown or already revoked. */
export async function revokeServiceCredential(
  ex: Executor,
  params: { id: string; revokedBy: string | null; now: Date },
): Promise<boolean> {
  const rows = await ex
    .update(serviceCredentials)
    .set({ revokedAt: params.now, revokedBy: params.revokedBy })
    .where(and(eq(serviceCredentials.id, params.id), isNull(serviceCredentials.revokedAt)))
    .returning({ id: serviceCredentials.id });
  return rows.length > 0;
}

/** What the console shows of a credential: never its hash, and the key only at issue. */
export type ServiceCredentialView = {
  id: string;
  name: string;
  scope: ServiceCredentialScope;
  prefix: string;
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  revokedBy: string | null;
};

const credentialView = {
  id: serviceCredentials.id,
  name: serviceCredentials.name,
  scope: serviceCredentials.scope,
  prefix: serviceCredentials.prefix,
  createdBy: serviceCredentials.createdBy,
  createdAt: serviceCredentials.createdAt,
  lastUsedAt: serviceCredentials.lastUsedAt,
  revokedAt: serviceCredentials.revokedAt,
  revokedBy: serviceCredentials.revokedBy,
};

/** Every credential, live ones first, then newest first (there are a handful, not thousands). */
export async function listServiceCredentials(ex: Executor): Promise<ServiceCredentialView[]> {
  return ex
    .select(credentialView)
    .from(serviceCredentials)
    .orderBy(
      sql`${serviceCredentials.revokedAt} is not null`,
      desc(serviceCredentials.createdAt),
      desc(serviceCredentials.id),
    );
}

/** One credential, locked for a change to it; null when unknown. */
export async function lockServiceCredential(
  tx: Executor,
  params: { id: string },
): Promise<ServiceCredentialView | null> {
  const [row] = await tx
    .select(credentialView)
    .from(serviceCredentials)
    .where(eq(serviceCredentials.id, params.id))
    .for("update");
  return row ?? null;
}
