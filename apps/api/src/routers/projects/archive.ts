import { archiveProject } from "@an/db";
import { z } from "zod";
import { unwrap } from "../../errors";
import { protectedProcedure } from "../../trpc/init";
import { projectIdSchema, projectOutput } from "./schemas";

export const archiveProjectInput = z.object({ projectId: projectIdSchema }).strict();

/** Archives a project (owner or admin): it stays readable with its chat and consultations; archiving twice changes nothing. */
export const archive = protectedProcedure.input(archiveProjectInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const { project, changed } = unwrap(
      await archiveProject(tx, {
        projectId: input.projectId,
        caller: { userId: ctx.user.id, admin: ctx.user.roles.includes("admin") },
        now: ctx.now(),
        requestId: ctx.requestId,
      }),
    );
    return { project: projectOutput(project), changed };
  }),
);
