import { updateProject } from "@an/db";
import { z } from "zod";
import { unwrap } from "../../errors";
import { protectedProcedure } from "../../trpc/init";
import {
  externalRefSchema,
  neededSkillsSchema,
  projectDescriptionSchema,
  projectIdSchema,
  projectLanguagesSchema,
  projectNameSchema,
  projectOutput,
} from "./schemas";

export const updateProjectInput = z
  .object({
    projectId: projectIdSchema,
    name: projectNameSchema.optional(),
    description: projectDescriptionSchema.optional(),
    externalRef: externalRefSchema.nullable().optional(),
    skills: neededSkillsSchema.optional(),
    languages: projectLanguagesSchema.optional(),
  })
  .strict();

/**
 * Renames or otherwise changes a project (owner or admin); omitted fields stay, lists
 * replace. An archived project is PROJECT_ARCHIVED until unarchived.
 */
export const update = protectedProcedure.input(updateProjectInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const { projectId, ...patch } = input;
    const project = unwrap(
      await updateProject(tx, {
        projectId,
        patch,
        caller: { userId: ctx.user.id, admin: ctx.user.roles.includes("admin") },
        requestId: ctx.requestId,
      }),
    );
    return projectOutput(project);
  }),
);
