import { and, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { IncidentKind } from "@an/domain";
import type { Executor } from "../client";
import { enqueueJob } from "../jobs";
import { securityIncidents, userRoles } from "../schema";

/**
 * Records something an admin must look at and tells every admin, once per `dedupeKey`
 * (a repeated webhook raises nothing new). Returns whether it was new.
 */
export async function raiseIncident(
  tx: Executor,
  input: {
    kind: IncidentKind;
    dedupeKey: string;
    message: string;
    consultationId?: string | null;
    webhookEventId?: string | null;
    details?: Record<string, unknown>;
  },
): Promise<{ id: string; created: boolean }> {
  const [row] = await tx
    .insert(securityIncidents)
    .values({
      kind: input.kind,
      dedupeKey: input.dedupeKey,
      message: input.message,
      consultationId: input.consultationId ?? null,
      webhookEventId: input.webhookEventId ?? null,
      details: input.details ?? {},
    })
    .onConflictDoNothing({ target: securityIncidents.dedupeKey })
    .returning({ id: securityIncidents.id });
  if (!row) {
    const [existing] = await tx
      .select({ id: securityIncidents.id })
      .from(securityIncidents)
      .where(eq(securityIncidents.dedupeKey, input.dedupeKey));
    return { id: existing!.id, created: false };
  }
  const admins = await tx
    .select({ userId: userRoles.userId })
    .from(userRoles)
    .where(and(eq(userRoles.role, "admin"), isNull(userRoles.revokedAt)));
  if (input.consultationId) {
    for (const a of admins) {
      await enqueueJob(tx, "send_notification", {
        userId: a.userId,
        dedupeKey: `incident:${row.id}:${a.userId}`,
        template: "consultation_notice",
        params: {
          notice: "security_incident",
          role: "admin",
          consultationId: input.consultationId,
          reason: input.message.slice(0, 2000),
        },
      });
    }
  }
  return { id: row.id, created: true };
}

export type IncidentView = typeof securityIncidents.$inferSelect;

/** Incidents, open ones first by default, newest first; keyset on (createdAt, id). */
export async function listIncidents(
  ex: Executor,
  params: {
    limit: number;
    open?: boolean;
    consultationId?: string;
    cursor?: { createdAt: Date; id: string } | null;
  },
): Promise<IncidentView[]> {
  const filters = [];
  if (params.open === true) filters.push(isNull(securityIncidents.resolvedAt));
  if (params.open === false) filters.push(sql`${securityIncidents.resolvedAt} is not null`);
  if (params.consultationId)
    filters.push(eq(securityIncidents.consultationId, params.consultationId));
  if (params.cursor) {
    filters.push(
      or(
        lt(securityIncidents.createdAt, params.cursor.createdAt),
        and(
          eq(securityIncidents.createdAt, params.cursor.createdAt),
          lt(securityIncidents.id, params.cursor.id),
        ),
      ),
    );
  }
  return ex
    .select()
    .from(securityIncidents)
    .where(filters.length ? and(...filters) : undefined)
    .orderBy(desc(securityIncidents.createdAt), desc(securityIncidents.id))
    .limit(params.limit);
}

/** Marks an incident resolved with a note; resolving twice keeps the first resolution. */
export async function markIncidentResolved(
  tx: Executor,
  params: { id: string; by: string; resolution: string },
): Promise<IncidentView | null> {
  const [row] = await tx
    .update(securityIncidents)
    .set({ resolvedAt: sql`now()`, resolvedBy: params.by, resolution: params.resolution })
    .where(and(eq(securityIncidents.id, params.id), isNull(securityIncidents.resolvedAt)))
    .returning();
  return row ?? null;
}

/** Whether an incident with this dedupe key was ever raised. */
export async function hasIncident(ex: Executor, params: { dedupeKey: string }): Promise<boolean> {
  const [row] = await ex
    .select({ id: securityIncidents.id })
    .from(securityIncidents)
    .where(eq(securityIncidents.dedupeKey, params.dedupeKey));
  return row !== undefined;
}
