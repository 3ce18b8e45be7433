import { and, eq, sql } from "drizzle-orm";
import {
  type ApplicationAccessError,
  type ApplicationProfile,
  type ApplicationRateError,
  type ApplicationStatus,
  type CountryError,
  EDITABLE_APPLICATION_STATUSES,
  checkApplicationCountry,
  checkApplicationRate,
  decideApplicationAccess,
  err,
  missingProfileFields,
  ok,
  type PricingRules,
  type Result,
} from "@an/domain";
import type { Tx } from "../client";
import { enqueueJob } from "../jobs";
import {
  advisorApplicationRounds,
  advisorApplications,
  advisorLanguages,
  advisorSkills,
  advisors,
  users,
} from "../schema";
import { refreshAdvisorSearchText } from "../queries/advisor-search";
import { getPricingRulesInForce } from "../queries/money-rules";
import {
  type Application,
  applicationColumns,
  getApplication,
  resolveApplicationSkills,
} from "../queries/applications";
import { type Actor, writeAudit } from "../queries/audit";
import {
  getApplicationInvitationByToken,
  getPlatformRulesInForce,
} from "../queries/platform-rules";
import { consumeApplicationInvitation } from "./platform-rules";
import { grantRole } from "./roles";

/** Why an application operation was refused; the API maps each to its AppError. */
export type ApplicationError =
  | { code: "APPLICATION_EXISTS" }
  | { code: "APPLICATION_NOT_FOUND"; ref: string }
  | { code: "APPLICATION_NOT_EDITABLE"; status: ApplicationStatus }
  | { code: "APPLICATION_NOT_PENDING"; status: ApplicationStatus }
  /** An admin deciding on their own application. */
  | { code: "APPLICATION_OWN_DECISION" }
  | { code: "APPLICATION_INCOMPLETE"; fields: string[] }
  | { code: "UNKNOWN_SKILLS"; skills: string[] }
  | ApplicationRateError
  | CountryError
  | ApplicationAccessError;

export type SaveDraftParams = {
  userId: string;
  /** The open application to update; absent to start a new one. */
  id?: string;
  /** The whole form as it stands: it replaces the stored profile. */
  profile: ApplicationProfile;
  /** The pricing rules to check the rate against; the ones in force when absent. */
  rules?: PricingRules;
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
  const rules = params.rules ?? (await getPricingRulesInForce(tx)).pricing;
  const rate = checkApplicationRate(profile, rules);
  if (!rate.ok) return rate;
  const country = checkApplicationCountry(profile);
  if (!country.ok) return country;

  if (params.id === undefined) {
    // A closed platform takes no new applications; drafts are otherwise free to start (the
    // invitation an invite-only platform needs is asked for on submission).
    const onboarding = await getPlatformRulesInForce(tx, { kind: "advisor_onboarding" });
    if (onboarding.rules.mode === "closed") return err({ code: "APPLICATIONS_CLOSED" });
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
    return err({ code: "APPLICATION_NOT_FOUND", ref: params.id });
  }
  if (!isEditable(current.status)) {
    return err({ code: "APPLICATION_NOT_EDITABLE", status: current.status });
  }
  const [updated] = await tx
    .update(advisorApplications)
    .set({ profile })
    .where(eq(advisorApplications.id, current.id))
    .returning(applicationColumns);
  return updated ? ok(updated) : err({ code: "APPLICATION_NOT_FOUND", ref: params.id });
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
    /** The pricing rules to check the rate against; the ones in force when absent. */
    rules?: PricingRules;
    /** The application invitation's token, needed for a first submission while invite-only. */
    invitationToken?: string | null;
    now?: Date;
    actor: Actor;
    requestId?: string | null;
  },
): Promise<Result<Application, ApplicationError>> {
  const current = await getApplication(tx, { id: params.id, forUpdate: true });
  if (!current || current.userId !== params.userId) {
    return err({ code: "APPLICATION_NOT_FOUND", ref: params.id });
  }
  if (!isEditable(current.status)) {
    return err({ code: "APPLICATION_NOT_EDITABLE", status: current.status });
  }
  // Only a first submission is a new application: a resubmission after changes were
  // requested was let in already, whatever the mode is now.
  let invitationToConsume: string | null = null;
  if (current.round === 0) {
    const onboarding = await getPlatformRulesInForce(tx, { kind: "advisor_onboarding" });
    const token = params.invitationToken?.trim() || null;
    // Locked, so two applicants racing with one token can't both use it.
    const invitation =
      onboarding.rules.mode === "invite_only" && token
        ? await getApplicationInvitationByToken(tx, { token, forUpdate: true })
        : null;
    const [applicant] = await tx
      .select({ email: users.email })
      .from(users)
      .where(eq(users.id, current.userId));
    const access = decideApplicationAccess({
      mode: onboarding.rules.mode,
      tokenGiven: token !== null,
      invitation,
      applicantEmail: applicant?.email ?? null,
      now: params.now ?? new Date(),
    });
    if (!access.ok) return access;
    if (access.value.consumeInvitation && invitation) invitationToConsume = invitation.id;
  }
  const missing = missingProfileFields(current.profile);
  if (missing.length > 0) return err({ code: "APPLICATION_INCOMPLETE", fields: missing });
  const skillsResolved = await resolveApplicationSkills(tx, current.profile.skillIds ?? []);
  if (skillsResolved.unknown.length > 0) {
    return err({ code: "UNKNOWN_SKILLS", skills: skillsResolved.unknown });
  }
  const profile = { ...current.profile, skillIds: skillsResolved.resolved };
  const rules = params.rules ?? (await getPricingRulesInForce(tx)).pricing;
  const rate = checkApplicationRate(profile, rules);
  if (!rate.ok) return rate;
  const country = checkApplicationCountry(profile);
  if (!country.ok) return country;

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
  if (!submitted) return err({ code: "APPLICATION_NOT_FOUND", ref: params.id });
  await tx.insert(advisorApplicationRounds).values({
    applicationId: current.id,
    round,
    profile,
    submittedAt: sql`now()`,
  });
  if (invitationToConsume) {
    await consumeApplicationInvitation(tx, {
      id: invitationToConsume,
      userId: current.userId,
      now: params.now ?? new Date(),
    });
  }
  await writeAudit(tx, {
    actor: params.actor,
    action: "application.submitted",
    subjectType: "advisor_application",
    subjectId: current.id,
    before: { status: current.status, round: current.round },
    after: { status: "submitted", round, invitationId: invitationToConsume ?? undefined },
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
  if (!current) return err({ code: "APPLICATION_NOT_FOUND", ref: params.id });
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
  if (!decided) return err({ code: "APPLICATION_NOT_FOUND", ref: params.id });
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
 * The profile must be complete (it was checked at submission); one submitted before the
 * country was asked leaves the advisor's country empty (payouts then assume the
 * platform's).
 */
async function upsertAdvisorFromProfile(
  tx: Tx,
  params: { userId: string; profile: ApplicationProfile },
): Promise<void> {
  const p = params.profile;
  const missing = missingProfileFields(p, { for: "approval" });
  if (missing.length > 0) {
    throw new Error(`approved application lacks ${missing.join(", ")}: submission should check`);
  }
  const values = {
    displayName: p.displayName ?? "",
    headline: p.headline ?? "",
    bio: p.bio ?? "",
    avatarPath: p.avatarPath ?? null,
    timeZone: p.timeZone ?? "",
    country: p.country ?? null,
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
  // The zone the applicant gave is their own: the user row (notices, `auth.getMe`) follows it.
  if (values.timeZone !== "") {
    await tx.update(users).set({ timeZone: values.timeZone }).where(eq(users.id, params.userId));
  }
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
