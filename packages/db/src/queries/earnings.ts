import { and, desc, eq, inArray, lt, or, sql } from "drizzle-orm";
import {
  accounts,
  type ConsultationKind,
  type ConsultationStatus,
  EARNINGS_PENDING_STATES,
  type PayoutItemStatus,
} from "@an/domain";
import type { Executor } from "../client";
import { consultations, journalEntries, journalPostings, payoutItems } from "../schema";
import type { PayoutCursor } from "./payout-views";

/**
 * An advisor's earnings in one currency, in minor units, all non-negative while things
 * are normal: `pending` held for consultations not yet released (their `refundable_share`),
 * `released` owed by the platform and not yet in a payout (−`advisor_payable`),
 * `inTransit` in payout items not yet confirmed (−`advisor_payout_in_transit`), `paidOut`
 * transferred minus reversed, `owed` what the advisor owes back (`advisor_receivable`).
 */
export type EarningsBalance = {
  currency: string;
  pending: number;
  released: number;
  inTransit: number;
  paidOut: number;
  owed: number;
};

const emptyBalance = (currency: string): EarningsBalance => ({
  currency,
  pending: 0,
  released: 0,
  inTransit: 0,
  paidOut: 0,
  owed: 0,
});

/**
 * One advisor's earnings per currency (currencies sorted), from the consultations (pending)
 * and the ledger (the rest). A currency appears when any figure in it was ever non-zero.
 */
export async function advisorEarningsBalances(
  ex: Executor,
  params: { advisorId: string },
): Promise<EarningsBalance[]> {
  const payable = accounts.advisorPayable(params.advisorId);
  const inTransit = accounts.advisorPayoutInTransit(params.advisorId);
  const receivable = accounts.advisorReceivable(params.advisorId);
  const [pendingRows, ledgerRows] = await Promise.all([
    ex
      .select({
        currency: consultations.currency,
        pending: sql<string>`sum(${consultations.refundableShare})`,
      })
      .from(consultations)
      .where(
        and(
          eq(consultations.advisorId, params.advisorId),
          or(
            inArray(consultations.status, [...EARNINGS_PENDING_STATES]),
            and(
              eq(consultations.status, "disputed"),
              sql`coalesce(${consultations.dispute}->>'resumeStatus', '') not in ('released', 'paid_out')`,
            ),
          ),
        ),
      )
      .groupBy(consultations.currency),
    ex
      .select({
        currency: journalPostings.currency,
        released: sql<string>`-coalesce(sum(${journalPostings.amount}) filter (where ${journalPostings.account} = ${payable}), 0)`,
        inTransit: sql<string>`-coalesce(sum(${journalPostings.amount}) filter (where ${journalPostings.account} = ${inTransit}), 0)`,
        owed: sql<string>`coalesce(sum(${journalPostings.amount}) filter (where ${journalPostings.account} = ${receivable}), 0)`,
        // Transfers debit in-transit; a reversal credits the receivable it settles.
        paidOut: sql<string>`coalesce(sum(${journalPostings.amount}) filter (where (${journalEntries.kind} = 'transfer' and ${journalPostings.account} = ${inTransit}) or (${journalEntries.kind} = 'transfer_reversal' and ${journalPostings.account} = ${receivable})), 0)`,
      })
      .from(journalPostings)
      .innerJoin(journalEntries, eq(journalEntries.id, journalPostings.entryId))
      .where(inArray(journalPostings.account, [payable, inTransit, receivable]))
      .groupBy(journalPostings.currency),
  ]);
  const byCurrency = new Map<string, EarningsBalance>();
  const get = (currency: string) => {
    let b = byCurrency.get(currency);
    if (!b) byCurrency.set(currency, (b = emptyBalance(currency)));
    return b;
  };
  for (const r of pendingRows) get(r.currency).pending = Number(r.pending);
  for (const r of ledgerRows) {
    Object.assign(get(r.currency), {
      released: Number(r.released),
      inTransit: Number(r.inTransit),
      owed: Number(r.owed),
      paidOut: Number(r.paidOut),
    });
  }
  return [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

/** One consultation's money as its advisor sees it, minor units of `currency`. */
export type EarningsConsultation = {
  id: string;
  /** A booked meeting or an async advice pass (shown side by side). */
  kind: ConsultationKind;
  /** A pass's length in days; null for a booking. */
  passDays: number | null;
  startsAt: Date;
  endsAt: Date;
  status: ConsultationStatus;
  currency: string;
  price: number;
  platformFee: number;
  advisorShare: number;
  /** What the client got back: price − refundable price. */
  refunded: number;
  /** The advisor's share after refunds (`refundable_share`). */
  shareAfterRefunds: number;
  /** The latest payout item for it (a cancelled one is replaced by a later item). */
  payout: { status: PayoutItemStatus; amount: number; sentAt: Date | null } | null;
};

/**
 * The advisor's paid consultations (a payment was captured), newest start first, keyset on
 * (start time, id), with the split, refunds and payout state of each.
 */
export async function listEarningsConsultations(
  ex: Executor,
  params: { advisorId: string; limit: number; cursor?: PayoutCursor | null },
): Promise<{ items: EarningsConsultation[]; nextCursor: PayoutCursor | null }> {
  const latestItem = ex
    .select({
      status: payoutItems.status,
      amount: payoutItems.amount,
      sentAt: payoutItems.sentAt,
    })
    .from(payoutItems)
    .where(eq(payoutItems.consultationId, consultations.id))
    .orderBy(desc(payoutItems.createdAt))
    .limit(1)
    .as("latest_item");
  const c = params.cursor;
  const rows = await ex
    .select({
      id: consultations.id,
      kind: consultations.kind,
      passDays: consultations.passDays,
      startsAt: consultations.startsAt,
      endsAt: consultations.endsAt,
      status: consultations.status,
      currency: consultations.currency,
      price: consultations.price,
      platformFee: consultations.platformFee,
      advisorShare: consultations.advisorShare,
      refundablePrice: consultations.refundablePrice,
      refundableShare: consultations.refundableShare,
      itemStatus: latestItem.status,
      itemAmount: latestItem.amount,
      itemSentAt: latestItem.sentAt,
    })
    .from(consultations)
    .leftJoinLateral(latestItem, sql`true`)
    .where(
      and(
        eq(consultations.advisorId, params.advisorId),
        // Paid at some point: the ledger has its captured payment.
        sql`exists (select 1 from ${journalEntries} where ${journalEntries.consultationId} = ${consultations.id} and ${journalEntries.kind} = 'payment_captured')`,
        c
          ? or(
              lt(consultations.startsAt, c.createdAt),
              and(eq(consultations.startsAt, c.createdAt), lt(consultations.id, c.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(consultations.startsAt), desc(consultations.id))
    .limit(params.limit + 1);
  const items = rows.slice(0, params.limit);
  const last = items.at(-1);
  return {
    items: items.map((r) => ({
      id: r.id,
      kind: r.kind,
      passDays: r.passDays,
      startsAt: r.startsAt,
      endsAt: r.endsAt,
      status: r.status,
      currency: r.currency,
      price: r.price,
      platformFee: r.platformFee,
      advisorShare: r.advisorShare,
      refunded: r.price - r.refundablePrice,
      shareAfterRefunds: r.refundableShare,
      payout: r.itemStatus
        ? { status: r.itemStatus, amount: r.itemAmount ?? 0, sentAt: r.itemSentAt }
        : null,
    })),
    nextCursor:
      rows.length > params.limit && last ? { createdAt: last.startsAt, id: last.id } : null,
  };
}
