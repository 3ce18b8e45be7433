import { and, eq } from "drizzle-orm";
import type { Executor } from "../client";
import { advisors, payoutAccounts } from "../schema";

// Same shape as `PayoutAccountRow` (payout-views); kept local so each module stands alone.
type PayoutAccountRow = typeof payoutAccounts.$inferSelect;

/**
 * A connected account as the payment provider reports it (structurally `ConnectAccount`
 * of @an/billing, which this package doesn't depend on).
 */
export type ProviderAccountState = {
  id: string;
  transfersCapability: "active" | "inactive" | "pending" | null;
  payoutsEnabled: boolean;
  detailsSubmitted: boolean;
  currentlyDue: string[];
  eventuallyDue: string[];
  pastDue: string[];
  disabledReason: string | null;
};

const stateColumns = (account: ProviderAccountState, now: Date) => ({
  transfersCapability: account.transfersCapability,
  payoutsEnabled: account.payoutsEnabled,
  detailsSubmitted: account.detailsSubmitted,
  currentlyDue: account.currentlyDue,
  eventuallyDue: account.eventuallyDue,
  pastDue: account.pastDue,
  disabledReason: account.disabledReason,
  syncedAt: now,
});

/** The advisor's connected account, or null before onboarding started. */
export async function getPayoutAccount(
  ex: Executor,
  params: { advisorId: string },
): Promise<PayoutAccountRow | null> {
  const [row] = await ex
    .select()
    .from(payoutAccounts)
    .where(eq(payoutAccounts.advisorId, params.advisorId));
  return row ?? null;
}

/**
 * Stores the advisor's newly created connected account. Two concurrent first clicks may
 * both reach here (the provider's idempotency key gave them the same account): the first
 * insert wins and both get the stored row.
 */
export async function insertPayoutAccount(
  tx: Executor,
  params: { advisorId: string; account: ProviderAccountState; now: Date },
): Promise<PayoutAccountRow> {
  await tx
    .insert(payoutAccounts)
    .values({
      advisorId: params.advisorId,
      providerAccountId: params.account.id,
      ...stateColumns(params.account, params.now),
    })
    .onConflictDoNothing();
  const row = await getPayoutAccount(tx, { advisorId: params.advisorId });
  if (!row) throw new Error(`payout account of ${params.advisorId} vanished after insert`);
  return row;
}

/**
 * Saves the provider's current state of a connected account, found by its provider id
 * (and, when given, only if it belongs to `advisorId`). Always the freshly fetched state,
 * so the last write is the newest truth whatever order the events came in. Returns the
 * row with the capability it had before, or null for an account we don't know.
 */
export async function savePayoutAccountState(
  tx: Executor,
  params: { advisorId?: string; account: ProviderAccountState; now: Date },
): Promise<(PayoutAccountRow & { previousTransfersCapability: string | null }) | null> {
  const where = and(
    eq(payoutAccounts.providerAccountId, params.account.id),
    params.advisorId ? eq(payoutAccounts.advisorId, params.advisorId) : undefined,
  );
  const [before] = await tx
    .select({ transfersCapability: payoutAccounts.transfersCapability })
    .from(payoutAccounts)
    .where(where)
    .for("update");
  if (!before) return null;
  const [row] = await tx
    .update(payoutAccounts)
    .set(stateColumns(params.account, params.now))
    .where(where)
    .returning();
  if (!row) return null;
  return { ...row, previousTransfersCapability: before.transfersCapability };
}

/**
 * Where an advisor's connected account is to be created: their country from the
 * application (null for advisors approved before it was asked). Undefined when the user has
 * no advisor profile.
 */
export async function getAdvisorCountry(
  ex: Executor,
  params: { advisorId: string },
): Promise<{ country: string | null } | undefined> {
  const [row] = await ex
    .select({ country: advisors.country })
    .from(advisors)
    .where(eq(advisors.userId, params.advisorId));
  return row;
}
