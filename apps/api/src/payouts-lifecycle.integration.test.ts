import type { ChildProcess } from "node:child_process";
import {
  createSimulatedPayments,
  createSimulatedScheduling,
  parseBillingEnv,
  resolveBillingConfig,
  type SimDelivery,
} from "@an/billing";
import {
  accountBalances,
  createPgSimStore,
  enqueueJob,
  findUnbalancedEntries,
  seedDemoMarketplace,
  setPlatformRules,
} from "@an/db";
import { DEFAULT_PAYOUT_RULE_SET } from "@an/domain";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callAs, postForm, spawnTestWorker, startTestApi, type TestApi, waitFor } from "./testing";

/**
 * One consultation's whole money story, through the real HTTP routes, the simulated
 * Stripe and Cal.com pages and a worker process: the advisor onboards to Connect, a client
 * prepares, books and pays, the meeting ends, the hold window passes, the share is
 * released and paid out by transfer, then the client is refunded in full and the transfer
 * is reversed. The ledger is checked after every step.
 */

const AMIRA = { id: "demo|advisor-amira" };
const SAM = { id: "demo|client-sam", email: "sam@demo.advisor.network", name: "Sam Carter" };
const ADMIN = { id: "demo|admin" };

describe("payout lifecycle against the simulated provider", () => {
  let api: TestApi;
  let worker: ChildProcess | null = null;

  beforeAll(async () => {
    // A zero-hour hold window: the window still runs (a timer at the meeting's end), it
    // just doesn't make the test wait.
    // The hold window is the operator's `payouts` rule, frozen on the consultation when booked.
    api = await startTestApi();
    await seedDemoMarketplace(api.db.db);
    const saved = await api.db.db.transaction((tx) =>
      setPlatformRules(tx, {
        kind: "payouts",
        rules: { ...DEFAULT_PAYOUT_RULE_SET, holdWindowHours: 0 },
        reason: "no hold in this test",
        actor: { kind: "user", userId: ADMIN.id },
      }),
    );
    if (!saved.ok) throw new Error(`payouts rules refused: ${saved.error.reason}`);
    worker = spawnTestWorker(api);
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

  async function ledger(consultationId: string) {
    const balances = await accountBalances(api.db.db, {
      accounts: [
        `client_funds_held:${consultationId}`,
        `advisor_payable:${AMIRA.id}`,
        `advisor_payout_in_transit:${AMIRA.id}`,
        `advisor_receivable:${AMIRA.id}`,
      ],
    });
    const of = (prefix: string) =>
      balances.filter((b) => b.account.startsWith(prefix)).reduce((s, b) => s + b.balance, 0);
    expect(await findUnbalancedEntries(api.db.db)).toEqual([]);
    // `+ 0` turns a liability's -0 into 0 for the comparisons.
    return {
      held: -of("client_funds_held:") + 0,
      payable: -of("advisor_payable:") + 0,
      inTransit: -of("advisor_payout_in_transit:") + 0,
      receivable: of("advisor_receivable:") + 0,
    };
  }

  it(
    "onboard → book → pay → end → hold → release → payout → refund → reversal",
    { timeout: 120_000 },
    async () => {
      // 1. The advisor onboards: a fresh link, the simulated Stripe page, account.updated.
      const link = await call<{ url: string }>(
        AMIRA,
        "payouts.createOnboardingLink",
        {},
        "mutation",
      );
      const again = await call<{ url: string }>(
        AMIRA,
        "payouts.createOnboardingLink",
        {},
        "mutation",
      );
      expect(again.url).not.toBe(link.url);
      expect(
        await row<{ n: string }>(
          sql`select count(*) as n from payout_accounts where advisor_id = ${AMIRA.id}`,
        ),
      ).toEqual({ n: "1" });
      const submitted = await form(link.url, { outcome: "complete" });
      expect(submitted.status).toBe(303);
      await waitFor("the transfers capability", () =>
        row(
          sql`select 1 as ok from payout_accounts where advisor_id = ${AMIRA.id} and transfers_capability = 'active'`,
        ),
      );

      // 2. The client prepares, then books on the simulated Cal.com. The booking was made
      // (on the scheduler's clock) a day ago for a 30-minute slot that ended an hour ago, so
      // the meeting can end and its hold window pass without the test waiting for a clock.
      const prepared = await call<{ bookingUrl: string }>(
        SAM,
        "bookings.prepare",
        { advisorId: AMIRA.id, durationMinutes: 30 },
        "mutation",
      );
      const url = new URL(prepared.bookingUrl);
      const config = resolveBillingConfig(parseBillingEnv({}), {
        production: false,
        defaultApiUrl: api.url,
      });
      const store = createPgSimStore(api.db.db);
      const deliver: SimDelivery = (provider, body) =>
        enqueueJob(api.db.db, "deliver_simulated_webhook", { provider, body });
      const dayAgo = new Date(Date.now() - 24 * 3_600_000);
      const scheduler = createSimulatedScheduling(config, { store, deliver, now: () => dayAgo });
      const [organizer] = await api.db.db.execute<{
        name: string;
        email: string;
        tz: string;
        et: string;
      }>(sql`
      select a.display_name as name, u.email, a.time_zone as tz, a.calcom_event_type as et
      from advisors a join users u on u.id = a.user_id where a.user_id = ${AMIRA.id}`);
      const booking = await scheduler.createBooking({
        eventType: organizer!.et,
        token: url.searchParams.get("metadata[bookingToken]")!,
        name: SAM.name,
        email: SAM.email,
        timeZone: "Europe/Berlin",
        startTime: new Date(Date.now() - 90 * 60_000),
        durationMinutes: 30,
        organizer: {
          key: AMIRA.id,
          name: organizer!.name,
          email: organizer!.email,
          timeZone: organizer!.tz,
          locale: "en",
        },
      });
      const uid = booking.uid;
      const waiting = await waitFor("the checkout session", () =>
        row<{ id: string; price: number; share: number; session: string }>(sql`
        select c.id, c.price, c.advisor_share as share, p.provider_session_id as session
        from consultations c join payments p on p.consultation_id = c.id
        where c.booking_uid = ${uid} and p.provider_session_id is not null`),
      );
      const consultationId = waiting.id;
      const status = async () =>
        (
          await row<{ status: string }>(
            sql`select status from consultations where id = ${consultationId}`,
          )
        )?.status;

      // 3. Pays on the simulated checkout page.
      expect((await form(`/sim/checkout/${waiting.session}/pay`, {})).status).toBe(303);
      // 4. The meeting's scheduled end has passed, so its timer completes it at once, and
      // 5. the (zero-hour) hold window elapses: released. Each step's ledger entry, in order.
      await waitFor("released", async () => (await status()) === "released");
      const timeline = await api.db.db.execute<{ type: string; to: string }>(sql`
      select type, to_status as to from consultation_events
      where consultation_id = ${consultationId} and applied order by at, id`);
      expect(timeline.map((e) => `${e.type}→${e.to}`)).toEqual([
        "booked→awaiting_payment",
        "payment_succeeded→confirmed",
        "scheduled_end_reached→completed",
        "hold_window_elapsed→released",
      ]);
      const entries = await api.db.db.execute<{ kind: string }>(sql`
      select kind from journal_entries where consultation_id = ${consultationId}
      order by posted_at, dedupe_key`);
      expect(entries.map((e) => e.kind).filter((k) => k !== "processing_fee")).toEqual([
        "payment_captured",
        "release",
      ]);
      expect(await ledger(consultationId)).toEqual({
        held: 0,
        payable: waiting.share,
        inTransit: 0,
        receivable: 0,
      });

      // 6. An admin pays it now (off-cycle): one transfer from the consultation's charge.
      await call(ADMIN, "payoutAdmin.runOffCycle", { advisorId: AMIRA.id }, "mutation");
      await waitFor("paid out", async () => (await status()) === "paid_out");
      expect(await ledger(consultationId)).toEqual({
        held: 0,
        payable: 0,
        inTransit: 0,
        receivable: 0,
      });
      const item = (await row<{ transfer: string; charge: string; amount: number }>(sql`
      select provider_transfer_id as transfer, source_charge_id as charge, amount
      from payout_items where consultation_id = ${consultationId} and status = 'sent'`))!;
      expect(Number(item.amount)).toBe(waiting.share);
      const sim = createSimulatedPayments(config, { store, deliver: () => Promise.resolve() });
      const transfer = await sim.getTransfer(item.transfer);
      expect(transfer).toMatchObject({
        amount: waiting.share,
        source_transaction: item.charge,
        transfer_group: `consultation_${consultationId}`,
      });
      const batches = await call<{ items: unknown[] }>(
        ADMIN,
        "payoutAdmin.listBatches",
        { advisorId: AMIRA.id },
        "query",
      );
      expect(batches.items).toHaveLength(1);

      // 7. Refunded in full after payout: the advisor's share becomes a receivable, and the
      // transfer is reversed from their balance, which settles it.
      await call(
        ADMIN,
        "consultations.refund",
        {
          consultationId,
          amount: waiting.price,
          reason: "advisor never joined, confirmed by support",
        },
        "mutation",
      );
      await waitFor("refunded", async () => (await status()) === "refunded");
      await waitFor("the reversal", () =>
        row(
          sql`select 1 as ok from transfer_reversals where consultation_id = ${consultationId} and status = 'succeeded'`,
        ),
      );
      expect(await ledger(consultationId)).toEqual({
        held: 0,
        payable: 0,
        inTransit: 0,
        receivable: 0,
      });
      expect((await sim.getTransfer(item.transfer))?.amount_reversed).toBe(waiting.share);
      // Everything went back to the client; the platform is left with Stripe's fee only.
      const fee = (await row<{ fee: number }>(
        sql`select coalesce(processing_fee, 0) as fee from payments where consultation_id = ${consultationId} and status = 'paid'`,
      ))!.fee;
      const others = await row<{ total: string }>(sql`
      select coalesce(sum(p.amount), 0) as total from journal_postings p
      join journal_entries e on e.id = p.entry_id
      where p.account = 'stripe_balance' and e.consultation_id = ${consultationId}`);
      expect(Number(others!.total)).toBe(-fee);
    },
  );
});
