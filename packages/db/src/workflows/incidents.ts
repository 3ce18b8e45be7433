import { err, ok, type Result } from "@an/domain";
import type { Executor } from "../client";
import { type Actor, writeAudit } from "../queries/audit";
import { type IncidentView, markIncidentResolved } from "../queries/incidents";

/**
 * An admin closes an open incident with what was done about it, audited
 * (`incident.resolved`). An incident that is missing or already resolved is
 * INCIDENT_NOT_FOUND.
 */
export async function resolveIncident(
  tx: Executor,
  params: {
    id: string;
    resolution: string;
    actor: Actor & { kind: "user" };
    requestId?: string | null;
  },
): Promise<Result<IncidentView, { code: "INCIDENT_NOT_FOUND"; ref: string }>> {
  const incident = await markIncidentResolved(tx, {
    id: params.id,
    by: params.actor.userId,
    resolution: params.resolution,
  });
  if (!incident) return err({ code: "INCIDENT_NOT_FOUND", ref: params.id });
  await writeAudit(tx, {
    actor: params.actor,
    action: "incident.resolved",
    subjectType: "security_incident",
    subjectId: incident.id,
    before: { kind: incident.kind, resolvedAt: null },
    after: { resolvedAt: incident.resolvedAt, resolution: incident.resolution },
    requestId: params.requestId ?? null,
  });
  return ok(incident);
}
