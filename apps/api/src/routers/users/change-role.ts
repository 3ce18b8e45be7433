import { getUserWithRoles, type grantRole, type revokeRole } from "@an/db";
import type { Role } from "@an/domain";
import { AppError } from "../../errors";
import type { Context } from "../../trpc/context";

/**
 * Grants or revokes a role in one transaction: the target must exist, the change is
 * audited and the user notified (see the db functions), and the caller gets the roles
 * the user holds afterwards.
 */
export function changeRole(
  ctx: Context & { user: { id: string } },
  input: { userId: string; role: Role },
  apply: typeof grantRole | typeof revokeRole,
) {
  return ctx.db.transaction(async (tx) => {
    const target = await getUserWithRoles(tx, { id: input.userId });
    if (!target) throw new AppError("USER_NOT_FOUND", { ref: input.userId });
    const result = await apply(tx, {
      userId: target.id,
      role: input.role,
      actor: { kind: "user", userId: ctx.user.id },
      requestId: ctx.requestId,
    });
    const after = await getUserWithRoles(tx, { id: target.id });
    return { changed: result.changed, roles: after?.roles ?? [] };
  });
}
