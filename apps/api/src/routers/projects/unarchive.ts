import { unarchiveProject } from "@an/db";
import { z } from "zod";
import { unwrap } from "../../errors";
import { protectedProcedure } from "../../trpc/init";
import { projectIdSchema, projectOutput } from "./schemas";

export const unarchiveProjectInput = z.object({ projectId: projectIdSchema }).strict();

/** Unarchives a project (owner or admin) so it can be changed again; unarchiving an active one changes nothing. */
export const unarchive = protectedProcedure
  .input(unarchiveProjectInput)
  .mutation(({ ctx, input }) =>
    ctx.db.transaction(async (tx) => {
      const { project, changed } = unwrap(
        await unarchiveProject(tx, {
          projectId: input.projectId,
          caller: { userId: ctx.user.id, admin: ctx.user.roles.includes("admin") },
          now: ctx.now(),
          requestId: ctx.requestId,
        }),
      );
      return { project: projectOutput(project), changed };
    }),
  );
