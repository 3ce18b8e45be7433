import { eq, sql } from "drizzle-orm";
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
