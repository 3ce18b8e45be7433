import { getUserWithRoles, listAuditForSubject, listRoleHistory } from "@an/db";
import { z } from "zod";
import { AppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { userIdSchema } from "../schemas";

export const getUserInput = z.object({ userId: userIdSchema });

/** One user with their role history and the audit trail about them. */
export const get = adminProcedure.input(getUserInput).query(async ({ ctx, input }) => {
  const user = await getUserWithRoles(ctx.db, { id: input.userId });
  if (!user) throw new AppError("USER_NOT_FOUND", { ref: input.userId });
  const [roleHistory, audit] = await Promise.all([
    listRoleHistory(ctx.db, { userId: user.id }),
    listAuditForSubject(ctx.db, { subjectType: "user", subjectId: user.id, limit: 50 }),
  ]);
  return { user, roleHistory, audit };
});
