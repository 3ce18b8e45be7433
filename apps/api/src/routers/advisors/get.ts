import { getAdvisorProfile, listAuditForSubject } from "@an/db";
import { z } from "zod";
import { AppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { userIdSchema } from "../schemas";

export const getAdvisorInput = z.object({ advisorId: userIdSchema });

/** One advisor's full profile with the audit trail about them, newest first. */
export const get = adminProcedure.input(getAdvisorInput).query(async ({ ctx, input }) => {
  const [advisor, audit] = await Promise.all([
    getAdvisorProfile(ctx.db, { advisorId: input.advisorId }),
    listAuditForSubject(ctx.db, { subjectType: "advisor", subjectId: input.advisorId }),
  ]);
  if (!advisor) throw new AppError("ADVISOR_NOT_FOUND", { ref: input.advisorId });
  return { advisor, audit };
});
