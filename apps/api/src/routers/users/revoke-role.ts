import { getUserWithRoles, revokeRole as revoke } from "@an/db";
import { z } from "zod";
import { AppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { roleSchema, userIdSchema } from "../schemas";

export const revokeRoleInput = z.object({ userId: userIdSchema, role: roleSchema });

/**
 * Revokes a role (audited, the user is notified). An admin can't drop their own admin
 * role, so the platform can't be left without one by accident.
 */
export const revokeRole = adminProcedure.input(revokeRoleInput).mutation(async ({ ctx, input }) => {
  if (input.role === "admin" && input.userId === ctx.user.id)
    throw new AppError("CANNOT_REVOKE_OWN_ADMIN");
  return ctx.db.transaction(async (tx) => {
    const target = await getUserWithRoles(tx, { id: input.userId });
    if (!target) throw new AppError("USER_NOT_FOUND", { ref: input.userId });
    const result = await revoke(tx, {
      userId: target.id,
      role: input.role,
      actor: { kind: "user", userId: ctx.user.id },
      requestId: ctx.requestId,
    });
    const after = await getUserWithRoles(tx, { id: target.id });
    return { changed: result.changed, roles: after?.roles ?? [] };
  });
});
