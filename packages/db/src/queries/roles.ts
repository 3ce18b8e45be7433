import { and, eq, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { userRoles } from "../schema";

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
