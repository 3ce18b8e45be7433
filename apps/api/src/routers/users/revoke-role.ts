import { z } from "zod";
import { AppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { roleSchema, userIdSchema } from "../schemas";
import { changeRole } from "./change-role";

export const revokeRoleInput = z.object({ userId: userIdSchema, role: roleSchema });

/**
 * Revokes a role (audited, the user is notified; history is kept). An admin can't drop
 * their own admin role, so the platform can't be left without one by accident.
 */
export const revokeRole = adminProcedure.input(revokeRoleInput).mutation(({ ctx, input }) => {
  if (input.role === "admin" && input.userId === ctx.user.id)
    throw new AppError("CANNOT_REVOKE_OWN_ADMIN");
  return changeRole(ctx, input, "revoke");
});
