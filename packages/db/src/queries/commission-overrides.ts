import { and, desc, eq, gt, isNull, or } from "drizzle-orm";
import { type CommissionRuleSet, validateCommissionRuleSet } from "@an/domain";
import type { Executor } from "../client";
import { advisorCommissionOverrides } from "../schema";

/** An advisor's commission override as stored, with who set it, why, and how it ends. */
export type CommissionOverride = {
  id: string;
  advisorId: string;
  terms: CommissionRuleSet;
  reason: string;
  endsAt: Date | null;
  createdBy: string | null;
  createdAt: Date;
  endedAt: Date | null;
  endedBy: string | null;
};

export const commissionOverrideColumns = {
  id: advisorCommissionOverrides.id,
  advisorId: advisorCommissionOverrides.advisorId,
  terms: advisorCommissionOverrides.terms,
  reason: advisorCommissionOverrides.reason,
  endsAt: advisorCommissionOverrides.endsAt,
  createdBy: advisorCommissionOverrides.createdBy,
  createdAt: advisorCommissionOverrides.createdAt,
  endedAt: advisorCommissionOverrides.endedAt,
  endedBy: advisorCommissionOverrides.endedBy,
};

function parsed(row: CommissionOverride): CommissionOverride {
  const terms = validateCommissionRuleSet(row.terms);
  // Only the workflow writes rows and it validates first: a bad row is a bug, not an input.
  if (!terms.ok) {
    throw new Error(
      `stored commission override ${row.id} is invalid (${terms.error.field}: ${terms.error.reason})`,
    );
  }
  return { ...row, terms: terms.value };
}

/** Whether an override applies at `now`: not ended by an admin, and its end date not reached. */
export function isOverrideLive(o: Pick<CommissionOverride, "endedAt" | "endsAt">, now: Date) {
  return o.endedAt === null && (o.endsAt === null || o.endsAt.getTime() > now.getTime());
}

/**
 * The override that prices an advisor's new quotes at `now`, or null: the one not ended
 * (at most one per advisor) whose end date, if any, is still ahead.
 */
export async function getLiveCommissionOverride(
  ex: Executor,
  params: { advisorId: string; now: Date },
): Promise<CommissionOverride | null> {
  const [row] = await ex
    .select(commissionOverrideColumns)
    .from(advisorCommissionOverrides)
    .where(
      and(
        eq(advisorCommissionOverrides.advisorId, params.advisorId),
        isNull(advisorCommissionOverrides.endedAt),
        or(
          isNull(advisorCommissionOverrides.endsAt),
          gt(advisorCommissionOverrides.endsAt, params.now),
        ),
      ),
    )
    .limit(1);
  return row ? parsed(row) : null;
}

/**
 * The advisor's override not yet ended by an admin (its end date may have passed), locked
 * for the caller's transaction: the one a new override replaces.
 */
export async function lockOpenCommissionOverride(
  ex: Executor,
  params: { advisorId: string },
): Promise<CommissionOverride | null> {
  const [row] = await ex
    .select(commissionOverrideColumns)
    .from(advisorCommissionOverrides)
    .where(
      and(
        eq(advisorCommissionOverrides.advisorId, params.advisorId),
        isNull(advisorCommissionOverrides.endedAt),
      ),
    )
    .for("update");
  return row ? parsed(row) : null;
}

export async function getCommissionOverride(
  ex: Executor,
  params: { id: string; forUpdate?: boolean },
): Promise<CommissionOverride | null> {
  const query = ex
    .select(commissionOverrideColumns)
    .from(advisorCommissionOverrides)
    .where(eq(advisorCommissionOverrides.id, params.id))
    .limit(1);
  const [row] = params.forUpdate ? await query.for("update") : await query;
  return row ? parsed(row) : null;
}

/** Overrides, live and past, newest first; one advisor's when `advisorId` is given. */
export async function listCommissionOverrides(
  ex: Executor,
  params: { advisorId?: string | null; limit?: number },
): Promise<CommissionOverride[]> {
  const rows = await ex
    .select(commissionOverrideColumns)
    .from(advisorCommissionOverrides)
    .where(
      params.advisorId ? eq(advisorCommissionOverrides.advisorId, params.advisorId) : undefined,
    )
    .orderBy(desc(advisorCommissionOverrides.createdAt), desc(advisorCommissionOverrides.id))
    .limit(params.limit ?? 200);
  return rows.map(parsed);
}
