import { getApplicationDetail, listAuditForSubject } from "@an/db";
import { z } from "zod";
import { AppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { applicationIdSchema } from "./schemas";

export const getApplicationInput = z.object({ id: applicationIdSchema });

/**
 * The review page: the application as submitted, who applied, its skills by name, every
 * round with its decision, and the audit trail.
 */
export const get = adminProcedure.input(getApplicationInput).query(async ({ ctx, input }) => {
  const detail = await getApplicationDetail(ctx.db, { id: input.id });
  if (!detail) throw new AppError("APPLICATION_NOT_FOUND", { ref: input.id });
  const audit = await listAuditForSubject(ctx.db, {
    subjectType: "advisor_application",
    subjectId: input.id,
  });
  return { ...detail, audit };
});
