import { and, desc, eq, ilike, inArray, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import { type MatchCandidate, type MatchReason, suggestAdvisors } from "@an/domain";
import type { Executor } from "../client";
import { advisors, conversations, projects, users } from "../schema";

/** A skill a project needs (a merged skill shows as its survivor). */
export type ProjectSkill = { id: string; slug: string; name: string };

/** A project as its owner and admins see it. */
export type ProjectView = {
  id: string;
  ownerId: string;
  name: string;
  description: string;
  externalRef: string | null;
  archivedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** The project's one conversation. */
  conversationId: string | null;
  skills: ProjectSkill[];
  /** BCP-47 codes, alphabetical. */
  languages: string[];
};

/** A project in an admin's list: with who owns it. */
export type AdminProjectView = ProjectView & {
  owner: { id: string; email: string | null; firstName: string | null; lastName: string | null };
};

const skillsOf = sql<ProjectSkill[]>`coalesce((
  select json_agg(json_build_object('id', k.id, 'slug', k.slug, 'name', k.name) order by k.name, k.id)
    from (select distinct coalesce(m.id, s.id) as id, coalesce(m.slug, s.slug) as slug,
                 coalesce(m.name, s.name) as name
            from project_skills ps
            join skills s on s.id = ps.skill_id
            left join skills m on m.id = s.merged_into_id
           where ps.project_id = "projects"."id") k), '[]'::json)`;

const languagesOf = sql<string[]>`array(select pl.language from project_languages pl
  where pl.project_id = "projects"."id" order by pl.language)`;

const projectColumns = {
  id: projects.id,
  ownerId: projects.ownerId,
  name: projects.name,
  description: projects.description,
  externalRef: projects.externalRef,
  archivedAt: projects.archivedAt,
  createdAt: projects.createdAt,
  updatedAt: projects.updatedAt,
  conversationId: conversations.id,
  skills: skillsOf.as("skills"),
  languages: languagesOf.as("languages"),
};

/** One project with its skills, languages and conversation id, or null. */
export async function getProject(
  ex: Executor,
  params: { id: string },
): Promise<ProjectView | null> {
  const [row] = await ex
    .select(projectColumns)
    .from(projects)
    .leftJoin(conversations, eq(conversations.projectId, projects.id))
    .where(eq(projects.id, params.id))
    .limit(1);
  return row ?? null;
}

/** Locks a project row for a command; null when there is none. */
export async function lockProject(
  ex: Executor,
  params: { id: string },
): Promise<{ id: string; ownerId: string; archivedAt: Date | null } | null> {
  const [row] = await ex
    .select({ id: projects.id, ownerId: projects.ownerId, archivedAt: projects.archivedAt })
    .from(projects)
    .where(eq(projects.id, params.id))
    .for("update")
    .limit(1);
  return row ?? null;
}

/** Who owns a project and whether it is archived (no lock), or null. */
export async function getProjectOwnership(
  ex: Executor,
  params: { id: string },
): Promise<{ ownerId: string; archivedAt: Date | null } | null> {
  const [row] = await ex
    .select({ ownerId: projects.ownerId, archivedAt: projects.archivedAt })
    .from(projects)
    .where(eq(projects.id, params.id))
    .limit(1);
  return row ?? null;
}

/** Whether `ownerId` already has another project with this external reference. */
export async function externalRefTaken(
  ex: Executor,
  params: { ownerId: string; externalRef: string; exceptId?: string },
): Promise<boolean> {
  const [row] = await ex
    .select({ id: projects.id })
    .from(projects)
    .where(
      and(
        eq(projects.ownerId, params.ownerId),
        eq(projects.externalRef, params.externalRef),
        params.exceptId ? sql`${projects.id} <> ${params.exceptId}` : undefined,
      ),
    )
    .limit(1);
  return row !== undefined;
}

export type ProjectCursor = { createdAt: Date; id: string };
export type ProjectPage<T> = { items: T[]; nextCursor: ProjectCursor | null };

function after(cursor: ProjectCursor | null | undefined): SQL | undefined {
  return cursor
    ? or(
        lt(projects.createdAt, cursor.createdAt),
        and(eq(projects.createdAt, cursor.createdAt), lt(projects.id, cursor.id)),
      )
    : undefined;
}

function page<T extends { createdAt: Date; id: string }>(rows: T[], limit: number): ProjectPage<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null,
  };
}

/**
 * The owner's projects, newest first, keyset-paged on (created_at, id). Archived ones are
 * left out unless `includeArchived`.
 */
export async function listProjectsForOwner(
  ex: Executor,
  params: {
    ownerId: string;
    includeArchived?: boolean;
    limit: number;
    cursor?: ProjectCursor | null;
  },
): Promise<ProjectPage<ProjectView>> {
  const rows = await ex
    .select(projectColumns)
    .from(projects)
    .leftJoin(conversations, eq(conversations.projectId, projects.id))
    .where(
      and(
        eq(projects.ownerId, params.ownerId),
        params.includeArchived ? undefined : isNull(projects.archivedAt),
        after(params.cursor),
      ),
    )
    .orderBy(desc(projects.createdAt), desc(projects.id))
    .limit(params.limit + 1);
  return page(rows, params.limit);
}

/**
 * Every project, newest first, for admins. `search` matches the project's name or
 * external reference, or its owner's email or name, case-insensitively.
 */
export async function listProjectsForAdmin(
  ex: Executor,
  params: {
    search?: string;
    ownerId?: string;
    includeArchived?: boolean;
    limit: number;
    cursor?: ProjectCursor | null;
  },
): Promise<ProjectPage<AdminProjectView>> {
  const pattern = params.search ? `%${params.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const rows = await ex
    .select({
      ...projectColumns,
      ownerEmail: users.email,
      ownerFirstName: users.firstName,
      ownerLastName: users.lastName,
    })
    .from(projects)
    .innerJoin(users, eq(users.id, projects.ownerId))
    .leftJoin(conversations, eq(conversations.projectId, projects.id))
    .where(
      and(
        pattern
          ? or(
              ilike(projects.name, pattern),
              ilike(projects.externalRef, pattern),
              ilike(users.email, pattern),
              ilike(
                sql`coalesce(${users.firstName}, '') || ' ' || coalesce(${users.lastName}, '')`,
                pattern,
              ),
            )
          : undefined,
        params.ownerId ? eq(projects.ownerId, params.ownerId) : undefined,
        params.includeArchived === false ? isNull(projects.archivedAt) : undefined,
        after(params.cursor),
      ),
    )
    .orderBy(desc(projects.createdAt), desc(projects.id))
    .limit(params.limit + 1);
  const paged = page(rows, params.limit);
  return {
    nextCursor: paged.nextCursor,
    items: paged.items.map(({ ownerEmail, ownerFirstName, ownerLastName, ...project }) => ({
      ...project,
      owner: {
        id: project.ownerId,
        email: ownerEmail,
        firstName: ownerFirstName,
        lastName: ownerLastName,
      },
    })),
  };
}

/** Candidates the matcher reads at most (the best skill overlap first). */
export const MAX_MATCH_CANDIDATES = 500;

/**
 * Advisors who could fit a project: active, accepting work, and (when the project names
 * skills) having at least one of them, through `advisors.skill_ids` (kept by triggers, merged
 * skills as their survivor is what project skills store). At most `limit` (default
 * {@link MAX_MATCH_CANDIDATES}), most matched skills first, then best rated. Each comes with
 * its median response time in project chats (see {@link medianResponseMinutes}).
 */
export async function loadMatchCandidates(
  ex: Executor,
  params: { skillIds: readonly string[]; excludeUserId?: string; limit?: number },
): Promise<MatchCandidate[]> {
  const skillIds = [...new Set(params.skillIds)];
  // Merges are flattened (one hop reaches the survivor), and an advisor may still hold a
  // merged-away id: match on every id that stands for a needed skill, report survivors.
  const family = sql`array(select s.id from skills s
    where s.id = any(${sql.param(skillIds)}::uuid[]) or s.merged_into_id = any(${sql.param(skillIds)}::uuid[]))`;
  const survivors = sql`array(select distinct coalesce(s.merged_into_id, s.id)::text
    from unnest(a.skill_ids) as x(id) join skills s on s.id = x.id order by 1)`;
  // Most needed skills first (a bare constant would read as a column position).
  const overlap =
    skillIds.length > 0
      ? sql`cardinality(array(select unnest(${survivors}) intersect select unnest(${sql.param(skillIds)}::text[]))) desc,`
      : sql``;
  const rows = await ex.execute<{
    user_id: string;
    status: "active" | "suspended";
    accepting_bookings: boolean;
    skill_ids: string[];
    languages: string[];
    rating_sum: number;
    rating_count: number;
    hourly_rate: number;
    async_day_rate: number | null;
    currency: string;
  }>(sql`
    select a.user_id, a.status, a.accepting_bookings, ${survivors} as skill_ids,
           a.languages, a.rating_sum, a.rating_count, a.hourly_rate, a.async_day_rate, a.currency
      from advisors a
     where a.status = 'active' and a.accepting_bookings
       ${skillIds.length > 0 ? sql`and a.skill_ids && ${family}` : sql``}
       ${params.excludeUserId ? sql`and a.user_id <> ${params.excludeUserId}` : sql``}
     order by ${overlap} a.rating_avg desc, a.rating_count desc, a.user_id
     limit ${params.limit ?? MAX_MATCH_CANDIDATES}`);
  const medians = await medianResponseMinutes(
    ex,
    rows.map((r) => r.user_id),
  );
  return rows.map((r) => ({
    advisorId: r.user_id,
    status: r.status,
    acceptingBookings: r.accepting_bookings,
    skillIds: r.skill_ids,
    languages: r.languages,
    rating: { sum: r.rating_sum, count: r.rating_count },
    hourlyRate: r.hourly_rate,
    asyncDayRate: r.async_day_rate,
    currency: r.currency,
    medianResponseMinutes: medians.get(r.user_id) ?? null,
  }));
}

/**
 * Each advisor's median first-response time in project chats, in minutes: for every message
 * an advisor sent, the time since the first client message after the advisor's previous
 * message in that conversation (messages answering nothing new, e.g. a second message in a
 * row, don't count). Advisors with no such reply are absent from the map.
 */
export async function medianResponseMinutes(
  ex: Executor,
  advisorIds: readonly string[],
): Promise<Map<string, number>> {
  if (advisorIds.length === 0) return new Map();
  const rows = await ex.execute<{ sender_id: string; median_minutes: number }>(sql`
    with replies as (
      select m.conversation_id, m.sender_id, m.seq, m.created_at,
             lag(m.seq) over (partition by m.conversation_id, m.sender_id order by m.seq) as prev_seq
        from messages m
       where m.actor_type = 'advisor' and m.sender_id = any(${sql.param([...advisorIds])}::text[])
    )
    select r.sender_id,
           percentile_cont(0.5) within group (
             order by extract(epoch from r.created_at - q.asked_at) / 60)::float8 as median_minutes
      from replies r
      cross join lateral (
        select min(c.created_at) as asked_at from messages c
         where c.conversation_id = r.conversation_id and c.actor_type = 'client'
           and c.seq < r.seq and c.seq > coalesce(r.prev_seq, 0)) q
     where q.asked_at is not null
     group by r.sender_id`);
  return new Map(rows.map((r) => [r.sender_id, Math.max(0, Number(r.median_minutes))]));
}

/** A suggested advisor with what anyone may see of them and why they fit. */
export type AdvisorSuggestionView = {
  advisor: {
    userId: string;
    displayName: string;
    headline: string;
    avatarPath: string | null;
  };
  /** 0..1, higher fits better. */
  score: number;
  reasons: MatchReason[];
};

/**
 * The best `limit` advisors for a project (see `suggestAdvisors` in the domain): matched on
 * the project's skills and languages, rating, price and response time in chat, best first
 * with a stable order. The owner is never suggested to themselves.
 */
export async function suggestAdvisorsForProject(
  ex: Executor,
  params: { project: Pick<ProjectView, "ownerId" | "skills" | "languages">; limit: number },
): Promise<AdvisorSuggestionView[]> {
  const candidates = await loadMatchCandidates(ex, {
    skillIds: params.project.skills.map((s) => s.id),
    excludeUserId: params.project.ownerId,
  });
  const suggestions = suggestAdvisors({
    needs: {
      skills: params.project.skills.map((s) => ({ id: s.id, slug: s.slug })),
      languages: params.project.languages,
    },
    candidates,
    limit: params.limit,
  });
  if (suggestions.length === 0) return [];
  const cards = await ex
    .select({
      userId: advisors.userId,
      displayName: advisors.displayName,
      headline: advisors.headline,
      avatarPath: advisors.avatarPath,
    })
    .from(advisors)
    .where(
      inArray(
        advisors.userId,
        suggestions.map((s) => s.advisorId),
      ),
    );
  const byId = new Map(cards.map((c) => [c.userId, c]));
  return suggestions.flatMap((s) => {
    const advisor = byId.get(s.advisorId);
    return advisor
      ? [{ advisor, score: Math.round(s.score * 10_000) / 10_000, reasons: s.reasons }]
      : [];
  });
}
