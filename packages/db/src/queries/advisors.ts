import { and, asc, desc, eq, ilike, isNotNull, lt, or, sql } from "drizzle-orm";
import type { AdvisorStatus, PayoutCadenceKind } from "@an/domain";
import type { Executor } from "../client";
import { advisorLanguages, advisors, advisorSkills, skills, users } from "../schema";

/** An advisor's full profile and settings, as the advisor and admins see it. */
export type AdvisorProfile = {
  userId: string;
  displayName: string;
  headline: string;
  bio: string;
  avatarPath: string | null;
  timeZone: string;
  yearsExperience: number;
  portfolioUrl: string | null;
  linkedinUrl: string | null;
  githubUrl: string | null;
  /** Integer minor units of `currency`. */
  hourlyRate: number;
  /** One day of async advice, minor units of `currency`; null = passes not offered. */
  asyncDayRate: number | null;
  currency: string;
  calcomEventType: string | null;
  status: AdvisorStatus;
  acceptingBookings: boolean;
  suspendedReason: string | null;
  suspendedAt: Date | null;
  payoutCadence: PayoutCadenceKind;
  flaggedForReviewAt: Date | null;
  ratingCount: number;
  ratingSum: number;
  createdAt: Date;
  updatedAt: Date;
  /** Active skills, by name. */
  skills: { id: string; slug: string; name: string }[];
  /** BCP-47 codes, sorted. */
  languages: string[];
};

const profileColumns = {
  userId: advisors.userId,
  displayName: advisors.displayName,
  headline: advisors.headline,
  bio: advisors.bio,
  avatarPath: advisors.avatarPath,
  timeZone: advisors.timeZone,
  yearsExperience: advisors.yearsExperience,
  portfolioUrl: advisors.portfolioUrl,
  linkedinUrl: advisors.linkedinUrl,
  githubUrl: advisors.githubUrl,
  hourlyRate: advisors.hourlyRate,
  /** Null: the advisor doesn't sell async advice passes. */
  asyncDayRate: advisors.asyncDayRate,
  currency: advisors.currency,
  calcomEventType: advisors.calcomEventType,
  status: advisors.status,
  acceptingBookings: advisors.acceptingBookings,
  suspendedReason: advisors.suspendedReason,
  suspendedAt: advisors.suspendedAt,
  payoutCadence: advisors.payoutCadence,
  flaggedForReviewAt: advisors.flaggedForReviewAt,
  ratingCount: advisors.ratingCount,
  ratingSum: advisors.ratingSum,
  createdAt: advisors.createdAt,
  updatedAt: advisors.updatedAt,
};

/**
 * One advisor's profile with skills and languages, or null. `forUpdate` locks the row
 * for the rest of the caller's transaction.
 */
export async function getAdvisorProfile(
  ex: Executor,
  params: { advisorId: string; forUpdate?: boolean },
): Promise<AdvisorProfile | null> {
  const query = ex
    .select(profileColumns)
    .from(advisors)
    .where(eq(advisors.userId, params.advisorId))
    .limit(1);
  const [row] = params.forUpdate ? await query.for("update") : await query;
  if (!row) return null;
  const [skillRows, languageRows] = await Promise.all([
    ex
      .select({ id: skills.id, slug: skills.slug, name: skills.name })
      .from(advisorSkills)
      .innerJoin(skills, eq(skills.id, advisorSkills.skillId))
      .where(eq(advisorSkills.advisorId, row.userId))
      .orderBy(asc(sql`lower(${skills.name})`), asc(skills.id)),
    ex
      .select({ language: advisorLanguages.language })
      .from(advisorLanguages)
      .where(eq(advisorLanguages.advisorId, row.userId))
      .orderBy(asc(advisorLanguages.language)),
  ]);
  return { ...row, skills: skillRows, languages: languageRows.map((l) => l.language) };
}

export type ListAdvisorsParams = {
  /** Matches display name, the user's name or email, case-insensitively. */
  search?: string;
  status?: AdvisorStatus;
  /** Only advisors flagged for review (true) or not flagged (false). */
  flagged?: boolean;
  limit: number;
  cursor?: { createdAt: Date; id: string } | null;
};

/**
 * Advisors newest first for the admin list, keyset-paginated on (created_at, user_id).
 */
export async function listAdvisors(ex: Executor, params: ListAdvisorsParams) {
  const pattern = params.search ? `%${params.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const rows = await ex
    .select({
      userId: advisors.userId,
      displayName: advisors.displayName,
      email: users.email,
      headline: advisors.headline,
      status: advisors.status,
      suspendedReason: advisors.suspendedReason,
      acceptingBookings: advisors.acceptingBookings,
      flaggedForReviewAt: advisors.flaggedForReviewAt,
      hourlyRate: advisors.hourlyRate,
      currency: advisors.currency,
      createdAt: advisors.createdAt,
    })
    .from(advisors)
    .innerJoin(users, eq(users.id, advisors.userId))
    .where(
      and(
        pattern
          ? or(
              ilike(advisors.displayName, pattern),
              ilike(users.email, pattern),
              ilike(sql`${users.firstName} || ' ' || ${users.lastName}`, pattern),
            )
          : undefined,
        params.status ? eq(advisors.status, params.status) : undefined,
        params.flagged === true ? isNotNull(advisors.flaggedForReviewAt) : undefined,
        params.flagged === false ? sql`${advisors.flaggedForReviewAt} is null` : undefined,
        params.cursor
          ? or(
              lt(advisors.createdAt, params.cursor.createdAt),
              and(
                eq(advisors.createdAt, params.cursor.createdAt),
                lt(advisors.userId, params.cursor.id),
              ),
            )
          : undefined,
      ),
    )
    .orderBy(desc(advisors.createdAt), desc(advisors.userId))
    .limit(params.limit + 1);
  const page = rows.slice(0, params.limit);
  const last = page.at(-1);
  return {
    items: page,
    nextCursor:
      rows.length > params.limit && last ? { createdAt: last.createdAt, id: last.userId } : null,
  };
}

/** Whether the user has an advisor profile (the role alone, e.g. revoked then re-granted, isn't one). */
export async function advisorExists(ex: Executor, params: { userId: string }): Promise<boolean> {
  const [row] = await ex
    .select({ id: advisors.userId })
    .from(advisors)
    .where(eq(advisors.userId, params.userId));
  return row !== undefined;
}
