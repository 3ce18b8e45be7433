import { getProject } from "@an/db";
import { z } from "zod";
import { AppError } from "../../errors";
import { protectedProcedure } from "../../trpc/init";
import { projectIdSchema, projectOutput } from "./schemas";

export const getProjectInput = z.object({ projectId: projectIdSchema }).strict();

/** One project, for its owner or an admin; anyone else gets PROJECT_NOT_FOUND, as for no project. */
export const get = protectedProcedure.input(getProjectInput).query(async ({ ctx, input }) => {
  const project = await getProject(ctx.db, { id: input.projectId });
  if (!project || (project.ownerId !== ctx.user.id && !ctx.user.roles.includes("admin")))
    throw new AppError("PROJECT_NOT_FOUND", { ref: input.projectId });
  return projectOutput(project);
});
