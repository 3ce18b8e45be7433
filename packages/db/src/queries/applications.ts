import { and, asc, eq, inArray, sql } from "drizzle-orm";
import {
  type ApplicationStatus,
  EDITABLE_APPLICATION_STATUSES,
  err,
  isCurrencyCode,
  type Money,
  ok,
  type PricingRules,
  type Result,
  validateHourlyRate,
} from "@an/domain";
import type { Executor, Tx } from "../client";
import { enqueueJob } from "../jobs";
import {
  advisorApplicationRounds,
  advisorApplications,
  advisorLanguages,
  advisorSkills,
  advisors,
  skills,
  users,
} from "../schema";
import { refreshAdvisorSearchText } from "./advisor-search";
import { type Actor, writeAudit } from "./audit";
import { grantRole } from "./roles";
import { resolveSkills } from "./skills";

/**
 * What an applicant applies with, as stored in `advisor_applications.profile` (and snapshotted
 * per round). Drafts may leave anything out; a submitted profile has every field in
 * {@link REQUIRED_PROFILE_FIELDS}. The API validates shapes (https links, IANA time zone,
 * BCP-47 languages); `skillIds` are stored resolved to unmerged skills. `hourlyRate` is in
 * minor units of `currency`.
 */
export type ApplicationProfile = {
  displayName?: string;
  headline?: string;
  bio?: string;
  avatarPath?: string | null;
  skillIds?: string[];
  languages?: string[];
  timeZone?: string;
  yearsExperience?: number;
  portfolioUrl?: string | null;
  linkedinUrl?: string | null;
  githubUrl?: string | null;
  hourlyRate?: number;
  currency?: string;
  calcomEventType?: string | null;
};

/** Fields a profile must have to be submitted. Links, avatar and Cal.com event are optional. */
export const REQUIRED_PROFILE_FIELDS = [
  "displayName",
  "headline",
  "bio",
  "skillIds",
  "languages",
  "timeZone",
  "yearsExperience",
  "hourlyRate",
  "currency",
] as const satisfies readonly (keyof ApplicationProfile)[];

/** Required fields the profile lacks (absent, blank or an empty list), in form order. */
export function missingProfileFields(profile: ApplicationProfile): string[] {
  return REQUIRED_PROFILE_FIELDS.filter((field) => {
    const value = profile[field];
    if (value === undefined || value === null) return true;
    if (typeof value === "string") return value.trim() === "";
    if (Array.isArray(value)) return value.length === 0;
    return false;
  });
}

/** Why an application operation was refused; the API maps each to its AppError. */
export type ApplicationError =
  | { code: "APPLICATION_EXISTS" }
  | { code: "APPLICATION_NOT_FOUND"; id: string }
  | { code: "APPLICATION_NOT_EDITABLE"; status: ApplicationStatus }
  | { code: "APPLICATION_NOT_PENDING"; status: ApplicationStatus }
  /** An admin deciding on their own application. */
  | { code: "APPLICATION_OWN_DECISION" }
  | { code: "APPLICATION_INCOMPLETE"; fields: string[] }
  | { code: "UNKNOWN_SKILLS"; skills: string[] }
  | { code: "RATE_OUT_OF_LIMITS"; minimum: Money; maximum: Money }
  | { code: "CURRENCY_NOT_OFFERED"; currency: string };

/**
 * Checks the rate against the platform's limits once both rate and currency are given (a
 * draft may have neither yet).
 */
export function checkApplicationRate(
  profile: ApplicationProfile,
  rules: PricingRules,
): Result<null, ApplicationError> {
  const { hourlyRate, currency } = profile;
  if (hourlyRate === undefined || currency === undefined) return ok(null);
  if (!isCurrencyCode(currency)) return err({ code: "CURRENCY_NOT_OFFERED", currency });
  const checked = validateHourlyRate({ amount: hourlyRate, currency }, rules);
  if (checked.ok) return ok(null);
  const e = checked.error;
  if (e.code === "RATE_BELOW_MINIMUM" || e.code === "RATE_ABOVE_MAXIMUM") {
    return err({ code: "RATE_OUT_OF_LIMITS", minimum: e.minimum, maximum: e.maximum });
  }
  // Money errors (a fractional amount) can't reach here past the API's integer check; a
  // currency the rules don't list is the only other outcome.
  return err({ code: "CURRENCY_NOT_OFFERED", currency });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Resolves an application's skill ids to active skills (a merged skill counts as its
 * survivor), without duplicates, in input order; anything that is no skill id is unknown.
 */
async function resolveApplicationSkills(
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

const applicationColumns = {
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

export type SaveDraftParams = {
  userId: string;
  /** The open application to update; absent to start a new one. */
  id?: string;
  /** The whole form as it stands: it replaces the stored profile. */
  profile: ApplicationProfile;
  rules: PricingRules;
  actor: Actor;
  requestId?: string | null;
};

/**
 * Starts an application or saves the applicant's edits to their open draft (or one sent back
 * for changes). Skills resolve to unmerged ones and the rate is checked as soon as given.
 * A second open application is APPLICATION_EXISTS: the insert defers to the partial unique
 * index, so two concurrent first saves can't both win and neither is a 500.
 */
export async function saveApplicationDraft(
  tx: Tx,
  params: SaveDraftParams,
): Promise<Result<Application, ApplicationError>> {
  const profile = { ...params.profile };
  if (profile.skillIds) {
    const skillsResolved = await resolveApplicationSkills(tx, profile.skillIds);
    if (skillsResolved.unknown.length > 0) {
      return err({ code: "UNKNOWN_SKILLS", skills: skillsResolved.unknown });
    }
    profile.skillIds = skillsResolved.resolved;
  }
  const rate = checkApplicationRate(profile, params.rules);
  if (!rate.ok) return rate;

  if (params.id === undefined) {
    const [created] = await tx
      .insert(advisorApplications)
      .values({ userId: params.userId, profile })
      .onConflictDoNothing({
        target: advisorApplications.userId,
        where: sql`status in ('draft', 'submitted', 'changes_requested')`,
      })
      .returning(applicationColumns);
    if (!created) return err({ code: "APPLICATION_EXISTS" });
    await writeAudit(tx, {
      actor: params.actor,
      action: "application.created",
      subjectType: "advisor_application",
      subjectId: created.id,
      after: { userId: params.userId },
      requestId: params.requestId ?? null,
    });
    return ok(created);
  }

  const current = await getApplication(tx, { id: params.id, forUpdate: true });
  if (!current || current.userId !== params.userId) {
    return err({ code: "APPLICATION_NOT_FOUND", id: params.id });
  }
  if (!isEditable(current.status)) {
    return err({ code: "APPLICATION_NOT_EDITABLE", status: current.status });
  }
  const [updated] = await tx
    .update(advisorApplications)
    .set({ profile })
    .where(eq(advisorApplications.id, current.id))
    .returning(applicationColumns);
  return updated ? ok(updated) : err({ code: "APPLICATION_NOT_FOUND", id: params.id });
}

function isEditable(status: ApplicationStatus): boolean {
  return (EDITABLE_APPLICATION_STATUSES as readonly ApplicationStatus[]).includes(status);
}

/**
 * Submits the applicant's draft (or resubmits after changes were requested): checks it is
 * complete, re-resolves skills and re-checks the rate against today's rules, opens a new
 * round with a snapshot of the profile, audits, and enqueues the applicant's confirmation —
 * all in the caller's transaction.
 */
export async function submitApplication(
  tx: Tx,
  params: {
    id: string;
    userId: string;
    rules: PricingRules;
    actor: Actor;
    requestId?: string | null;
  },
): Promise<Result<Application, ApplicationError>> {
  const current = await getApplication(tx, { id: params.id, forUpdate: true });
  if (!current || current.userId !== params.userId) {
    return err({ code: "APPLICATION_NOT_FOUND", id: params.id });
  }
  if (!isEditable(current.status)) {
    return err({ code: "APPLICATION_NOT_EDITABLE", status: current.status });
  }
  const missing = missingProfileFields(current.profile);
  if (missing.length > 0) return err({ code: "APPLICATION_INCOMPLETE", fields: missing });
  const skillsResolved = await resolveApplicationSkills(tx, current.profile.skillIds ?? []);
  if (skillsResolved.unknown.length > 0) {
    return err({ code: "UNKNOWN_SKILLS", skills: skillsResolved.unknown });
  }
  const profile = { ...current.profile, skillIds: skillsResolved.resolved };
  const rate = checkApplicationRate(profile, params.rules);
  if (!rate.ok) return rate;

  const round = current.round + 1;
  const [submitted] = await tx
    .update(advisorApplications)
    .set({
      status: "submitted",
      profile,
      round,
      submittedAt: sql`now()`,
      decidedAt: null,
      decidedBy: null,
      decisionReason: null,
    })
    .where(eq(advisorApplications.id, current.id))
    .returning(applicationColumns);
  if (!submitted) return err({ code: "APPLICATION_NOT_FOUND", id: params.id });
  await tx.insert(advisorApplicationRounds).values({
    applicationId: current.id,
    round,
    profile,
    submittedAt: sql`now()`,
  });
  await writeAudit(tx, {
    actor: params.actor,
    action: "application.submitted",
    subjectType: "advisor_application",
    subjectId: current.id,
    before: { status: current.status, round: current.round },
    after: { status: "submitted", round },
    requestId: params.requestId ?? null,
  });
  await enqueueJob(tx, "send_notification", {
    userId: current.userId,
    template: "application_submitted",
    params: {},
    dedupeKey: `application_submitted:${current.id}:${round}`,
  });
  return ok(submitted);
}

export type ApplicationDecision =
  | { decision: "approved" }
  | { decision: "rejected"; reason: string }
  | { decision: "changes_requested"; notes: string };

/**
 * An admin's decision on a submitted application, in the caller's transaction: records it
 * on the application and its current round, audits it and enqueues the applicant's
 * notification (rendered later in their locale). Approval also grants the advisor role and
 * writes the `advisors` row, its skills and languages from the profile, and refreshes the
 * search text; the role grant itself sends no separate message, the approval says it.
 * Anything but a submitted application is APPLICATION_NOT_PENDING; nobody decides on their
 * own application.
 */
export async function decideApplication(
  tx: Tx,
  params: {
    id: string;
    outcome: ApplicationDecision;
    actor: Actor & { kind: "user" };
    requestId?: string | null;
  },
): Promise<Result<Application, ApplicationError>> {
  const current = await getApplication(tx, { id: params.id, forUpdate: true });
  if (!current) return err({ code: "APPLICATION_NOT_FOUND", id: params.id });
  if (current.userId === params.actor.userId) return err({ code: "APPLICATION_OWN_DECISION" });
  if (current.status !== "submitted") {
    return err({ code: "APPLICATION_NOT_PENDING", status: current.status });
  }
  const { outcome } = params;
  const note =
    outcome.decision === "rejected"
      ? outcome.reason
      : outcome.decision === "changes_requested"
        ? outcome.notes
        : null;

  if (outcome.decision === "approved") {
    // Skills may have been merged since submission; the advisor gets the survivors.
    const skillsResolved = await resolveApplicationSkills(tx, current.profile.skillIds ?? []);
    if (skillsResolved.unknown.length > 0) {
      return err({ code: "UNKNOWN_SKILLS", skills: skillsResolved.unknown });
    }
    await grantRole(tx, {
      userId: current.userId,
      role: "advisor",
      actor: params.actor,
      requestId: params.requestId,
      notify: false,
    });
    await upsertAdvisorFromProfile(tx, {
      userId: current.userId,
      profile: { ...current.profile, skillIds: skillsResolved.resolved },
    });
  }

  const deciderId = params.actor.userId;
  const [decided] = await tx
    .update(advisorApplications)
    .set({
      status: outcome.decision,
      decidedAt: sql`now()`,
      decidedBy: deciderId,
      decisionReason: note,
    })
    .where(eq(advisorApplications.id, current.id))
    .returning(applicationColumns);
  if (!decided) return err({ code: "APPLICATION_NOT_FOUND", id: params.id });
  await tx
    .update(advisorApplicationRounds)
    .set({ decision: outcome.decision, notes: note, decidedBy: deciderId, decidedAt: sql`now()` })
    .where(
      and(
        eq(advisorApplicationRounds.applicationId, current.id),
        eq(advisorApplicationRounds.round, current.round),
      ),
    );
  await writeAudit(tx, {
    actor: params.actor,
    action: `application.${outcome.decision}`,
    subjectType: "advisor_application",
    subjectId: current.id,
    before: { status: current.status, round: current.round },
    after: { status: outcome.decision, round: current.round, note },
    requestId: params.requestId ?? null,
  });
  const dedupeKey = `application_${outcome.decision}:${current.id}:${current.round}`;
  await enqueueJob(
    tx,
    "send_notification",
    outcome.decision === "approved"
      ? { userId: current.userId, template: "application_approved", params: {}, dedupeKey }
      : outcome.decision === "rejected"
        ? {
            userId: current.userId,
            template: "application_rejected",
            params: { reason: outcome.reason },
            dedupeKey,
          }
        : {
            userId: current.userId,
            template: "application_changes_requested",
            params: { notes: outcome.notes },
            dedupeKey,
          },
  );
  return ok(decided);
}

/**
 * Writes an approved profile to the advisor's public row, replacing their skills and
 * languages, and rebuilds the search text. An existing advisor (a re-application) keeps
 * status, bookings switch, payout and ratings; the fresh vetting clears any review flag.
 *
 * After approval the application is closed for good: an advisor who later changes a
 * sensitive field (name, links; `SENSITIVE_PROFILE_FIELDS`) does it through the portal
 * (`updateAdvisorProfile`), where the change goes live at once but sets
 * `flagged_for_review_at` and is audited, so an admin re-checks it; no new application.
 * The profile must be complete (it was checked at submission).
 */
async function upsertAdvisorFromProfile(
  tx: Tx,
  params: { userId: string; profile: ApplicationProfile },
): Promise<void> {
  const p = params.profile;
  const missing = missingProfileFields(p);
  if (missing.length > 0) {
    throw new Error(`approved application lacks ${missing.join(", ")}: submission should check`);
  }
  const values = {
    displayName: p.displayName ?? "",
    headline: p.headline ?? "",
    bio: p.bio ?? "",
    avatarPath: p.avatarPath ?? null,
    timeZone: p.timeZone ?? "",
    yearsExperience: p.yearsExperience ?? 0,
    portfolioUrl: p.portfolioUrl ?? null,
    linkedinUrl: p.linkedinUrl ?? null,
    githubUrl: p.githubUrl ?? null,
    hourlyRate: p.hourlyRate ?? 0,
    currency: p.currency ?? "",
    calcomEventType: p.calcomEventType ?? null,
  };
  await tx
    .insert(advisors)
    .values({ userId: params.userId, ...values })
    .onConflictDoUpdate({
      target: advisors.userId,
      set: { ...values, flaggedForReviewAt: null },
    });
  await tx.delete(advisorSkills).where(eq(advisorSkills.advisorId, params.userId));
  const skillIds = p.skillIds ?? [];
  if (skillIds.length > 0) {
    await tx
      .insert(advisorSkills)
      .values(skillIds.map((skillId) => ({ advisorId: params.userId, skillId })));
  }
  await tx.delete(advisorLanguages).where(eq(advisorLanguages.advisorId, params.userId));
  const languages = [...new Set(p.languages ?? [])];
  if (languages.length > 0) {
    await tx
      .insert(advisorLanguages)
      .values(languages.map((language) => ({ advisorId: params.userId, language })));
  }
  await refreshAdvisorSearchText(tx, { advisorId: params.userId });
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
