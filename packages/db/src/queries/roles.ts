import { and, eq, isNull, sql } from "drizzle-orm";
import type { Role } from "@an/domain";
import type { Executor } from "../client";
import { enqueueJob } from "../jobs";
import { userRoles } from "../schema";
import { type Actor, writeAudit } from "./audit";

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

/** The full grant history of one user, newest first. */
export async function listRoleHistory(ex: Executor, params: { userId: string }) {
  return ex
    .select({
      id: userRoles.id,
      role: userRoles.role,
      grantedBy: userRoles.grantedBy,
      grantedAt: userRoles.grantedAt,
      revokedBy: userRoles.revokedBy,
      revokedAt: userRoles.revokedAt,
    })
    .from(userRoles)
    .where(eq(userRoles.userId, params.userId))
    .orderBy(sql`${userRoles.grantedAt} desc`);
}

/** The users who hold the admin role now. */
export async function listAdminIds(ex: Executor): Promise<string[]> {
  const rows = await ex
    .select({ userId: userRoles.userId })
    .from(userRoles)
    .where(and(eq(userRoles.role, "admin"), sql`${userRoles.revokedAt} is null`));
  return rows.map((r) => r.userId);
}
