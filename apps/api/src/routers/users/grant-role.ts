import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import { roleSchema, userIdSchema } from "../schemas";
import { changeRole } from "./change-role";

export const grantRoleInput = z.object({ userId: userIdSchema, role: roleSchema });

/** Grants a role (audited, the user is notified). Granting a held role changes nothing. */
export const grantRole = adminProcedure
  .input(grantRoleInput)
  .mutation(({ ctx, input }) => changeRole(ctx, input, "grant"));
