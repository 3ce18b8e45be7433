import {
  type Db,
  SERVICE_KEY_PREFIX,
  touchServiceCredential,
  verifyServiceCredential,
} from "@an/db";
import type { ServiceCredentialScope } from "@an/domain";
import { AppError } from "../errors";

/** A non-human caller authenticated by a service credential (an API key). */
export type ServiceCaller = { credentialId: string; scope: ServiceCredentialScope; name: string };

export type ServiceAuthOutcome = { service: ServiceCaller | null; error: AppError | null };

/** The API key in an Authorization header, when it carries one (`Bearer ank_…`) rather than a JWT. */
export function serviceKeyFrom(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(header?.trim() ?? "");
  return match?.[1]?.startsWith(SERVICE_KEY_PREFIX) ? match[1] : null;
}

/**
 * Resolves a service key to its live credential. Unknown, wrong or revoked keys are
 * SERVICE_KEY_INVALID (returned, raised by every procedure); a used key has its
 * `last_used_at` refreshed at most once a minute.
 */
export async function authenticateServiceKey(
  db: Db,
  key: string,
  now: Date,
): Promise<ServiceAuthOutcome> {
  const credential = await verifyServiceCredential(db, key);
  if (!credential) return { service: null, error: new AppError("SERVICE_KEY_INVALID") };
  await touchServiceCredential(db, { id: credential.id, lastUsedAt: credential.lastUsedAt, now });
  return {
    service: { credentialId: credential.id, scope: credential.scope, name: credential.name },
    error: null,
  };
}
