import { eq } from "drizzle-orm";
import {
  err,
  ok,
  type PlatformRulesError,
  type Result,
  validateCommissionRuleSet,
} from "@an/domain";
import type { Tx } from "../client";
import { advisorExists } from "../queries/advisors";
import { type Actor, writeAudit } from "../queries/audit";
import {
  type CommissionOverride,
  commissionOverrideColumns,
  getCommissionOverride,
  isOverrideLive,
  lockOpenCommissionOverride,
} from "../queries/commission-overrides";
import { advisorCommissionOverrides } from "../schema";

export type CommissionOverrideError =
  | PlatformRulesError
  | { code: "ADVISOR_NOT_FOUND"; ref: string }
  | { code: "COMMISSION_OVERRIDE_NOT_FOUND"; ref: string }
  | { code: "COMMISSION_OVERRIDE_ENDS_IN_PAST" }
  | { code: "COMMISSION_OVERRIDE_ALREADY_ENDED"; ref: string };

/**
 * Gives an advisor their own commission from now (a launch partner at 10 %, a negotiated
 * cap), replacing the platform's on their new quotes until `endsAt` (if any) or until an
 * admin ends it. The terms are checked like the platform's; an override already open is
 * ended first (one per advisor). Quotes already made keep the terms they froze. Audited
 * `commission_override.set` (the subject is the advisor). Refusals write nothing.
 */
export async function setCommissionOverride(
  tx: Tx,
  params: {
    advisorId: string;
    terms: unknown;
    reason: string;
    endsAt?: Date | null;
    now: Date;
    actor: Actor & { kind: "user" };
    requestId?: string | null;
  },
): Promise<Result<CommissionOverride, CommissionOverrideError>> {
  if (!(await advisorExists(tx, { userId: params.advisorId }))) {
    return err({ code: "ADVISOR_NOT_FOUND", ref: params.advisorId });
  }
  const terms = validateCommissionRuleSet(params.terms);
  if (!terms.ok) return terms;
  const endsAt = params.endsAt ?? null;
  if (endsAt && endsAt.getTime() <= params.now.getTime()) {
    return err({ code: "COMMISSION_OVERRIDE_ENDS_IN_PAST" });
  }
  const previous = await lockOpenCommissionOverride(tx, { advisorId: params.advisorId });
  if (previous) {
    await tx
      .update(advisorCommissionOverrides)
      .set({ endedAt: params.now, endedBy: params.actor.userId })
      .where(eq(advisorCommissionOverrides.id, previous.id));
  }
  const [created] = await tx
    .insert(advisorCommissionOverrides)
    .values({
      advisorId: params.advisorId,
      terms: terms.value,
      reason: params.reason,
      endsAt,
      createdBy: params.actor.userId,
      createdAt: params.now,
    })
    .returning(commissionOverrideColumns);
  await writeAudit(tx, {
    actor: params.actor,
    action: "commission_override.set",
    subjectType: "advisor",
    subjectId: params.advisorId,
    before: previous
      ? { id: previous.id, terms: previous.terms, live: isOverrideLive(previous, params.now) }
      : null,
    after: {
      id: created!.id,
      terms: terms.value,
      reason: params.reason,
      endsAt: endsAt?.toISOString() ?? null,
    },
    requestId: params.requestId ?? null,
  });
  return ok(created!);
}

/**
 * Ends an override now, with a reason (audited `commission_override.ended`): the advisor's
 * new quotes go back to the platform's commission. One already ended can't be ended again.
 */
export async function endCommissionOverride(
  tx: Tx,
  params: {
    id: string;
    reason: string;
    now: Date;
    actor: Actor & { kind: "user" };
    requestId?: string | null;
  },
): Promise<Result<CommissionOverride, CommissionOverrideError>> {
  const current = await getCommissionOverride(tx, { id: params.id, forUpdate: true });
  if (!current) return err({ code: "COMMISSION_OVERRIDE_NOT_FOUND", ref: params.id });
  if (current.endedAt) return err({ code: "COMMISSION_OVERRIDE_ALREADY_ENDED", ref: params.id });
  const [ended] = await tx
    .update(advisorCommissionOverrides)
    .set({ endedAt: params.now, endedBy: params.actor.userId })
    .where(eq(advisorCommissionOverrides.id, current.id))
    .returning(commissionOverrideColumns);
  await writeAudit(tx, {
    actor: params.actor,
    action: "commission_override.ended",
    subjectType: "advisor",
    subjectId: current.advisorId,
    before: { id: current.id, live: isOverrideLive(current, params.now) },
    after: { id: current.id, reason: params.reason },
    requestId: params.requestId ?? null,
  });
  return ok({ ...ended!, terms: current.terms });
}
