import { findProjectOwnerId, getEngagementActivity, listPassesForProject } from "@an/db";
import { z } from "zod";
import { AppError } from "../../errors";
import { protectedProcedure } from "../../trpc/init";
import { projectIdSchema } from "./schemas";

/**
 * The passes bought on a project, newest first: for its owner and for admins. Anyone else
 * gets PROJECT_NOT_FOUND, as for a project that doesn't exist. `activity` is for admins only
 * (null for the owner): the chat messages attributed to the pass and the seconds from the
 * first client message in its window to the advisor's first answer (null until then).
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
    const activity: (Awaited<ReturnType<typeof getEngagementActivity>> | null)[] = [];
    for (const r of rows) {
      activity.push(
        isAdmin
          ? await getEngagementActivity(ctx.db, {
              consultationId: r.id,
              projectId: input.projectId,
              startsAt: r.startsAt,
              endsAt: r.endsAt,
            })
          : null,
      );
    }
    return {
      items: rows.map((r, i) => ({
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
        activity: activity[i] ?? null,
      })),
    };
  });
