import type { ChildProcess } from "node:child_process";
import {
  createSimulatedPayments,
  createSimulatedScheduling,
  parseBillingEnv,
  resolveBillingConfig,
  type SimDelivery,
} from "@an/billing";
import { createPgSimStore, enqueueJob, findUnbalancedEntries, seedDemoMarketplace } from "@an/db";
import {
  type CurrencyCode,
  DEFAULT_COMMISSION_RULE_SET,
  DEFAULT_PAYOUT_RULE_SET,
  DEFAULT_PRICING_RULE_SET,
  mulDiv,
} from "@an/domain";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callAs, postForm, spawnTestWorker, startTestApi, type TestApi, waitFor } from "./testing";

const SETTLES_IN = "USD,EUR,JPY,KWD";

/**
 * A consultation in each kind of currency — USD and EUR (two decimals), JPY (none) and
 * KWD (three) — through quote → payment → payout → refund, over the real HTTP routes, the
 * simulated Stripe and Cal.com and a worker process. JPY and KWD are enabled the way an
 * operator would: a saved `pricing`, `commission` and `payouts` version. Each currency
 * settles in itself (the simulated Stripe holds a balance per currency).
 */

const AMIRA = { id: "demo|advisor-amira" };
const ELENA = { id: "demo|advisor-elena" };
const LUCAS = { id: "demo|advisor-lucas" };
const SAM = { id: "demo|client-sam", email: "sam@demo.advisor.network", name: "Sam Carter" };
const ADMIN = { id: "demo|admin" };

type Case = {
  currency: CurrencyCode;
  advisor: { id: string };
  /** Hourly rate in minor units: $150, €110, ¥20,000, 45.500 KD. */
  rate: number;
  /** Prepared by bookings.prepare (the demo's USD and EUR advisors as seeded). */
};

const CASES: Case[] = [
  { currency: "USD", advisor: AMIRA, rate: 15_000 },
  { currency: "EUR", advisor: ELENA, rate: 11_000 },
  { currency: "JPY", advisor: LUCAS, rate: 20_000 },
  { currency: "KWD", advisor: LUCAS, rate: 45_500 },
];

describe("consultations in currencies with their own exponents, against the simulated provider", () => {
  let api: TestApi;
  let worker: ChildProcess | null = null;

  beforeAll(async () => {
    // Each currency settles in itself here: conversion is the FX test's subject.
    api = await startTestApi({ env: { STRIPE_SETTLEMENT_CURRENCIES: SETTLES_IN } });
    await seedDemoMarketplace(api.db.db);
    worker = spawnTestWorker(api, { STRIPE_SETTLEMENT_CURRENCIES: SETTLES_IN });
  });
  afterAll(async () => {
    worker?.kill("SIGKILL");
    await api?.close();
    await api?.db.drop();
  });

  const call = <T>(
    user: { id: string },
    path: string,
    input: unknown,
    kind: "query" | "mutation",
  ) => callAs<T>(api, user, path, input, kind);
  const form = (path: string, fields: Record<string, string>) => postForm(api, path, fields);

  async function row<T extends Record<string, unknown>>(
    query: ReturnType<typeof sql>,
  ): Promise<T | undefined> {
    const rows = await api.db.db.execute(query);
    return rows[0] as T | undefined;
  }

  const config = () =>
    resolveBillingConfig(parseBillingEnv({}), { production: false, defaultApiUrl: api.url });

  /** The consultation's accounts and the advisor's, per currency, as positive amounts. */
  async function ledger(consultationId: string, advisorId: string, currency: string) {
    expect(await findUnbalancedEntries(api.db.db)).toEqual([]);
    const [b] = await api.db.db.execute<Record<string, string>>(sql`
      select
        coalesce(-sum(amount) filter (where account = ${`client_funds_held:${consultationId}`}), 0) as held,
        coalesce(-sum(amount) filter (where account = ${`advisor_payable:${advisorId}`}), 0) as payable,
        coalesce(-sum(amount) filter (where account = ${`advisor_payout_in_transit:${advisorId}`}), 0) as in_transit,
        coalesce(sum(amount) filter (where account = ${`advisor_receivable:${advisorId}`}), 0) as receivable
      from journal_postings where currency = ${currency}`);
    return {
      held: Number(b!.held),
      payable: Number(b!.payable),
      inTransit: Number(b!.in_transit),
      receivable: Number(b!.receivable),
    };
  }

  /** The client's booking URL for a 30-minute consultation, quoted under the stored rules in force. */
  async function prepare(c: Case): Promise<string> {
    const prepared = await call<{ bookingUrl: string; quote: { currency: string } }>(
      SAM,
      "bookings.prepare",
      { advisorId: c.advisor.id, durationMinutes: 30 },
      "mutation",
    );
    expect(prepared.quote.currency).toBe(c.currency);
    return prepared.bookingUrl;
  }

  it("an operator enables JPY and KWD with their own limits, fees and minimums", async () => {
    const save = (kind: string, rules: unknown) =>
      call<{ version: number }>(
        ADMIN,
        "platformRules.set",
        { kind, rules, reason: "Open Japan and Kuwait" },
        "mutation",
      );
    const pricing = await save("pricing", {
      currencies: {
        ...DEFAULT_PRICING_RULE_SET.currencies,
        // ¥2,000–¥150,000 and 5.000–300.000 KD an hour: amounts in each one's minor unit.
        JPY: {
          minHourlyRate: 2_000,
          maxHourlyRate: 150_000,
          allowedLengths: [30, 60],
          minPassDayRate: 1_000,
          maxPassDayRate: 75_000,
          maxPassDays: 30,
        },
        KWD: {
          minHourlyRate: 5_000,
          maxHourlyRate: 300_000,
          allowedLengths: [30, 60],
          minPassDayRate: 3_000,
          maxPassDayRate: 150_000,
          maxPassDays: 30,
        },
      },
    });
    expect(pricing.version).toBe(1);
    await save("commission", {
      ...DEFAULT_COMMISSION_RULE_SET,
      minFee: { ...DEFAULT_COMMISSION_RULE_SET.minFee, JPY: 300, KWD: 1_000 },
    });
    await save("payouts", {
      ...DEFAULT_PAYOUT_RULE_SET,
      // No hold: each consultation is released as soon as it ends.
      holdWindowHours: 0,
      minimumPayout: { ...DEFAULT_PAYOUT_RULE_SET.minimumPayout, JPY: 3_000, KWD: 6_000 },
    });
  });

  for (const [index, c] of CASES.entries()) {
    it(
      `${c.currency}: quote → pay → release → payout → full refund and reversal, to the minor unit`,
      { timeout: 120_000 },
      async () => {
        const advisorId = c.advisor.id;
        // Lucas prices in JPY, then in KWD (an advisor prices in one currency at a time).
        await api.db.db.execute(
          sql`update advisors set currency = ${c.currency}, hourly_rate = ${c.rate} where user_id = ${advisorId}`,
        );
        const connected = await row(
          sql`select 1 as ok from payout_accounts where advisor_id = ${advisorId} and transfers_capability = 'active'`,
        );
        if (!connected) {
          const link = await call<{ url: string }>(
            c.advisor,
            "payouts.createOnboardingLink",
            {},
            "mutation",
          );
          expect((await form(link.url, { outcome: "complete" })).status).toBe(303);
          await waitFor("the transfers capability", () =>
            row(
              sql`select 1 as ok from payout_accounts where advisor_id = ${advisorId} and transfers_capability = 'active'`,
            ),
          );
        }

        // Booked a day ago (on the scheduler's clock) for a slot that has ended.
        const url = new URL(await prepare(c));
        const store = createPgSimStore(api.db.db);
        const deliver: SimDelivery = (provider, body) =>
          enqueueJob(api.db.db, "deliver_simulated_webhook", { provider, body });
        const dayAgo = new Date(Date.now() - 24 * 3_600_000);
        const scheduler = createSimulatedScheduling(config(), {
          store,
          deliver,
          now: () => dayAgo,
        });
        const [organizer] = await api.db.db.execute<{
          name: string;
          email: string;
          tz: string;
          et: string;
        }>(sql`
          select a.display_name as name, u.email, a.time_zone as tz, a.calcom_event_type as et
          from advisors a join users u on u.id = a.user_id where a.user_id = ${advisorId}`);
        const booking = await scheduler.createBooking({
          eventType: organizer!.et,
          token: url.searchParams.get("metadata[bookingToken]")!,
          name: SAM.name,
          email: SAM.email,
          timeZone: "Europe/Berlin",
          // Each case its own slot: Lucas is booked twice.
          startTime: new Date(Date.now() - (90 + 40 * index) * 60_000),
          durationMinutes: 30,
          organizer: {
            key: advisorId,
            name: organizer!.name,
            email: organizer!.email,
            timeZone: organizer!.tz,
            locale: "en",
          },
        });
        const waiting = await waitFor("the checkout session", () =>
          row<{
            id: string;
            currency: string;
            price: number;
            fee: number;
            share: number;
            session: string;
          }>(sql`
            select c.id, c.currency, c.price, c.platform_fee as fee, c.advisor_share as share,
              p.provider_session_id as session
            from consultations c join payments p on p.consultation_id = c.id
            where c.booking_uid = ${booking.uid} and p.provider_session_id is not null`),
        );
        const consultationId = waiting.id;
        // The quote: half an hour at the rate, rounded half up to the currency's minor
        // unit, split into fee and share without losing one.
        expect(waiting.currency).toBe(c.currency);
        expect(waiting.price).toBe(mulDiv(c.rate, 30, 60, "half_up"));
        expect(waiting.fee + waiting.share).toBe(waiting.price);
        const status = async () =>
          (
            await row<{ status: string }>(
              sql`select status from consultations where id = ${consultationId}`,
            )
          )?.status;

        // Pays on the simulated checkout, charged in the consultation's currency.
        expect((await form(`/sim/checkout/${waiting.session}/pay`, {})).status).toBe(303);
        await waitFor("released", async () => (await status()) === "released");
        const sim = createSimulatedPayments(config(), { store, deliver: () => Promise.resolve() });
        const payment = (await row<{ charge: string; amount: number; currency: string }>(sql`
          select charge_id as charge, amount, currency from payments
          where consultation_id = ${consultationId} and status = 'paid'`))!;
        expect(payment).toMatchObject({ amount: waiting.price, currency: c.currency });
        expect(await ledger(consultationId, advisorId, c.currency)).toEqual({
          held: 0,
          payable: waiting.share,
          inTransit: 0,
          receivable: 0,
        });

        // Paid out now: one transfer of the share, in the currency, from the charge.
        await call(ADMIN, "payoutAdmin.runOffCycle", { advisorId }, "mutation");
        await waitFor("paid out", async () => (await status()) === "paid_out", 60_000);
        const item = (await row<{ transfer: string; amount: number; currency: string }>(sql`
          select i.provider_transfer_id as transfer, i.amount, b.currency
          from payout_items i join payout_batches b on b.id = i.batch_id
          where i.consultation_id = ${consultationId} and i.status = 'sent'`))!;
        expect({ amount: Number(item.amount), currency: item.currency }).toEqual({
          amount: waiting.share,
          currency: c.currency,
        });
        expect(await sim.getTransfer(item.transfer)).toMatchObject({
          amount: waiting.share,
          currency: c.currency.toLowerCase(),
          source_transaction: payment.charge,
        });
        expect(await ledger(consultationId, advisorId, c.currency)).toEqual({
          held: 0,
          payable: 0,
          inTransit: 0,
          receivable: 0,
        });

        // Refunded in full after payout: the share is reversed from the advisor's account.
        await call(
          ADMIN,
          "consultations.refund",
          { consultationId, amount: waiting.price, reason: "advisor never joined" },
          "mutation",
        );
        await waitFor("refunded", async () => (await status()) === "refunded", 60_000);
        await waitFor("the reversal", () =>
          row(
            sql`select 1 as ok from transfer_reversals where consultation_id = ${consultationId} and status = 'succeeded'`,
          ),
        );
        expect((await sim.getTransfer(item.transfer))?.amount_reversed).toBe(waiting.share);
        expect(await ledger(consultationId, advisorId, c.currency)).toEqual({
          held: 0,
          payable: 0,
          inTransit: 0,
          receivable: 0,
        });
        // Every posting is in the consultation's currency; the platform keeps only
        // Stripe's fee as a cost, in that currency too.
        const postings = await api.db.db.execute<{ currency: string; stripe: string }>(sql`
          select p.currency,
            coalesce(sum(p.amount) filter (where p.account = 'stripe_balance'), 0) as stripe
          from journal_postings p join journal_entries e on e.id = p.entry_id
          where e.consultation_id = ${consultationId} group by p.currency`);
        const fee = (await row<{ fee: number }>(
          sql`select coalesce(processing_fee, 0) as fee from payments where consultation_id = ${consultationId} and status = 'paid'`,
        ))!.fee;
        expect(postings.map((p) => ({ currency: p.currency, stripe: Number(p.stripe) }))).toEqual([
          { currency: c.currency, stripe: -fee },
        ]);
      },
    );
  }
});
