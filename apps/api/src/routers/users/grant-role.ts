import { getUserWithRoles, grantRole as grant } from "@an/db";
import { z } from "zod";
import { AppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { roleSchema, userIdSchema } from "../schemas";

export const grantRoleInput = z.object({ userId: userIdSchema, role: roleSchema });

/** Grants a role (audited, the user is notified). Granting a held role changes nothing. */
export const grantRole = adminProcedure.input(grantRoleInput).mutation(async ({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const target = await getUserWithRoles(tx, { id: input.userId });
    if (!target) throw new AppError("USER_NOT_FOUND", { ref: input.userId });
    const result = await grant(tx, {
      userId: target.id,
      role: input.role,
      actor: { kind: "user", userId: ctx.user.id },
      requestId: ctx.requestId,
    });
    const after = await getUserWithRoles(tx, { id: target.id });
    return { changed: result.changed, roles: after?.roles ?? [] };
  }),
);
