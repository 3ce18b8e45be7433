import { getAdvisorProfile } from "@an/db";
import { AppError } from "../../errors";
import { advisorProcedure } from "../../trpc/init";

/** The caller's own advisor profile and settings. */
export const getMe = advisorProcedure.query(async ({ ctx }) => {
  const profile = await getAdvisorProfile(ctx.db, { advisorId: ctx.user.id });
  if (!profile) throw new AppError("ADVISOR_NOT_FOUND", { ref: ctx.user.id });
  return profile;
});
