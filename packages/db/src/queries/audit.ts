import { and, desc, eq } from "drizzle-orm";
import type { Executor } from "../client";
import { auditLog } from "../schema";

export type Actor =
  /** A signed-in user acting through the API. */
  | { kind: "user"; userId: string }
  /** The platform itself, or an operator's CLI run: `label` says which. */
  | { kind: "system"; label: string };

export type AuditEntry = {
  actor: Actor;
  action: string;
  subjectType: string;
  subjectId: string;
  before?: unknown;
  after?: unknown;
  requestId?: string | null;
};

/** Appends one audit record. The table rejects updates and deletes. */
export async function writeAudit(ex: Executor, entry: AuditEntry): Promise<void> {
  await ex.insert(auditLog).values({
    actorId: entry.actor.kind === "user" ? entry.actor.userId : null,
    actorLabel: entry.actor.kind === "system" ? entry.actor.label : null,
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId,
    before: entry.before ?? null,
    after: entry.after ?? null,
    requestId: entry.requestId ?? null,
  });
}

/** The newest audit records about one subject, newest first. */
export async function listAuditForSubject(
  ex: Executor,
  params: { subjectType: string; subjectId: string; limit?: number },
) {
  return ex
    .select({
      id: auditLog.id,
      actorId: auditLog.actorId,
      actorLabel: auditLog.actorLabel,
      action: auditLog.action,
      before: auditLog.before,
      after: auditLog.after,
      requestId: auditLog.requestId,
      at: auditLog.at,
    })
    .from(auditLog)
    .where(
      and(eq(auditLog.subjectType, params.subjectType), eq(auditLog.subjectId, params.subjectId)),
    )
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(params.limit ?? 50);
}
