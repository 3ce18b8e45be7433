import { resolveIncident, writeAudit } from "@an/db";
import { z } from "zod";
import { AppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { text } from "../schemas";

export const resolveIncidentInput = z.object({
  id: z.uuid(),
  resolution: text().trim().min(3).max(2000),
});

/** Closes an open incident with what was done about it (audited). */
export const resolve = adminProcedure.input(resolveIncidentInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const incident = await resolveIncident(tx, {
      id: input.id,
      by: ctx.user.id,
      resolution: input.resolution,
    });
    if (!incident) throw new AppError("INCIDENT_NOT_FOUND", { ref: input.id });
    await writeAudit(tx, {
      actor: { kind: "user", userId: ctx.user.id },
      action: "incident.resolved",
      subjectType: "security_incident",
      subjectId: incident.id,
      before: { kind: incident.kind, resolvedAt: null },
      after: { resolvedAt: incident.resolvedAt, resolution: incident.resolution },
      requestId: ctx.requestId,
    });
    return {
      id: incident.id,
      resolvedAt: incident.resolvedAt,
      resolvedBy: incident.resolvedBy,
      resolution: incident.resolution,
    };
  }),
);
