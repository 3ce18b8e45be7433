import { sql } from "drizzle-orm";
import type { Db } from "./client";

/** One seeded advisor's payout-relevant ids (what the provider side must also know). */
export type SeededEarning = {
  advisorId: string;
  accountId: string;
  consultationId: string;
  chargeId: string;
  paymentIntentId: string;
  price: number;
  share: number;
  currency: string;
};

/**
 * Many advisors with released earnings, written in bulk for load tests and the payout race
 * test: per advisor a user, an advisor profile due for payout now, an active Connect
 * account, and one released consultation paid by a charge, with its ledger entries
 * (payment captured, release) so the ledger balances as if the consultation had run. The
 * provider side (accounts, charges) is the caller's to create from the returned rows.
 */
export async function seedReleasedEarnings(
  db: Db,
  input: {
    prefix: string;
    count: number;
    now: Date;
    price?: number;
    fee?: number;
    currency?: string;
    /** Only add another released consultation to each of the prefix's existing advisors. */
    moreFor?: { round: number };
  },
): Promise<SeededEarning[]> {
  const { prefix, count, now } = input;
  const price = input.price ?? 10_000;
  const fee = input.fee ?? 2_000;
  const currency = input.currency ?? "USD";
  const share = price - fee;
  // Ids of this round's consultations and charges ("" for the first).
  const round = input.moreFor ? `r${input.moreFor.round}` : "";
  const uid = `${prefix}${round}-uid-`;
  const client = `${prefix}|client`;
  const endedAt = new Date(now.getTime() - 72 * 3_600_000);
  const holdEndsAt = new Date(now.getTime() - 24 * 3_600_000);
  const iso = (d: Date) => d.toISOString();
  return db.transaction(async (tx) => {
    if (!input.moreFor) await seedAdvisors();
    async function seedAdvisors() {
      await tx.execute(sql`
      insert into users (id, email, first_name, last_name)
      values (${client}, ${`${prefix}-client@example.test`}, 'Load', 'Client')
      on conflict do nothing`);
      await tx.execute(sql`
      insert into users (id, email, first_name, last_name)
      select ${prefix} || '|adv-' || i, ${prefix} || '-adv-' || i || '@example.test', 'Advisor', i::text
      from generate_series(1, ${count}) i`);
      await tx.execute(sql`
      insert into advisors (user_id, display_name, headline, bio, time_zone, years_experience,
                            hourly_rate, currency, payout_cadence, next_payout_at)
      select ${prefix} || '|adv-' || i, 'Advisor ' || i, 'Load test advisor', 'Seeded for payouts',
             'UTC', 5, ${price}, ${currency}, 'weekly', ${iso(new Date(now.getTime() - 60_000))}::timestamptz
      from generate_series(1, ${count}) i`);
      await tx.execute(sql`
      insert into payout_accounts (advisor_id, provider_account_id, transfers_capability,
                                   payouts_enabled, details_submitted, synced_at)
      select ${prefix} || '|adv-' || i, 'acct_' || ${prefix} || '_' || i, 'active', true, true, ${iso(now)}::timestamptz
      from generate_series(1, ${count}) i`);
    }
    const rows = await tx.execute<{ id: string; i: number }>(sql`
      insert into consultations (client_id, advisor_id, status, starts_at, ends_at, duration_minutes,
                                 currency, price, platform_fee, advisor_share, refundable_price,
                                 refundable_fee, refundable_share, hold_window_hours, hold_ends_at,
                                 completed_at, booking_uid)
      select ${client}, ${prefix} || '|adv-' || i, 'released',
             ${iso(new Date(endedAt.getTime() - 3_600_000))}::timestamptz, ${iso(endedAt)}::timestamptz, 60,
             ${currency}, ${price}, ${fee}, ${share}, ${price}, ${fee}, ${share}, 48,
             ${iso(holdEndsAt)}::timestamptz, ${iso(endedAt)}::timestamptz, ${uid} || i
      from generate_series(1, ${count}) i
      returning id, (regexp_replace(advisor_id, '^.*\\|adv-', ''))::int as i`);
    await tx.execute(sql`
      insert into payments (consultation_id, provider_session_id, status, amount, currency,
                            payment_intent_id, charge_id, processing_fee, expires_at, paid_at)
      select c.id, 'cs_' || ${prefix + round} || '_' || n.i, 'paid', c.price, c.currency,
             'pi_' || ${prefix + round} || '_' || n.i, 'ch_' || ${prefix + round} || '_' || n.i, 0,
             c.starts_at, c.starts_at
      from consultations c
      join lateral (select (regexp_replace(c.advisor_id, '^.*\\|adv-', ''))::int as i) n on true
      where c.booking_uid like ${`${uid}%`}`);
    // Payment captured and released, as the machine would have posted them.
    await tx.execute(sql`
      with e as (
        insert into journal_entries (kind, consultation_id, dedupe_key, posted_at)
        select k.kind, c.id, 'seed:' || c.id || ':' || k.kind, ${iso(holdEndsAt)}::timestamptz
        from consultations c cross join (values ('payment_captured'), ('release')) k(kind)
        where c.booking_uid like ${`${uid}%`}
        returning id, kind, consultation_id
      )
      insert into journal_postings (entry_id, account, amount, currency)
      select e.id, p.account, p.amount, ${currency}
      from e join consultations c on c.id = e.consultation_id
      cross join lateral (
        select * from (values
          ('payment_captured', 'stripe_balance', c.price),
          ('payment_captured', 'client_funds_held:' || c.id, -c.price),
          ('release', 'client_funds_held:' || c.id, c.price),
          ('release', 'advisor_payable:' || c.advisor_id, -c.advisor_share),
          ('release', 'platform_fee_revenue', -c.platform_fee)
        ) v(kind, account, amount) where v.kind = e.kind
      ) p`);
    return rows
      .map((r) => ({
        advisorId: `${prefix}|adv-${r.i}`,
        accountId: `acct_${prefix}_${r.i}`,
        consultationId: r.id,
        chargeId: `ch_${prefix}${round}_${r.i}`,
        paymentIntentId: `pi_${prefix}${round}_${r.i}`,
        price,
        share,
        currency,
      }))
      .sort((a, b) => a.advisorId.localeCompare(b.advisorId));
  });
}
