import { createProject } from "@an/db";
import { z } from "zod";
import { unwrap } from "../../errors";
import { protectedProcedure } from "../../trpc/init";
import {
  externalRefSchema,
  neededSkillsSchema,
  projectDescriptionSchema,
  projectLanguagesSchema,
  projectNameSchema,
  projectOutput,
} from "./schemas";

export const createProjectInput = z
  .object({
    name: projectNameSchema,
    description: projectDescriptionSchema.optional(),
    externalRef: externalRefSchema.optional(),
    skills: neededSkillsSchema.optional(),
    languages: projectLanguagesSchema.optional(),
  })
  .strict();

/**
 * Creates a project owned by the caller, with its conversation (the caller its owner
 * member). An external reference the caller already uses is PROJECT_EXTERNAL_REF_TAKEN.
 */
export const create = protectedProcedure.input(createProjectInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const project = unwrap(
      await createProject(tx, {
        ownerId: ctx.user.id,
        ...input,
        actor: { kind: "user", userId: ctx.user.id },
        requestId: ctx.requestId,
      }),
    );
    return projectOutput(project);
  }),
);
