import { getPublicAdvisorProfile } from "@an/db";
import { z } from "zod";
import { AppError } from "../../errors";
import { publicProcedure } from "../../trpc/init";
import { userIdSchema } from "../schemas";

export const profileInput = z.object({ advisorId: userIdSchema });

/**
 * An advisor's public profile. Unknown, suspended and paused advisors are all
 * ADVISOR_NOT_FOUND, so the response doesn't reveal which.
 */
export const getProfile = publicProcedure.input(profileInput).query(async ({ ctx, input }) => {
  const advisor = await getPublicAdvisorProfile(ctx.db, { advisorId: input.advisorId });
  if (!advisor) throw new AppError("ADVISOR_NOT_FOUND", { ref: input.advisorId });
  return advisor;
});
