import { resolveIncident } from "@an/db";
import { z } from "zod";
import { unwrap } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { text } from "../schemas";

export const resolveIncidentInput = z.object({
  id: z.uuid(),
  resolution: text().trim().min(3).max(2000),
});

/** Closes an open incident with what was done about it (audited). */
export const resolve = adminProcedure.input(resolveIncidentInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const incident = unwrap(
      await resolveIncident(tx, {
        id: input.id,
        resolution: input.resolution,
        actor: { kind: "user", userId: ctx.user.id },
        requestId: ctx.requestId,
      }),
    );
    return {
      id: incident.id,
      resolvedAt: incident.resolvedAt,
      resolvedBy: incident.resolvedBy,
      resolution: incident.resolution,
    };
  }),
);
