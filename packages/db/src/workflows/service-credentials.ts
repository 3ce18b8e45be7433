import { err, ok, type Result, type ServiceCredentialScope } from "@an/domain";
import type { Executor } from "../client";
import { type Actor, writeAudit } from "../queries/audit";
import {
  createServiceCredential,
  lockServiceCredential,
  revokeServiceCredential,
  type ServiceCredentialView,
} from "../queries/service-credentials";

/**
 * Admin commands on service credentials (the assistant's API keys): issue one, shown once,
 * and revoke it. Both are audited; the audit never holds the key, only its prefix.
 */

export type ServiceCredentialNotFound = { code: "SERVICE_CREDENTIAL_NOT_FOUND"; ref: string };

/**
 * Issues a credential and returns its key: the only time the key exists outside the
 * caller's hands (only its SHA-256 is stored). Audited (`service_credential.issued`).
 */
export async function issueServiceCredential(
  tx: Executor,
  input: {
    name: string;
    scope: ServiceCredentialScope;
    actor: Actor;
    requestId?: string | null;
  },
): Promise<ServiceCredentialView & { key: string }> {
  const created = await createServiceCredential(tx, {
    name: input.name,
    scope: input.scope,
    createdBy: input.actor.kind === "user" ? input.actor.userId : null,
  });
  const row = await lockServiceCredential(tx, { id: created.id });
  await writeAudit(tx, {
    actor: input.actor,
    action: "service_credential.issued",
    subjectType: "service_credential",
    subjectId: created.id,
    after: { name: input.name, scope: input.scope, prefix: created.prefix },
    requestId: input.requestId ?? null,
  });
  return { ...row!, key: created.key };
}

/**
 * Revokes a credential: the next request with its key is refused. Revoking a revoked
 * credential changes nothing and writes no audit row. Audited (`service_credential.revoked`).
 */
export async function revokeServiceCredentialCommand(
  tx: Executor,
  input: { id: string; now: Date; actor: Actor; requestId?: string | null },
): Promise<
  Result<{ credential: ServiceCredentialView; changed: boolean }, ServiceCredentialNotFound>
> {
  const row = await lockServiceCredential(tx, { id: input.id });
  if (!row) return err({ code: "SERVICE_CREDENTIAL_NOT_FOUND", ref: input.id });
  if (row.revokedAt) return ok({ credential: row, changed: false });
  await revokeServiceCredential(tx, {
    id: row.id,
    revokedBy: input.actor.kind === "user" ? input.actor.userId : null,
    now: input.now,
  });
  await writeAudit(tx, {
    actor: input.actor,
    action: "service_credential.revoked",
    subjectType: "service_credential",
    subjectId: row.id,
    before: { revokedAt: null },
    after: { revokedAt: input.now.toISOString() },
    requestId: input.requestId ?? null,
  });
  const revoked = await lockServiceCredential(tx, { id: row.id });
  return ok({ credential: revoked!, changed: true });
}
