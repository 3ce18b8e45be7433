import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { ApplicationProfile, ApplicationStatus } from "@an/domain";
import type { Executor } from "../client";
import { advisorApplicationRounds, advisorApplications, skills, users } from "../schema";
import { resolveSkills } from "./skills";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Resolves an application's skill ids to active skills (a merged skill counts as its
 * survivor), without duplicates, in input order; anything that is no skill id is unknown.
 */
export async function resolveApplicationSkills(
  ex: Executor,
  ids: readonly string[],
): Promise<{ resolved: string[]; unknown: string[] }> {
  const wellFormed = ids.filter((id) => UUID.test(id)).map((id) => id.toLowerCase());
  const found = wellFormed.length > 0 ? await resolveSkills(ex, { ids: wellFormed }) : null;
  const survivorOf = new Map(found?.resolved.map((r) => [r.input, r.skill.id]));
  const resolved = new Set<string>();
  const unknown = new Set<string>();
  for (const id of ids) {
    const survivor = survivorOf.get(id.toLowerCase());
    if (survivor) resolved.add(survivor);
    else unknown.add(id);
  }
  return { resolved: [...resolved], unknown: [...unknown] };
}

/** The columns of an application as {@link Application} has them. */
export const applicationColumns = {
  id: advisorApplications.id,
  userId: advisorApplications.userId,
  status: advisorApplications.status,
  profile: sql<ApplicationProfile>`${advisorApplications.profile}`,
  round: advisorApplications.round,
  submittedAt: advisorApplications.submittedAt,
  decidedAt: advisorApplications.decidedAt,
  decidedBy: advisorApplications.decidedBy,
  decisionReason: advisorApplications.decisionReason,
  createdAt: advisorApplications.createdAt,
  updatedAt: advisorApplications.updatedAt,
};

export type Application = {
  id: string;
  userId: string;
  status: ApplicationStatus;
  profile: ApplicationProfile;
  /** How many times it has been submitted; the current round when submitted. */
  round: number;
  submittedAt: Date | null;
  decidedAt: Date | null;
  decidedBy: string | null;
  /** The last decision's reason (rejected) or notes (changes requested). */
  decisionReason: string | null;
  createdAt: Date;
  updatedAt: Date;
};

/** One application by id, or null. `forUpdate` locks the row for the caller's transaction. */
export async function getApplication(
  ex: Executor,
  params: { id: string; forUpdate?: boolean },
): Promise<Application | null> {
  const query = ex
    .select(applicationColumns)
    .from(advisorApplications)
    .where(eq(advisorApplications.id, params.id))
    .limit(1);
  const [row] = params.forUpdate ? await query.for("update") : await query;
  return row ?? null;
}

/**
 * The user's current application: the open one if any (there is at most one, and it is the
 * newest), else the most recently decided. Null if they never applied.
 */
export async function getLatestApplicationForUser(
  ex: Executor,
  params: { userId: string },
): Promise<Application | null> {
  const [row] = await ex
    .select(applicationColumns)
    .from(advisorApplications)
    .where(eq(advisorApplications.userId, params.userId))
    .orderBy(sql`${advisorApplications.createdAt} desc`, sql`${advisorApplications.id} desc`)
    .limit(1);
  return row ?? null;
}

/** The review history of an application: each submission and its decision, oldest first. */
export async function listApplicationRounds(ex: Executor, params: { applicationId: string }) {
  return ex
    .select({
      round: advisorApplicationRounds.round,
      profile: sql<ApplicationProfile>`${advisorApplicationRounds.profile}`,
      submittedAt: advisorApplicationRounds.submittedAt,
      decision: advisorApplicationRounds.decision,
      notes: advisorApplicationRounds.notes,
      decidedBy: advisorApplicationRounds.decidedBy,
      decidedAt: advisorApplicationRounds.decidedAt,
    })
    .from(advisorApplicationRounds)
    .where(eq(advisorApplicationRounds.applicationId, params.applicationId))
    .orderBy(asc(advisorApplicationRounds.round));
}

/**
 * Everything an admin reviews: the application, who applied, the skills it names (with
 * their display names) and every round so far. Null if there is no such application.
 */
export async function getApplicationDetail(ex: Executor, params: { id: string }) {
  const application = await getApplication(ex, { id: params.id });
  if (!application) return null;
  const skillIds = (application.profile.skillIds ?? []).filter((id) => UUID.test(id));
  const [applicantRows, skillRows, rounds] = await Promise.all([
    ex
      .select({
        id: users.id,
        email: users.email,
        firstName: users.firstName,
        lastName: users.lastName,
        locale: users.locale,
      })
      .from(users)
      .where(eq(users.id, application.userId))
      .limit(1),
    skillIds.length > 0
      ? ex
          .select({ id: skills.id, slug: skills.slug, name: skills.name })
          .from(skills)
          .where(inArray(skills.id, skillIds))
      : Promise.resolve([]),
    listApplicationRounds(ex, { applicationId: application.id }),
  ]);
  const byId = new Map(skillRows.map((s) => [s.id, s]));
  return {
    application,
    applicant: applicantRows[0] ?? null,
    skills: skillIds.flatMap((id) => byId.get(id) ?? []),
    rounds,
  };
}

export type ApplicationQueueParams = {
  /** Default: submitted only (what waits for a decision). */
  statuses?: readonly ApplicationStatus[];
  /** Applications naming any of these skills. */
  skillIds?: readonly string[];
  /** Queued (submitted; created, for drafts) before `before` and at or after `after`. */
  waitingSince?: { before?: Date; after?: Date };
  limit: number;
  /** The last row of the previous page: its queue time and id. */
  cursor?: { createdAt: Date; id: string } | null;
};

/**
 * The vetting queue, oldest first by the time an application entered it (submission, or
 * creation for drafts), with keyset pagination on (that time, id).
 */
export async function listApplicationQueue(ex: Executor, params: ApplicationQueueParams) {
  const queuedAt = sql`coalesce(${advisorApplications.submittedAt}, ${advisorApplications.createdAt})`;
  const statuses = params.statuses?.length ? params.statuses : (["submitted"] as const);
  const skillIds = (params.skillIds ?? []).filter((id) => UUID.test(id));
  const rows = await ex
    .select({
      id: advisorApplications.id,
      userId: advisorApplications.userId,
      applicantEmail: users.email,
      status: advisorApplications.status,
      round: advisorApplications.round,
      displayName: sql<string | null>`${advisorApplications.profile}->>'displayName'`,
      headline: sql<string | null>`${advisorApplications.profile}->>'headline'`,
      skillIds: sql<string[]>`coalesce(${advisorApplications.profile}->'skillIds', '[]'::jsonb)`,
      queuedAt: queuedAt.mapWith(advisorApplications.createdAt),
      submittedAt: advisorApplications.submittedAt,
      createdAt: advisorApplications.createdAt,
    })
    .from(advisorApplications)
    .innerJoin(users, eq(users.id, advisorApplications.userId))
    .where(
      and(
        inArray(advisorApplications.status, [...statuses]),
        params.skillIds?.length
          ? skillIds.length > 0
            ? sql`exists (select 1 from jsonb_array_elements_text(${advisorApplications.profile}->'skillIds') e(id)
                  where e.id in (${sql.join(
                    skillIds.map((id) => sql`${id.toLowerCase()}`),
                    sql`, `,
                  )}))`
            : sql`false`
          : undefined,
        params.waitingSince?.before
          ? sql`${queuedAt} < ${params.waitingSince.before.toISOString()}::timestamptz`
          : undefined,
        params.waitingSince?.after
          ? sql`${queuedAt} >= ${params.waitingSince.after.toISOString()}::timestamptz`
          : undefined,
        params.cursor
          ? sql`(${queuedAt}, ${advisorApplications.id}) > (${params.cursor.createdAt.toISOString()}::timestamptz, ${params.cursor.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(asc(queuedAt), asc(advisorApplications.id))
    .limit(params.limit + 1);
  const page = rows.slice(0, params.limit);
  const last = page.at(-1);
  return {
    items: page,
    nextCursor:
      rows.length > params.limit && last ? { createdAt: last.queuedAt, id: last.id } : null,
  };
}
