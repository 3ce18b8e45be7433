import { sql } from "drizzle-orm";
import type { Executor } from "../client";

/**
 * The platform's money in one currency over `[from, to)`, from the ledger (entries by
 * `posted_at`), minor units. Flows are positive amounts:
 * - `gmv`: captured payments; `fees`: platform fee revenue net of fees given back (release
 *   credits − refund debits); `processingFees`: Stripe's charge fees borne;
 * - `refunds`: money returned to clients (`count` refund entries);
 * - `disputes`: chargebacks opened (`count`, `amount` disputed), `losses` = dispute losses
 *   net (dispute fees and lost platform shares);
 * - `paidOut`: transfers to advisors minus reversals;
 * - `subscriptions`: platform subscription revenue beside the consultations' figures —
 *   `gross` invoices paid (`count` of them), `reversed` refunded or credited back, `net`
 *   the revenue left, `fees` Stripe's fees on their charges (not in `processingFees`).
 * Balances are as of `to` (everything posted before it), as positive amounts owed/held.
 */
export type FinanceSummary = {
  currency: string;
  /** Every currency the ledger holds money in (any time), sorted: the ones worth a look. */
  currencies: string[];
  from: Date;
  to: Date;
  gmv: number;
  fees: number;
  processingFees: number;
  refunds: { count: number; amount: number };
  disputes: { count: number; amount: number; losses: number };
  paidOut: number;
  subscriptions: { count: number; gross: number; reversed: number; net: number; fees: number };
  balances: {
    fundsHeld: number;
    payable: number;
    inTransit: number;
    receivable: number;
    disputed: number;
    stripeBalance: number;
    /**
     * The FX account in this currency, with the ledger's sign: positive when more of it was
     * converted away than into it (the platform's exposure in it).
     */
    fxConversion: number;
  };
  /**
   * Every currency the ledger holds money in as of `to`: the Stripe balance (what Stripe
   * should hold in it), the FX account, and what is owed from it. Converted charges leave
   * their own currency at zero in the Stripe balance and show in the settlement currency.
   */
  byCurrency: {
    currency: string;
    stripeBalance: number;
    fxConversion: number;
    fundsHeld: number;
    payable: number;
    inTransit: number;
  }[];
  /** One point per UTC day of the period, zeros included, oldest first. */
  daily: { day: string; gmv: number; fees: number; paidOut: number; refunds: number }[];
};

// Signed sums per posting, shared by the totals and the daily series.
const flows = sql`
  coalesce(sum(p.amount) filter (where e.kind = 'payment_captured' and p.account = 'stripe_balance'), 0) as gmv,
  coalesce(-sum(p.amount) filter (where p.account = 'platform_fee_revenue'), 0) as fees,
  coalesce(-sum(p.amount) filter (where e.kind in ('transfer', 'transfer_reversal') and p.account = 'stripe_balance'), 0) as paid_out,
  coalesce(-sum(p.amount) filter (where e.kind = 'refund' and p.account = 'stripe_balance'), 0) as refunds
`;

type Num = string | number | null;
const n = (v: Num) => Number(v ?? 0);

/**
 * The finance summary for `[from, to)` in `currency`: totals, balances as of `to`, and a
 * daily series — three aggregate queries, no row loops.
 */
export async function financeSummary(
  ex: Executor,
  params: { from: Date; to: Date; currency: string },
): Promise<FinanceSummary> {
  const { from, to, currency } = params;
  // ISO strings: the driver doesn't serialize Date parameters in raw SQL.
  const fromIso = from.toISOString();
  const toIso = to.toISOString();
  const [totalsRows, balanceRows, currencyRows, dailyRows, knownCurrencyRows] = await Promise.all([
    ex.execute<{
      gmv: Num;
      fees: Num;
      paid_out: Num;
      refunds: Num;
      processing_fees: Num;
      refund_count: Num;
      dispute_count: Num;
      disputed: Num;
      losses: Num;
      sub_count: Num;
      sub_gross: Num;
      sub_reversed: Num;
      sub_fees: Num;
    }>(sql`
      select ${flows},
        coalesce(sum(p.amount) filter (where p.account = 'processing_fees' and e.kind <> 'subscription_processing_fee'), 0) as processing_fees,
        count(distinct e.id) filter (where e.kind = 'refund') as refund_count,
        count(distinct e.id) filter (where e.kind = 'chargeback_opened') as dispute_count,
        coalesce(sum(p.amount) filter (where e.kind = 'chargeback_opened' and p.account = 'disputed_funds'), 0) as disputed,
        coalesce(sum(p.amount) filter (where p.account = 'dispute_losses'), 0) as losses,
        count(distinct e.id) filter (where e.kind = 'subscription_payment') as sub_count,
        coalesce(-sum(p.amount) filter (where e.kind = 'subscription_payment' and p.account = 'subscription_revenue'), 0) as sub_gross,
        coalesce(sum(p.amount) filter (where e.kind = 'subscription_reversal' and p.account = 'subscription_revenue'), 0) as sub_reversed,
        coalesce(sum(p.amount) filter (where e.kind = 'subscription_processing_fee' and p.account = 'processing_fees'), 0) as sub_fees
      from journal_entries e join journal_postings p on p.entry_id = e.id
      where e.posted_at >= ${fromIso}::timestamptz and e.posted_at < ${toIso}::timestamptz and p.currency = ${currency}
    `),
    ex.execute<{
      held: Num;
      payable: Num;
      in_transit: Num;
      receivable: Num;
      disputed: Num;
      stripe: Num;
      fx: Num;
    }>(sql`
      select
        -coalesce(sum(p.amount) filter (where p.account like 'client\\_funds\\_held:%'), 0) as held,
        -coalesce(sum(p.amount) filter (where p.account like 'advisor\\_payable:%'), 0) as payable,
        -coalesce(sum(p.amount) filter (where p.account like 'advisor\\_payout\\_in\\_transit:%'), 0) as in_transit,
        coalesce(sum(p.amount) filter (where p.account like 'advisor\\_receivable:%'), 0) as receivable,
        coalesce(sum(p.amount) filter (where p.account = 'disputed_funds'), 0) as disputed,
        coalesce(sum(p.amount) filter (where p.account = 'stripe_balance'), 0) as stripe,
        coalesce(sum(p.amount) filter (where p.account = 'fx_conversion'), 0) as fx
      from journal_entries e join journal_postings p on p.entry_id = e.id
      where e.posted_at < ${toIso}::timestamptz and p.currency = ${currency}
    `),
    ex.execute<{
      currency: string;
      stripe: Num;
      fx: Num;
      held: Num;
      payable: Num;
      in_transit: Num;
    }>(sql`
      select p.currency,
        coalesce(sum(p.amount) filter (where p.account = 'stripe_balance'), 0) as stripe,
        coalesce(sum(p.amount) filter (where p.account = 'fx_conversion'), 0) as fx,
        -coalesce(sum(p.amount) filter (where p.account like 'client\\_funds\\_held:%'), 0) as held,
        -coalesce(sum(p.amount) filter (where p.account like 'advisor\\_payable:%'), 0) as payable,
        -coalesce(sum(p.amount) filter (where p.account like 'advisor\\_payout\\_in\\_transit:%'), 0) as in_transit
      from journal_entries e join journal_postings p on p.entry_id = e.id
      where e.posted_at < ${toIso}::timestamptz
      group by p.currency
      order by p.currency
    `),
    ex.execute<{ day: string; gmv: Num; fees: Num; paid_out: Num; refunds: Num }>(sql`
      with days as (
        select d::date as day
        from generate_series(
          (${fromIso}::timestamptz at time zone 'UTC')::date,
          ((${toIso}::timestamptz - interval '1 millisecond') at time zone 'UTC')::date,
          interval '1 day'
        ) d
      ),
      per_day as (
        select (e.posted_at at time zone 'UTC')::date as day, ${flows}
        from journal_entries e join journal_postings p on p.entry_id = e.id
        where e.posted_at >= ${fromIso}::timestamptz and e.posted_at < ${toIso}::timestamptz and p.currency = ${currency}
        group by 1
      )
      select to_char(days.day, 'YYYY-MM-DD') as day, per_day.gmv, per_day.fees,
        per_day.paid_out, per_day.refunds
      from days left join per_day on per_day.day = days.day
      order by days.day
    `),
    ex.execute<{ currency: string }>(
      sql`select distinct currency from journal_postings order by currency`,
    ),
  ]);
  const t = totalsRows[0]!;
  const b = balanceRows[0]!;
  return {
    currency,
    currencies: knownCurrencyRows.map((r) => r.currency),
    from,
    to,
    gmv: n(t.gmv),
    fees: n(t.fees),
    processingFees: n(t.processing_fees),
    refunds: { count: n(t.refund_count), amount: n(t.refunds) },
    disputes: { count: n(t.dispute_count), amount: n(t.disputed), losses: n(t.losses) },
    paidOut: n(t.paid_out),
    subscriptions: {
      count: n(t.sub_count),
      gross: n(t.sub_gross),
      reversed: n(t.sub_reversed),
      net: n(t.sub_gross) - n(t.sub_reversed),
      fees: n(t.sub_fees),
    },
    balances: {
      fundsHeld: n(b.held),
      payable: n(b.payable),
      inTransit: n(b.in_transit),
      receivable: n(b.receivable),
      disputed: n(b.disputed),
      stripeBalance: n(b.stripe),
      fxConversion: n(b.fx),
    },
    byCurrency: currencyRows.map((r) => ({
      currency: r.currency,
      stripeBalance: n(r.stripe),
      fxConversion: n(r.fx),
      fundsHeld: n(r.held),
      payable: n(r.payable),
      inTransit: n(r.in_transit),
    })),
    daily: dailyRows.map((r) => ({
      day: r.day,
      gmv: n(r.gmv),
      fees: n(r.fees),
      paidOut: n(r.paid_out),
      refunds: n(r.refunds),
    })),
  };
}
