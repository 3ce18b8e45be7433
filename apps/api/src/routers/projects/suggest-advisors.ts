import { getProject, suggestAdvisorsForProject } from "@an/db";
import { z } from "zod";
import { AppError } from "../../errors";
import { protectedProcedure } from "../../trpc/init";
import { projectIdSchema } from "./schemas";

export const suggestAdvisorsInput = z
  .object({ projectId: projectIdSchema, limit: z.number().int().min(1).max(50).default(10) })
  .strict();

/**
 * Advisors who fit the project (owner or admin), best first with a stable order: matched
 * on its skills and languages, rating, price and response time in chat. Each carries
 * `reasons`, machine codes with parameters (`skills`, `language`, `rating`, `price`,
 * `response_time`) for the console to phrase in the reader's language.
 */
export const suggestAdvisors = protectedProcedure
  .input(suggestAdvisorsInput)
  .query(async ({ ctx, input }) => {
    const project = await getProject(ctx.db, { id: input.projectId });
    if (!project || (project.ownerId !== ctx.user.id && !ctx.user.roles.includes("admin")))
      throw new AppError("PROJECT_NOT_FOUND", { ref: input.projectId });
    const suggestions = await suggestAdvisorsForProject(ctx.db, { project, limit: input.limit });
    return {
      items: suggestions.map((s) => ({
        advisor: {
          id: s.advisor.userId,
          displayName: s.advisor.displayName,
          headline: s.advisor.headline,
          avatarPath: s.advisor.avatarPath,
        },
        score: s.score,
        reasons: s.reasons,
      })),
    };
  });
