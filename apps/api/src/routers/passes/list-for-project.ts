import { findProjectOwnerId, listPassesForProject } from "@an/db";
import { z } from "zod";
import { AppError } from "../../errors";
import { protectedProcedure } from "../../trpc/init";
import { projectIdSchema } from "./schemas";

/**
 * The passes bought on a project, newest first: for its owner and for admins. Anyone else
 * gets PROJECT_NOT_FOUND, as for a project that doesn't exist.
 */
export const listForProject = protectedProcedure
  .input(z.object({ projectId: projectIdSchema }).strict())
  .query(async ({ ctx, input }) => {
    const ownerId = await findProjectOwnerId(ctx.db, input);
    const isAdmin = ctx.user.roles.includes("admin");
    if (!ownerId || (ownerId !== ctx.user.id && !isAdmin)) {
      throw new AppError("PROJECT_NOT_FOUND", { ref: input.projectId });
    }
    const rows = await listPassesForProject(ctx.db, input);
    return {
      items: rows.map((r) => ({
        consultationId: r.id,
        advisorId: r.advisorId,
        advisorName: r.advisorName,
        status: r.status,
        days: r.passDays,
        startsAt: r.startsAt,
        endsAt: r.endsAt,
        price: r.price,
        refundable: r.refundablePrice,
        currency: r.currency,
        createdAt: r.createdAt,
      })),
    };
  });
