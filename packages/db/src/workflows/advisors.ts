import { eq } from "drizzle-orm";
import { err, ok, type Result } from "@an/domain";
import type { Tx } from "../client";
import { advisorLanguages, advisors, advisorSkills, users } from "../schema";
import { refreshAdvisorSearchText } from "../queries/advisor-search";
import { type AdvisorProfile, getAdvisorProfile } from "../queries/advisors";
import { type Actor, writeAudit } from "../queries/audit";
import { activeConversationIdsOf } from "../queries/invitations";
import { notifyChat } from "../queries/messages";
import { resolveSkills } from "../queries/skills";
import { rescheduleNextPayout } from "./payout-schedule";

/** Why an advisor command was refused. */
export type AdvisorError =
  { code: "ADVISOR_NOT_FOUND"; ref: string } | { code: "UNKNOWN_SKILLS"; skills: string[] };

type AdvisorChange = { actor: Actor; requestId?: string | null };

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
  // One zone per person: the user's own (notices, `auth.getMe`) follows the profile's.
  if (changedFields.timeZone !== undefined) {
    await tx
      .update(users)
      .set({ timeZone: changedFields.timeZone })
      .where(eq(users.id, before.userId));
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
  /** A day of async advice, minor units of `currency`; null = not offered. Validate first. */
  asyncDayRate?: number | null;
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
  // An advisor prices in one currency: a pass day rate kept across a currency change would
  // be read in the new currency's minor units (4,000 cents becoming 4,000 yen). It is
  // cleared, and the advisor sets it again in the new currency.
  if (
    set.currency !== undefined &&
    set.currency !== before.currency &&
    !("asyncDayRate" in set) &&
    before.asyncDayRate !== null
  ) {
    set = { ...set, asyncDayRate: null };
  }
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
 * only offer `active` advisors, so a suspended one disappears from both. Chat access is
 * decided from the advisor's status on every read, so the suspension ends it; the
 * conversations they are a member of are told, so their live streams re-check it within
 * seconds. Suspending a suspended advisor updates the reason. Audited (`advisor.suspended`).
 */
export async function suspendAdvisor(
  tx: Tx,
  params: AdvisorChange & { advisorId: string; reason: string; now: Date },
): Promise<Result<AdvisorProfile, AdvisorError>> {
  const outcome = await changeAdvisor(
    tx,
    params.advisorId,
    { status: "suspended", suspendedReason: params.reason, suspendedAt: params.now },
    { action: "advisor.suspended", actor: params.actor, requestId: params.requestId },
  );
  if (outcome.ok) await announceAccessChange(tx, outcome.value.userId);
  return outcome;
}

/** Tells the live streams of every conversation the advisor is in to re-check access. */
async function announceAccessChange(tx: Tx, userId: string): Promise<void> {
  for (const conversationId of await activeConversationIdsOf(tx, { userId })) {
    await notifyChat(tx, { kind: "access", conversationId, userId });
  }
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
  const outcome = await changeAdvisor(
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
  if (outcome.ok) await announceAccessChange(tx, outcome.value.userId);
  return outcome;
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
