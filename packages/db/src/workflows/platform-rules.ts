import { randomBytes } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import {
  type ApplicationInvitationExpiryError,
  applicationInvitationExpiry,
  applicationInvitationStatus,
  type ApplicationInvitationStatus,
  err,
  type Locale,
  ok,
  type PlatformRuleKind,
  type PlatformRulesError,
  type Result,
  validatePlatformRules,
} from "@an/domain";
import type { Tx } from "../client";
import { enqueueJob } from "../jobs";
import { type Actor, writeAudit } from "../queries/audit";
import {
  type ApplicationInvitation,
  applicationInvitationColumns,
  getApplicationInvitation,
  getPlatformRulesInForce,
  hashApplicationInvitationToken,
  type PlatformRulesVersion,
} from "../queries/platform-rules";
import { applicationInvitations, platformRuleVersions } from "../schema";

/**
 * Saves a new version of `kind`'s rules, in force from now: validated by the domain,
 * numbered one past the newest, with who and why, audited (`platform_rules.changed`, the
 * subject is the kind). A transaction-scoped advisory lock per kind queues two admins
 * saving at once, so each gets its own number; the unique (kind, version) index backs it.
 */
export async function setPlatformRules<K extends PlatformRuleKind>(
  tx: Tx,
  params: {
    kind: K;
    rules: unknown;
    reason: string;
    actor: Actor & { kind: "user" };
    requestId?: string | null;
  },
): Promise<Result<PlatformRulesVersion<K>, PlatformRulesError>> {
  const valid = validatePlatformRules(params.kind, params.rules);
  if (!valid.ok) return valid;
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtext(${`an:platform-rules:${params.kind}`}))`,
  );
  const before = await getPlatformRulesInForce(tx, { kind: params.kind });
  const version = before.version + 1;
  const [row] = await tx
    .insert(platformRuleVersions)
    .values({
      kind: params.kind,
      version,
      rules: valid.value,
      createdBy: params.actor.userId,
      reason: params.reason,
    })
    .returning({ createdAt: platformRuleVersions.createdAt });
  await writeAudit(tx, {
    actor: params.actor,
    action: "platform_rules.changed",
    subjectType: "platform_rules",
    subjectId: params.kind,
    before: { version: before.version, rules: before.rules },
    after: { version, rules: valid.value, reason: params.reason },
    requestId: params.requestId ?? null,
  });
  return ok({
    kind: params.kind,
    version,
    rules: valid.value,
    createdBy: params.actor.userId,
    reason: params.reason,
    createdAt: row!.createdAt,
  });
}

/**
 * Issues a single-use invitation to apply as an advisor, for `email`, expiring at
 * `expiresAt` (1 hour to 90 days ahead; 14 days by default). The token is returned once
 * and only its hash stored; the invitee is mailed it through the notifications outbox in
 * `locale` (theirs is unknown: the issuing admin's). Audited without the token.
 */
export async function issueApplicationInvitation(
  tx: Tx,
  params: {
    email: string;
    expiresAt?: Date | null;
    locale: Locale;
    now: Date;
    actor: Actor & { kind: "user" };
    requestId?: string | null;
  },
): Promise<
  Result<{ invitation: ApplicationInvitation; token: string }, ApplicationInvitationExpiryError>
> {
  const expiry = applicationInvitationExpiry({ requested: params.expiresAt, now: params.now });
  if (!expiry.ok) return expiry;
  const token = randomBytes(24).toString("base64url");
  const email = params.email.trim();
  const [invitation] = await tx
    .insert(applicationInvitations)
    .values({
      email,
      tokenHash: hashApplicationInvitationToken(token),
      expiresAt: expiry.value,
      createdBy: params.actor.userId,
    })
    .returning(applicationInvitationColumns);
  await writeAudit(tx, {
    actor: params.actor,
    action: "application_invitation.issued",
    subjectType: "application_invitation",
    subjectId: invitation!.id,
    after: { email, expiresAt: expiry.value.toISOString() },
    requestId: params.requestId ?? null,
  });
  await enqueueJob(tx, "send_notification", {
    toEmail: email,
    locale: params.locale,
    template: "application_invitation",
    params: { token, expiresAt: expiry.value.toISOString() },
    dedupeKey: `application_invitation:${invitation!.id}`,
  });
  return ok({ invitation: invitation!, token });
}

export type ApplicationInvitationRevokeError =
  | { code: "APPLICATION_INVITATION_NOT_FOUND"; ref: string }
  | { code: "APPLICATION_INVITATION_NOT_REVOCABLE"; status: ApplicationInvitationStatus };

/** Revokes a pending application invitation (audited); a used, expired or revoked one can't be. */
export async function revokeApplicationInvitation(
  tx: Tx,
  params: { id: string; now: Date; actor: Actor & { kind: "user" }; requestId?: string | null },
): Promise<Result<ApplicationInvitation, ApplicationInvitationRevokeError>> {
  const current = await getApplicationInvitation(tx, { id: params.id, forUpdate: true });
  if (!current) return err({ code: "APPLICATION_INVITATION_NOT_FOUND", ref: params.id });
  const status = applicationInvitationStatus(current, params.now);
  if (status !== "pending") return err({ code: "APPLICATION_INVITATION_NOT_REVOCABLE", status });
  const [revoked] = await tx
    .update(applicationInvitations)
    .set({ revokedAt: params.now, revokedBy: params.actor.userId })
    .where(and(eq(applicationInvitations.id, current.id), isNull(applicationInvitations.usedAt)))
    .returning(applicationInvitationColumns);
  await writeAudit(tx, {
    actor: params.actor,
    action: "application_invitation.revoked",
    subjectType: "application_invitation",
    subjectId: current.id,
    before: { status },
    after: { status: "revoked" },
    requestId: params.requestId ?? null,
  });
  return ok(revoked!);
}

/** Marks an invitation used by `userId`, in the submitting transaction (it was locked). */
export async function consumeApplicationInvitation(
  tx: Tx,
  params: { id: string; userId: string; now: Date },
): Promise<void> {
  await tx
    .update(applicationInvitations)
    .set({ usedAt: params.now, usedByUserId: params.userId })
    .where(eq(applicationInvitations.id, params.id));
}
