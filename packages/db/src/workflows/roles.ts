import { and, eq, isNull, sql } from "drizzle-orm";
import { err, ok, type Result, type Role } from "@an/domain";
import type { Executor, Tx } from "../client";
import { enqueueJob } from "../jobs";
import { userRoles } from "../schema";
import { type Actor, writeAudit } from "../queries/audit";
import { getUserWithRoles } from "../queries/users";

export type RoleChange = {
  userId: string;
  role: Role;
  actor: Actor;
  requestId?: string | null;
  /** Tell the user by email/outbox. Default true. */
  notify?: boolean;
};

export type RoleChangeResult = {
  /** False when the user already had (grant) or didn't have (revoke) the role. */
  changed: boolean;
  grantId: string | null;
};

/**
 * Grants a role: records the grant, audits it and enqueues the user's notification in the
 * caller's transaction. Granting a role the user already holds changes nothing.
 */
export async function grantRole(tx: Executor, change: RoleChange): Promise<RoleChangeResult> {
  const [grant] = await tx
    .insert(userRoles)
    .values({
      userId: change.userId,
      role: change.role,
      grantedBy: change.actor.kind === "user" ? change.actor.userId : null,
    })
    .onConflictDoNothing({
      target: [userRoles.userId, userRoles.role],
      where: sql`revoked_at is null`,
    })
    .returning({ id: userRoles.id });
  if (!grant) return { changed: false, grantId: null };
  await recordRoleChange(tx, change, "granted", grant.id);
  return { changed: true, grantId: grant.id };
}

/**
 * Revokes a role by closing its active grant (history is kept), audits it and enqueues
 * the user's notification. Revoking a role the user doesn't hold changes nothing.
 */
export async function revokeRole(tx: Executor, change: RoleChange): Promise<RoleChangeResult> {
  const [grant] = await tx
    .update(userRoles)
    .set({
      revokedAt: sql`now()`,
      revokedBy: change.actor.kind === "user" ? change.actor.userId : null,
    })
    .where(
      and(
        eq(userRoles.userId, change.userId),
        eq(userRoles.role, change.role),
        isNull(userRoles.revokedAt),
      ),
    )
    .returning({ id: userRoles.id });
  if (!grant) return { changed: false, grantId: null };
  await recordRoleChange(tx, change, "revoked", grant.id);
  return { changed: true, grantId: grant.id };
}

/** Audits a grant or revoke and enqueues the user's notification, in the caller's transaction. */
async function recordRoleChange(
  tx: Executor,
  change: RoleChange,
  kind: "granted" | "revoked",
  grantId: string,
): Promise<void> {
  const state = { role: change.role, grantId };
  await writeAudit(tx, {
    actor: change.actor,
    action: `role.${kind}`,
    subjectType: "user",
    subjectId: change.userId,
    ...(kind === "granted" ? { after: state } : { before: state }),
    requestId: change.requestId ?? null,
  });
  if (change.notify ?? true) {
    await enqueueJob(tx, "send_notification", {
      userId: change.userId,
      template: `role_${kind}`,
      params: { role: change.role },
      dedupeKey: `role_${kind}:${grantId}`,
    });
  }
}

/**
 * An admin grants or revokes a user's role: the user must exist (USER_NOT_FOUND), the
 * change is audited and the user notified (see {@link grantRole}, {@link revokeRole}),
 * and the outcome holds the roles the user holds afterwards.
 */
export async function changeUserRole(
  tx: Tx,
  params: {
    userId: string;
    role: Role;
    change: "grant" | "revoke";
    actor: Actor & { kind: "user" };
    requestId?: string | null;
  },
): Promise<Result<{ changed: boolean; roles: Role[] }, { code: "USER_NOT_FOUND"; ref: string }>> {
  const target = await getUserWithRoles(tx, { id: params.userId });
  if (!target) return err({ code: "USER_NOT_FOUND", ref: params.userId });
  const apply = params.change === "grant" ? grantRole : revokeRole;
  const result = await apply(tx, {
    userId: target.id,
    role: params.role,
    actor: params.actor,
    requestId: params.requestId,
  });
  const after = await getUserWithRoles(tx, { id: target.id });
  return ok({ changed: result.changed, roles: after?.roles ?? [] });
}
