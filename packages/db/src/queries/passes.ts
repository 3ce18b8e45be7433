import { and, asc, desc, eq, gt, isNull, min, sql } from "drizzle-orm";
import type { Executor } from "../client";
import {
  advisorInvitations,
  advisors,
  consultations,
  conversations,
  messages,
  projects,
} from "../schema";

/**
 * When the advisor first posted a message attributed to the consultation (an async pass's
 * first reply), or null. Any advisor message counts, even one later deleted or hidden: the
 * advisor did answer, and the no-reply refund is about answering.
 */
export async function findFirstAdvisorReplyAt(
  ex: Executor,
  params: { consultationId: string },
): Promise<Date | null> {
  const [row] = await ex
    .select({ at: min(messages.createdAt) })
    .from(messages)
    .where(
      and(eq(messages.engagementId, params.consultationId), eq(messages.actorType, "advisor")),
    );
  return row?.at ?? null;
}

/** The advisor's terms for selling a pass: status, day rate (null = not offered), currency. */
export async function getAdvisorPassTerms(ex: Executor, params: { advisorId: string }) {
  const [row] = await ex
    .select({
      displayName: advisors.displayName,
      status: advisors.status,
      asyncDayRate: advisors.asyncDayRate,
      currency: advisors.currency,
    })
    .from(advisors)
    .where(eq(advisors.userId, params.advisorId));
  return row ?? null;
}

/** A project if `clientId` owns it (archived included: the caller decides). */
export async function findOwnedProject(
  ex: Executor,
  params: { projectId: string; clientId: string },
) {
  const [row] = await ex
    .select({ id: projects.id, name: projects.name, archivedAt: projects.archivedAt })
    .from(projects)
    .where(and(eq(projects.id, params.projectId), eq(projects.ownerId, params.clientId)));
  return row ?? null;
}

/** Who owns a project (null: no such project). */
export async function findProjectOwnerId(
  ex: Executor,
  params: { projectId: string },
): Promise<string | null> {
  const [row] = await ex
    .select({ ownerId: projects.ownerId })
    .from(projects)
    .where(eq(projects.id, params.projectId));
  return row?.ownerId ?? null;
}

/** The advisor's accepted, unexpired invitation to the project, if any. */
export async function findLiveAcceptedInvitation(
  ex: Executor,
  params: { projectId: string; advisorId: string; now: Date },
) {
  const [row] = await ex
    .select({ id: advisorInvitations.id, expiresAt: advisorInvitations.expiresAt })
    .from(advisorInvitations)
    .where(
      and(
        eq(advisorInvitations.projectId, params.projectId),
        eq(advisorInvitations.advisorId, params.advisorId),
        eq(advisorInvitations.status, "accepted"),
        isNull(advisorInvitations.revokedAt),
        gt(advisorInvitations.expiresAt, params.now),
      ),
    );
  return row ?? null;
}

/** The passes bought on a project, newest first, with their advisor's display name. */
export async function listPassesForProject(ex: Executor, params: { projectId: string }) {
  return ex
    .select({
      id: consultations.id,
      advisorId: consultations.advisorId,
      advisorName: advisors.displayName,
      status: consultations.status,
      passDays: consultations.passDays,
      startsAt: consultations.startsAt,
      endsAt: consultations.endsAt,
      currency: consultations.currency,
      price: consultations.price,
      refundablePrice: consultations.refundablePrice,
      createdAt: consultations.createdAt,
    })
    .from(consultations)
    .innerJoin(advisors, eq(advisors.userId, consultations.advisorId))
    .where(and(eq(consultations.projectId, params.projectId), eq(consultations.kind, "async_pass")))
    .orderBy(desc(consultations.createdAt), asc(consultations.id))
    .limit(200);
}

/**
 * An engagement's chat activity for admins: the messages attributed to it, and how long the
 * advisor took to answer the first client message posted in its window (null until then).
 */
export async function getEngagementActivity(
  ex: Executor,
  params: { consultationId: string; projectId: string; startsAt: Date; endsAt: Date },
): Promise<{ messageCount: number; firstResponseSeconds: number | null }> {
  const [count] = await ex
    .select({ n: sql<number>`count(*)::int` })
    .from(messages)
    .where(eq(messages.engagementId, params.consultationId));
  const result = await ex.execute<{ seconds: number | null }>(sql`
    with first_client as (
      select min(m.created_at) as at
        from ${messages} m
        join ${conversations} c on c.id = m.conversation_id
       where c.project_id = ${params.projectId}
         and m.actor_type = 'client'
         and m.created_at >= ${params.startsAt.toISOString()}
         and m.created_at < ${params.endsAt.toISOString()}
    )
    select extract(epoch from (min(m.created_at) - fc.at))::float8 as seconds
      from first_client fc
      left join ${messages} m
        on m.engagement_id = ${params.consultationId}
       and m.actor_type = 'advisor'
       and m.created_at >= fc.at
     group by fc.at
  `);
  const seconds = result[0]?.seconds;
  return {
    messageCount: count?.n ?? 0,
    firstResponseSeconds: seconds === null || seconds === undefined ? null : Math.round(seconds),
  };
}
