import { and, asc, desc, eq, gt, gte, inArray, lt, or, type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import {
  PAYOUT_ITEM_STATUSES,
  type PayoutItemActions,
  type PayoutBatchKind,
  type PayoutItemStatus,
  type TransferReversalStatus,
} from "@an/domain";
import type { Executor } from "../client";
import {
  advisors,
  payoutAccounts,
  payoutBatches,
  payoutItems,
  transferReversals,
  users,
} from "../schema";
import { itemActions } from "./payout-items";
import { nextRunFor } from "./payout-schedules";

/** A keyset position: the row's sort time and its id (the tie-break). */
export type PayoutCursor = { createdAt: Date; id: string };

/** Rows strictly after `cursor` in (time, id) order, descending or ascending. */
function after(
  time: AnyPgColumn,
  id: AnyPgColumn,
  cursor: PayoutCursor | null | undefined,
  direction: "desc" | "asc",
): SQL | undefined {
  if (!cursor) return undefined;
  const beyond = direction === "desc" ? lt : gt;
  return or(beyond(time, cursor.createdAt), and(eq(time, cursor.createdAt), beyond(id, cursor.id)));
}

/** The first `limit` rows and the cursor of the last one when there are more (`rows` has limit + 1). */
function page<T>(
  rows: T[],
  limit: number,
  key: (row: T) => PayoutCursor,
): { items: T[]; nextCursor: PayoutCursor | null } {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? key(last) : null };
}

const batchColumns = {
  id: payoutBatches.id,
  advisorId: payoutBatches.advisorId,
  kind: payoutBatches.kind,
  scheduledFor: payoutBatches.scheduledFor,
  currency: payoutBatches.currency,
  grossAmount: payoutBatches.grossAmount,
  nettedAmount: payoutBatches.nettedAmount,
  totalAmount: payoutBatches.totalAmount,
  itemCount: payoutBatches.itemCount,
  requestedBy: payoutBatches.requestedBy,
  createdAt: payoutBatches.createdAt,
  settledAt: payoutBatches.settledAt,
};

/** Item counts per status (every status present, zeros included) and the amount sent. */
export type BatchProgress = {
  itemsByStatus: Record<PayoutItemStatus, number>;
  /** Minor units actually transferred so far (items `sent`). */
  sentAmount: number;
};

const noItems = (): Record<PayoutItemStatus, number> =>
  Object.fromEntries(PAYOUT_ITEM_STATUSES.map((s) => [s, 0])) as Record<PayoutItemStatus, number>;

/** Progress of each batch, by batch id, in one grouped query. */
async function batchProgress(
  ex: Executor,
  batchIds: string[],
): Promise<Map<string, BatchProgress>> {
  const progress = new Map<string, BatchProgress>(
    batchIds.map((id) => [id, { itemsByStatus: noItems(), sentAmount: 0 }]),
  );
  if (batchIds.length === 0) return progress;
  const rows = await ex
    .select({
      batchId: payoutItems.batchId,
      status: payoutItems.status,
      count: sql<number>`count(*)::int`,
      amount: sql<string>`sum(${payoutItems.amount})`,
    })
    .from(payoutItems)
    .where(inArray(payoutItems.batchId, batchIds))
    .groupBy(payoutItems.batchId, payoutItems.status);
  for (const r of rows) {
    const p = progress.get(r.batchId)!;
    p.itemsByStatus[r.status] = r.count;
    if (r.status === "sent") p.sentAmount = Number(r.amount);
  }
  return progress;
}

/** A batch as admins list it. Amounts are minor units of `currency`. */
export type PayoutBatchSummary = {
  id: string;
  advisorId: string;
  advisorName: string;
  kind: PayoutBatchKind;
  scheduledFor: Date;
  currency: string;
  grossAmount: number;
  nettedAmount: number;
  totalAmount: number;
  itemCount: number;
  requestedBy: string | null;
  createdAt: Date;
  settledAt: Date | null;
} & BatchProgress;

/**
 * Payout batches for admins, newest first (keyset on created time, id), filtered by
 * advisor, kind and creation time `[from, to)`, each with its items counted by status.
 */
export async function listPayoutBatches(
  ex: Executor,
  params: {
    advisorId?: string;
    kind?: PayoutBatchKind;
    from?: Date;
    to?: Date;
    limit: number;
    cursor?: PayoutCursor | null;
  },
): Promise<{ items: PayoutBatchSummary[]; nextCursor: PayoutCursor | null }> {
  const rows = await ex
    .select({ ...batchColumns, advisorName: advisors.displayName })
    .from(payoutBatches)
    .innerJoin(advisors, eq(advisors.userId, payoutBatches.advisorId))
    .where(
      and(
        params.advisorId ? eq(payoutBatches.advisorId, params.advisorId) : undefined,
        params.kind ? eq(payoutBatches.kind, params.kind) : undefined,
        params.from ? gte(payoutBatches.createdAt, params.from) : undefined,
        params.to ? lt(payoutBatches.createdAt, params.to) : undefined,
        after(payoutBatches.createdAt, payoutBatches.id, params.cursor, "desc"),
      ),
    )
    .orderBy(desc(payoutBatches.createdAt), desc(payoutBatches.id))
    .limit(params.limit + 1);
  const { items, nextCursor } = page(rows, params.limit, (r) => ({
    createdAt: r.createdAt,
    id: r.id,
  }));
  const progress = await batchProgress(
    ex,
    items.map((b) => b.id),
  );
  return { items: items.map((b) => ({ ...b, ...progress.get(b.id)! })), nextCursor };
}

const adminItemColumns = {
  id: payoutItems.id,
  batchId: payoutItems.batchId,
  advisorId: payoutItems.advisorId,
  consultationId: payoutItems.consultationId,
  sourceChargeId: payoutItems.sourceChargeId,
  destinationAccountId: payoutItems.destinationAccountId,
  currency: payoutItems.currency,
  grossAmount: payoutItems.grossAmount,
  nettedAmount: payoutItems.nettedAmount,
  amount: payoutItems.amount,
  status: payoutItems.status,
  attempts: payoutItems.attempts,
  nextAttemptAt: payoutItems.nextAttemptAt,
  lastErrorCode: payoutItems.lastErrorCode,
  lastError: payoutItems.lastError,
  providerTransferId: payoutItems.providerTransferId,
  sentAt: payoutItems.sentAt,
  createdAt: payoutItems.createdAt,
  updatedAt: payoutItems.updatedAt,
};

/** A payout item as admins see it, provider errors included. */
export type AdminPayoutItem = {
  id: string;
  batchId: string;
  advisorId: string;
  consultationId: string;
  sourceChargeId: string;
  destinationAccountId: string;
  currency: string;
  grossAmount: number;
  nettedAmount: number;
  amount: number;
  status: PayoutItemStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  lastErrorCode: string | null;
  lastError: string | null;
  providerTransferId: string | null;
  sentAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  /** What an admin may do with it now (cancel, retry); the commands refuse the rest. */
  actions: PayoutItemActions;
};

/** An item row as admins see it, with what they may do with it. */
const withActions = <T extends Pick<AdminPayoutItem, "status" | "lastErrorCode">>(item: T) => ({
  ...item,
  actions: itemActions(item),
});

export type PayoutBatchDetail = PayoutBatchSummary & {
  requestedByName: string | null;
  items: AdminPayoutItem[];
};

/** One batch with all its items (oldest first), or null when there is none with that id. */
export async function getPayoutBatch(
  ex: Executor,
  params: { id: string },
): Promise<PayoutBatchDetail | null> {
  const [batch] = await ex
    .select({
      ...batchColumns,
      advisorName: advisors.displayName,
      requestedByFirst: users.firstName,
      requestedByLast: users.lastName,
    })
    .from(payoutBatches)
    .innerJoin(advisors, eq(advisors.userId, payoutBatches.advisorId))
    .leftJoin(users, eq(users.id, payoutBatches.requestedBy))
    .where(eq(payoutBatches.id, params.id));
  if (!batch) return null;
  const [items, progress] = await Promise.all([
    ex
      .select(adminItemColumns)
      .from(payoutItems)
      .where(eq(payoutItems.batchId, batch.id))
      .orderBy(asc(payoutItems.createdAt), asc(payoutItems.id)),
    batchProgress(ex, [batch.id]),
  ]);
  const { requestedByFirst, requestedByLast, ...rest } = batch;
  const requestedByName =
    [requestedByFirst, requestedByLast].filter(Boolean).join(" ") || batch.requestedBy;
  return {
    ...rest,
    ...progress.get(batch.id)!,
    requestedByName,
    items: items.map(withActions),
  };
}

/**
 * Payout items for admins. `order: "newest"` (default) is newest created first;
 * `"oldest_update"` is least recently changed first — for the failures view, the item
 * that has been failing longest comes first. The cursor carries the sort time.
 */
export async function listPayoutItems(
  ex: Executor,
  params: {
    statuses?: readonly PayoutItemStatus[];
    advisorId?: string;
    batchId?: string;
    order?: "newest" | "oldest_update";
    limit: number;
    cursor?: PayoutCursor | null;
  },
): Promise<{
  items: (AdminPayoutItem & { advisorName: string })[];
  nextCursor: PayoutCursor | null;
}> {
  const oldestFirst = params.order === "oldest_update";
  const time = oldestFirst ? payoutItems.updatedAt : payoutItems.createdAt;
  const rows = await ex
    .select({ ...adminItemColumns, advisorName: advisors.displayName })
    .from(payoutItems)
    .innerJoin(advisors, eq(advisors.userId, payoutItems.advisorId))
    .where(
      and(
        params.statuses?.length ? inArray(payoutItems.status, [...params.statuses]) : undefined,
        params.advisorId ? eq(payoutItems.advisorId, params.advisorId) : undefined,
        params.batchId ? eq(payoutItems.batchId, params.batchId) : undefined,
        after(time, payoutItems.id, params.cursor, oldestFirst ? "asc" : "desc"),
      ),
    )
    .orderBy(
      ...(oldestFirst ? [asc(time), asc(payoutItems.id)] : [desc(time), desc(payoutItems.id)]),
    )
    .limit(params.limit + 1);
  const { items, nextCursor } = page(rows, params.limit, (r) => ({
    createdAt: oldestFirst ? r.updatedAt : r.createdAt,
    id: r.id,
  }));
  return { items: items.map(withActions), nextCursor };
}

export type TransferReversalView = {
  id: string;
  consultationId: string;
  payoutItemId: string;
  advisorId: string;
  advisorName: string;
  providerTransferId: string;
  amount: number;
  currency: string;
  reason: string;
  status: TransferReversalStatus;
  attempts: number;
  lastErrorCode: string | null;
  lastError: string | null;
  providerReversalId: string | null;
  createdAt: Date;
  updatedAt: Date;
};

/** Transfer reversals for admins, newest first, by status and advisor. */
export async function listTransferReversals(
  ex: Executor,
  params: {
    statuses?: readonly TransferReversalStatus[];
    advisorId?: string;
    limit: number;
    cursor?: PayoutCursor | null;
  },
): Promise<{ items: TransferReversalView[]; nextCursor: PayoutCursor | null }> {
  const rows = await ex
    .select({
      id: transferReversals.id,
      consultationId: transferReversals.consultationId,
      payoutItemId: transferReversals.payoutItemId,
      advisorId: transferReversals.advisorId,
      advisorName: advisors.displayName,
      providerTransferId: transferReversals.providerTransferId,
      amount: transferReversals.amount,
      currency: transferReversals.currency,
      reason: transferReversals.reason,
      status: transferReversals.status,
      attempts: transferReversals.attempts,
      lastErrorCode: transferReversals.lastErrorCode,
      lastError: transferReversals.lastError,
      providerReversalId: transferReversals.providerReversalId,
      createdAt: transferReversals.createdAt,
      updatedAt: transferReversals.updatedAt,
    })
    .from(transferReversals)
    .innerJoin(advisors, eq(advisors.userId, transferReversals.advisorId))
    .where(
      and(
        params.statuses?.length
          ? inArray(transferReversals.status, [...params.statuses])
          : undefined,
        params.advisorId ? eq(transferReversals.advisorId, params.advisorId) : undefined,
        after(transferReversals.createdAt, transferReversals.id, params.cursor, "desc"),
      ),
    )
    .orderBy(desc(transferReversals.createdAt), desc(transferReversals.id))
    .limit(params.limit + 1);
  return page(rows, params.limit, (r) => ({ createdAt: r.createdAt, id: r.id }));
}

/** A payout item as its advisor sees it: no provider error texts, ids or attempts. */
export type AdvisorPayoutItem = {
  id: string;
  consultationId: string;
  currency: string;
  grossAmount: number;
  nettedAmount: number;
  amount: number;
  status: PayoutItemStatus;
  sentAt: Date | null;
};

export type AdvisorPayoutBatch = {
  id: string;
  kind: PayoutBatchKind;
  scheduledFor: Date;
  currency: string;
  grossAmount: number;
  nettedAmount: number;
  totalAmount: number;
  createdAt: Date;
  settledAt: Date | null;
  items: AdvisorPayoutItem[];
};

/** One advisor's own batches, newest first, each with its items. */
export async function listAdvisorPayoutBatches(
  ex: Executor,
  params: { advisorId: string; limit: number; cursor?: PayoutCursor | null },
): Promise<{ items: AdvisorPayoutBatch[]; nextCursor: PayoutCursor | null }> {
  const rows = await ex
    .select({
      id: payoutBatches.id,
      kind: payoutBatches.kind,
      scheduledFor: payoutBatches.scheduledFor,
      currency: payoutBatches.currency,
      grossAmount: payoutBatches.grossAmount,
      nettedAmount: payoutBatches.nettedAmount,
      totalAmount: payoutBatches.totalAmount,
      createdAt: payoutBatches.createdAt,
      settledAt: payoutBatches.settledAt,
    })
    .from(payoutBatches)
    .where(
      and(
        eq(payoutBatches.advisorId, params.advisorId),
        after(payoutBatches.createdAt, payoutBatches.id, params.cursor, "desc"),
      ),
    )
    .orderBy(desc(payoutBatches.createdAt), desc(payoutBatches.id))
    .limit(params.limit + 1);
  const { items, nextCursor } = page(rows, params.limit, (r) => ({
    createdAt: r.createdAt,
    id: r.id,
  }));
  const itemRows = items.length
    ? await ex
        .select({
          batchId: payoutItems.batchId,
          id: payoutItems.id,
          consultationId: payoutItems.consultationId,
          currency: payoutItems.currency,
          grossAmount: payoutItems.grossAmount,
          nettedAmount: payoutItems.nettedAmount,
          amount: payoutItems.amount,
          status: payoutItems.status,
          sentAt: payoutItems.sentAt,
        })
        .from(payoutItems)
        .where(
          inArray(
            payoutItems.batchId,
            items.map((b) => b.id),
          ),
        )
        .orderBy(asc(payoutItems.createdAt), asc(payoutItems.id))
    : [];
  return {
    items: items.map((b) => ({
      ...b,
      items: itemRows.filter((i) => i.batchId === b.id).map(({ batchId: _, ...i }) => i),
    })),
    nextCursor,
  };
}

export type PayoutAccountRow = typeof payoutAccounts.$inferSelect;

/** An advisor's payout schedule and hold, as stored. */
export type PayoutSchedule = {
  cadence: (typeof advisors.$inferSelect)["payoutCadence"];
  weekday: number;
  dayOfMonth: number;
  anchorDate: string | null;
  runAt: string;
  timeZone: string;
  nextPayoutAt: Date | null;
};

export type PayoutHold = { reason: string | null; by: string | null; at: Date } | null;

/**
 * An advisor's payout setup: their Connect account (null when never onboarded), schedule
 * and hold. Null when the user is not an advisor.
 */
export async function getAdvisorPayoutSetup(
  ex: Executor,
  params: { advisorId: string; now?: Date },
): Promise<{
  advisorId: string;
  displayName: string;
  account: PayoutAccountRow | null;
  schedule: PayoutSchedule;
  hold: PayoutHold;
} | null> {
  const [row] = await ex
    .select({ advisor: advisors, account: payoutAccounts })
    .from(advisors)
    .leftJoin(payoutAccounts, eq(payoutAccounts.advisorId, advisors.userId))
    .where(eq(advisors.userId, params.advisorId));
  if (!row) return null;
  const a = row.advisor;
  return {
    advisorId: a.userId,
    displayName: a.displayName,
    account: row.account,
    schedule: {
      cadence: a.payoutCadence,
      weekday: a.payoutWeekday,
      dayOfMonth: a.payoutDayOfMonth,
      anchorDate: a.payoutAnchorDate,
      runAt: a.payoutRunAt,
      timeZone: a.timeZone,
      // Until the planner's first tick stores it, show what it will compute.
      nextPayoutAt: a.nextPayoutAt ?? nextRunFor(a, params.now ?? new Date()),
    },
    hold: a.payoutsHeldAt
      ? { reason: a.payoutsHeldReason, by: a.payoutsHeldBy, at: a.payoutsHeldAt }
      : null,
  };
}
