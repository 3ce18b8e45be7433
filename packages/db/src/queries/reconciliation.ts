import { and, asc, desc, eq, gte, inArray, isNotNull, lt, or, sql } from "drizzle-orm";
import {
  type OurRecords,
  type ProviderRecords,
  type ReconciliationDifference,
  type ReconciliationStatus,
} from "@an/domain";
import type { Executor } from "../client";
import {
  payments,
  payoutItems,
  reconciliationDifferences,
  reconciliationReports,
  refunds,
  transferReversals,
} from "../schema";
import type { PayoutCursor } from "./payout-views";
import { findSubscriptionInvoicesByCharges } from "./subscriptions";

export type ReconciliationReportRow = typeof reconciliationReports.$inferSelect;
export type ReconciliationDifferenceRow = typeof reconciliationDifferences.$inferSelect;
/** A difference as the domain's comparison finds it, before it is stored with its report. */
export type NewReconciliationDifference = ReconciliationDifference;

/** Reports, newest started first; keyset on (started time, id). */
export async function listReconciliationReports(
  ex: Executor,
  params: { status?: ReconciliationStatus; limit: number; cursor?: PayoutCursor | null },
): Promise<{ items: ReconciliationReportRow[]; nextCursor: PayoutCursor | null }> {
  const c = params.cursor;
  const rows = await ex
    .select()
    .from(reconciliationReports)
    .where(
      and(
        params.status ? eq(reconciliationReports.status, params.status) : undefined,
        c
          ? or(
              lt(reconciliationReports.startedAt, c.createdAt),
              and(
                eq(reconciliationReports.startedAt, c.createdAt),
                lt(reconciliationReports.id, c.id),
              ),
            )
          : undefined,
      ),
    )
    .orderBy(desc(reconciliationReports.startedAt), desc(reconciliationReports.id))
    .limit(params.limit + 1);
  const items = rows.slice(0, params.limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor:
      rows.length > params.limit && last ? { createdAt: last.startedAt, id: last.id } : null,
  };
}

/** A report and its differences (in the order found, at most `differenceLimit`), or null. */
export async function getReconciliationReport(
  ex: Executor,
  params: { id: string; differenceLimit?: number },
): Promise<(ReconciliationReportRow & { differences: ReconciliationDifferenceRow[] }) | null> {
  const [report] = await ex
    .select()
    .from(reconciliationReports)
    .where(eq(reconciliationReports.id, params.id));
  if (!report) return null;
  const differences = await ex
    .select()
    .from(reconciliationDifferences)
    .where(eq(reconciliationDifferences.reportId, report.id))
    .orderBy(asc(reconciliationDifferences.id))
    .limit(params.differenceLimit ?? 5_000);
  return { ...report, differences };
}

// --- Our side of a comparison with the provider's records ---

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuids = (ids: (string | null)[]) => ids.filter((id): id is string => !!id && UUID.test(id));

/**
 * Loads our records for `[from, to)`: what happened in the period, plus any row the
 * provider's records name (by provider id or by our id in their metadata), so an object
 * straddling the period's edge is matched rather than reported missing.
 */
export async function loadOurReconciliationRecords(
  ex: Executor,
  params: { from: Date; to: Date; provider: ProviderRecords },
): Promise<OurRecords> {
  const { from, to, provider } = params;
  const transferIds = provider.transfers.map((t) => t.id);
  const itemIds = uuids(provider.transfers.map((t) => t.payoutItemId));
  const refundIds = provider.refunds.map((r) => r.id);
  const ourRefundIds = uuids(provider.refunds.map((r) => r.refundId));
  const chargeIds = provider.balanceTransactions
    .map((b) => b.source)
    .filter((s): s is string => !!s);
  const inRange = (col: typeof payoutItems.sentAt) => and(gte(col, from), lt(col, to));

  const reversed = ex
    .select({
      payoutItemId: transferReversals.payoutItemId,
      // In the transfer's currency: a converted payout's reversals come back in it.
      amount:
        sql<string>`sum(coalesce(${transferReversals.transferAmount}, ${transferReversals.amount}))`.as(
          "reversed_amount",
        ),
    })
    .from(transferReversals)
    .where(eq(transferReversals.status, "succeeded"))
    .groupBy(transferReversals.payoutItemId)
    .as("reversed");

  const subscriptionChargeIds = [
    ...new Set([
      ...chargeIds,
      ...provider.refunds.map((r) => r.chargeId).filter((c): c is string => !!c),
    ]),
  ];
  const [transferRows, refundRows, paymentRows, ledgerRows, invoiceRows] = await Promise.all([
    ex
      .select({
        itemId: payoutItems.id,
        consultationId: payoutItems.consultationId,
        providerTransferId: payoutItems.providerTransferId,
        status: payoutItems.status,
        amount: payoutItems.amount,
        currency: payoutItems.currency,
        destination: payoutItems.destinationAccountId,
        transferAmount: payoutItems.transferAmount,
        transferCurrency: payoutItems.transferCurrency,
        sentAt: payoutItems.sentAt,
        reversed: reversed.amount,
      })
      .from(payoutItems)
      .leftJoin(reversed, eq(reversed.payoutItemId, payoutItems.id))
      .where(
        or(
          and(isNotNull(payoutItems.providerTransferId), inRange(payoutItems.sentAt)),
          transferIds.length ? inArray(payoutItems.providerTransferId, transferIds) : undefined,
          itemIds.length ? inArray(payoutItems.id, itemIds) : undefined,
        ),
      ),
    ex
      .select({
        id: refunds.id,
        consultationId: refunds.consultationId,
        providerRefundId: refunds.providerRefundId,
        status: refunds.status,
        amount: refunds.amount,
        currency: refunds.currency,
        settlementAmount: refunds.settlementAmount,
        settlementCurrency: refunds.settlementCurrency,
        createdAt: refunds.createdAt,
      })
      .from(refunds)
      .where(
        or(
          and(
            isNotNull(refunds.providerRefundId),
            gte(refunds.createdAt, from),
            lt(refunds.createdAt, to),
          ),
          refundIds.length ? inArray(refunds.providerRefundId, refundIds) : undefined,
          ourRefundIds.length ? inArray(refunds.id, ourRefundIds) : undefined,
        ),
      ),
    ex
      .select({
        id: payments.id,
        consultationId: payments.consultationId,
        chargeId: payments.chargeId,
        amount: payments.amount,
        currency: payments.currency,
        settlementAmount: payments.settlementAmount,
        settlementCurrency: payments.settlementCurrency,
        processingFee: payments.processingFee,
        paidAt: payments.paidAt,
      })
      .from(payments)
      .where(
        and(
          isNotNull(payments.chargeId),
          or(
            and(gte(payments.paidAt, from), lt(payments.paidAt, to)),
            chargeIds.length ? inArray(payments.chargeId, chargeIds) : undefined,
          ),
        ),
      ),
    ex.execute<{ currency: string; transfers: string; refunds: string }>(sql`
      select p.currency,
        coalesce(-sum(p.amount) filter (where e.kind = 'transfer'), 0) as transfers,
        coalesce(-sum(p.amount) filter (where e.kind = 'refund'), 0) as refunds
      from journal_entries e join journal_postings p on p.entry_id = e.id
      where e.posted_at >= ${from.toISOString()}::timestamptz
        and e.posted_at < ${to.toISOString()}::timestamptz
        and e.kind in ('transfer', 'refund')
        and p.account = 'stripe_balance'
      group by p.currency
    `),
    findSubscriptionInvoicesByCharges(ex, { chargeIds: subscriptionChargeIds }),
  ]);
  const within = (d: Date | null) => !!d && d >= from && d < to;
  return {
    transfers: transferRows.map(({ sentAt, reversed: r, ...t }) => ({
      ...t,
      reversed: Number(r ?? 0),
      inPeriod: within(sentAt) && t.providerTransferId !== null,
    })),
    refunds: refundRows.map(({ createdAt, ...r }) => ({
      ...r,
      inPeriod: within(createdAt) && r.providerRefundId !== null,
    })),
    payments: paymentRows.map(({ paidAt, chargeId, ...p }) => ({
      ...p,
      chargeId: chargeId!,
      inPeriod: within(paidAt),
    })),
    subscriptionInvoices: invoiceRows.map((i) => ({
      invoiceId: i.stripeInvoiceId,
      chargeId: i.stripeChargeId!,
      amount: i.amountPaid,
      currency: i.currency,
      processingFee: i.processingFee,
      reversed: i.postedReversed,
    })),
    ledger: ledgerRows.map((r) => ({
      currency: r.currency,
      transfers: Number(r.transfers),
      refunds: Number(r.refunds),
    })),
  };
}
