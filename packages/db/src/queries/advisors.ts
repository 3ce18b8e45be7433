import { and, asc, desc, eq, ilike, isNotNull, lt, or, sql } from "drizzle-orm";
import { err, ok, type Result } from "@an/domain";
import type { Executor, Tx } from "../client";
import { advisorLanguages, advisors, advisorSkills, skills, users } from "../schema";
import { refreshAdvisorSearchText } from "./advisor-search";
import { type Actor, writeAudit } from "./audit";
import { resolveSkills } from "./skills";
import { rescheduleNextPayout } from "../workflows/payout-schedule";

type AdvisorStatus = (typeof advisors.status.enumValues)[number];
type PayoutCadence = (typeof advisors.payoutCadence.enumValues)[number];

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
  currency: string;
  calcomEventType: string | null;
  status: AdvisorStatus;
  acceptingBookings: boolean;
  suspendedReason: string | null;
  suspendedAt: Date | null;
  payoutCadence: PayoutCadence;
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

export type AdvisorError =
  { code: "ADVISOR_NOT_FOUND"; ref: string } | { code: "UNKNOWN_SKILLS"; skills: string[] };

type AdvisorChange = { actor: Actor; requestId?: string | null };

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

/** The profile fields an advisor edits themselves. Omitted fields stay as they are. */
export type AdvisorProfilePatch = {
  displayName?: string;
  headline?: string;
  bio?: string;
  timeZone?: string;
  yearsExperience?: number;
  /** Null clears the link. */
  portfolioUrl?: string | null;
  linkedinUrl?: string | null;
  githubUrl?: string | null;
  /** Replaces the skill set. Ids of merged skills count as their survivor. */
  skillIds?: readonly string[];
  /** Replaces the languages (BCP-47 codes). */
  languages?: readonly string[];
};

/**
 * Fields whose change puts an approved advisor back in front of an admin: what clients
 * trust (who they are, where their work is) must not change unseen after approval.
 */
export const SENSITIVE_PROFILE_FIELDS = [
  "displayName",
  "portfolioUrl",
  "linkedinUrl",
  "githubUrl",
] as const;

/**
 * Updates an advisor's own profile in the caller's transaction and rebuilds their search
 * text. Skill ids are resolved first (UNKNOWN_SKILLS names the ones that aren't in the
 * taxonomy). Every change is audited (`advisor.profile_updated`, changed fields only).
 *
 * Sensitive changes: when the display name or any link actually changes, the advisor
 * stays live but `flagged_for_review_at` is set to `now` and an `advisor.flagged_for_review`
 * record is written, so admins re-check them (admins clear the flag with
 * `clearAdvisorReviewFlag`).
 */
export async function updateAdvisorProfile(
  tx: Tx,
  params: AdvisorChange & { advisorId: string; patch: AdvisorProfilePatch; now: Date },
): Promise<Result<{ profile: AdvisorProfile; flagged: boolean }, AdvisorError>> {
  const before = await getAdvisorProfile(tx, { advisorId: params.advisorId, forUpdate: true });
  if (!before) return err({ code: "ADVISOR_NOT_FOUND", ref: params.advisorId });
  const { skillIds, languages, ...fields } = params.patch;

  let skillSet: string[] | undefined;
  if (skillIds) {
    const resolved = await resolveSkills(tx, { ids: skillIds });
    if (resolved.unknown.length > 0)
      return err({ code: "UNKNOWN_SKILLS", skills: resolved.unknown });
    skillSet = [...new Set(resolved.resolved.map((r) => r.skill.id))];
  }

  const changedFields = Object.fromEntries(
    Object.entries(fields).filter(
      ([key, value]) => value !== undefined && before[key as keyof typeof fields] !== value,
    ),
  ) as Partial<typeof fields>;
  const sensitive = SENSITIVE_PROFILE_FIELDS.filter((key) => key in changedFields);
  const flagged = sensitive.length > 0;

  if (Object.keys(changedFields).length > 0 || flagged) {
    await tx
      .update(advisors)
      .set({ ...changedFields, ...(flagged ? { flaggedForReviewAt: params.now } : {}) })
      .where(eq(advisors.userId, before.userId));
  }
  if (skillSet) {
    await tx.delete(advisorSkills).where(eq(advisorSkills.advisorId, before.userId));
    if (skillSet.length > 0) {
      await tx
        .insert(advisorSkills)
        .values(skillSet.map((skillId) => ({ advisorId: before.userId, skillId })));
    }
  }
  if (languages) {
    await tx.delete(advisorLanguages).where(eq(advisorLanguages.advisorId, before.userId));
    const unique = [...new Set(languages)];
    if (unique.length > 0) {
      await tx
        .insert(advisorLanguages)
        .values(unique.map((language) => ({ advisorId: before.userId, language })));
    }
  }
  // The stored next payout run is a local time in the advisor's zone: a new zone moves it.
  const rescheduled =
    changedFields.timeZone !== undefined
      ? await rescheduleNextPayout(tx, { advisorId: before.userId, now: params.now })
      : null;
  await refreshAdvisorSearchText(tx, { advisorId: before.userId });
  const after = await getAdvisorProfile(tx, { advisorId: before.userId });
  if (!after) throw new Error(`advisor ${before.userId} vanished during update`);

  const diff = diffProfiles(before, after);
  if (rescheduled) {
    diff.before.nextPayoutAt = rescheduled.before.toISOString();
    diff.after.nextPayoutAt = rescheduled.after.toISOString();
  }
  if (Object.keys(diff.before).length > 0) {
    await writeAudit(tx, {
      actor: params.actor,
      action: "advisor.profile_updated",
      subjectType: "advisor",
      subjectId: before.userId,
      before: diff.before,
      after: diff.after,
      requestId: params.requestId ?? null,
    });
  }
  if (flagged) {
    await writeAudit(tx, {
      actor: params.actor,
      action: "advisor.flagged_for_review",
      subjectType: "advisor",
      subjectId: before.userId,
      before: Object.fromEntries(sensitive.map((k) => [k, before[k]])),
      after: {
        ...Object.fromEntries(sensitive.map((k) => [k, after[k]])),
        flaggedForReviewAt: after.flaggedForReviewAt,
      },
      requestId: params.requestId ?? null,
    });
  }
  return ok({ profile: after, flagged });
}

const AUDITED_KEYS = [
  "displayName",
  "headline",
  "bio",
  "timeZone",
  "yearsExperience",
  "portfolioUrl",
  "linkedinUrl",
  "githubUrl",
  "hourlyRate",
  "currency",
  "calcomEventType",
  "acceptingBookings",
  "payoutCadence",
  "status",
  "suspendedReason",
  "flaggedForReviewAt",
] as const satisfies readonly (keyof AdvisorProfile)[];

function diffProfiles(before: AdvisorProfile, after: AdvisorProfile) {
  const diff: { before: Record<string, unknown>; after: Record<string, unknown> } = {
    before: {},
    after: {},
  };
  const norm = (v: unknown) => (v instanceof Date ? v.toISOString() : v);
  for (const key of AUDITED_KEYS) {
    if (norm(before[key]) !== norm(after[key])) {
      diff.before[key] = before[key];
      diff.after[key] = after[key];
    }
  }
  const skillIds = (p: AdvisorProfile) => p.skills.map((s) => s.id).sort();
  if (skillIds(before).join() !== skillIds(after).join()) {
    diff.before.skillIds = skillIds(before);
    diff.after.skillIds = skillIds(after);
  }
  if (before.languages.join() !== after.languages.join()) {
    diff.before.languages = before.languages;
    diff.after.languages = after.languages;
  }
  return diff;
}

/** Settings an advisor changes one at a time from the portal. */
export type AdvisorSettings = {
  /** Integer minor units of `currency`; validate against the pricing rules first. */
  hourlyRate?: number;
  currency?: string;
  acceptingBookings?: boolean;
  /** Null clears it. */
  calcomEventType?: string | null;
};

/**
 * Applies portal settings to one advisor, audited under `action` with the fields that
 * changed. Setting a value the advisor already has writes nothing.
 */
export async function updateAdvisorSettings(
  tx: Tx,
  params: AdvisorChange & { advisorId: string; set: AdvisorSettings; action: string },
): Promise<Result<AdvisorProfile, AdvisorError>> {
  return changeAdvisor(tx, params.advisorId, params.set, {
    action: params.action,
    actor: params.actor,
    requestId: params.requestId,
  });
}

async function changeAdvisor(
  tx: Tx,
  advisorId: string,
  set: Partial<typeof advisors.$inferInsert>,
  audit: AdvisorChange & { action: string; reason?: string },
): Promise<Result<AdvisorProfile, AdvisorError>> {
  const before = await getAdvisorProfile(tx, { advisorId, forUpdate: true });
  if (!before) return err({ code: "ADVISOR_NOT_FOUND", ref: advisorId });
  await tx.update(advisors).set(set).where(eq(advisors.userId, before.userId));
  const after = await getAdvisorProfile(tx, { advisorId: before.userId });
  if (!after) throw new Error(`advisor ${before.userId} vanished during update`);
  const diff = diffProfiles(before, after);
  if (Object.keys(diff.before).length > 0 || audit.reason) {
    await writeAudit(tx, {
      actor: audit.actor,
      action: audit.action,
      subjectType: "advisor",
      subjectId: before.userId,
      before: diff.before,
      after: audit.reason ? { ...diff.after, reason: audit.reason } : diff.after,
      requestId: audit.requestId ?? null,
    });
  }
  return ok(after);
}

/**
 * Suspends an advisor: status `suspended` with the reason and time. Discovery and booking
 * only offer `active` advisors, so a suspended one disappears from both. Suspending a
 * suspended advisor updates the reason. Audited (`advisor.suspended`).
 */
export async function suspendAdvisor(
  tx: Tx,
  params: AdvisorChange & { advisorId: string; reason: string; now: Date },
): Promise<Result<AdvisorProfile, AdvisorError>> {
  return changeAdvisor(
    tx,
    params.advisorId,
    { status: "suspended", suspendedReason: params.reason, suspendedAt: params.now },
    { action: "advisor.suspended", actor: params.actor, requestId: params.requestId },
  );
}

/**
 * Reinstates an advisor: status `active`, suspension reason and time cleared. The reason
 * for reinstating goes into the audit record (`advisor.reinstated`). Reinstating an
 * active advisor changes nothing but is still recorded, with its reason.
 */
export async function reinstateAdvisor(
  tx: Tx,
  params: AdvisorChange & { advisorId: string; reason: string },
): Promise<Result<AdvisorProfile, AdvisorError>> {
  return changeAdvisor(
    tx,
    params.advisorId,
    { status: "active", suspendedReason: null, suspendedAt: null },
    {
      action: "advisor.reinstated",
      actor: params.actor,
      requestId: params.requestId,
      reason: params.reason,
    },
  );
}

/** Clears the review flag once an admin has re-checked a sensitive change. Audited. */
export async function clearAdvisorReviewFlag(
  tx: Tx,
  params: AdvisorChange & { advisorId: string },
): Promise<Result<AdvisorProfile, AdvisorError>> {
  return changeAdvisor(
    tx,
    params.advisorId,
    { flaggedForReviewAt: null },
    { action: "advisor.review_flag_cleared", actor: params.actor, requestId: params.requestId },
  );
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
