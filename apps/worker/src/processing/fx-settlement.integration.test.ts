import {
  createSimulatedPayments,
  DEV_BOOKING_TOKEN_SECRET,
  signBookingToken,
  type SimulatedPayments,
} from "@an/billing";
import {
  accountBalances,
  applyConsultationEvent,
  createPgSimStore,
  loadOurReconciliationRecords,
  findUnbalancedEntries,
  insertPayoutAccount,
  listEntriesForConsultation,
  listPayments,
  listRefunds,
} from "@an/db";
import { bookingIntents, payoutItems, transferReversals } from "@an/db/schema";
import {
  ADVISOR,
  CLIENT,
  completeConsultation,
  useTestDatabase,
  seedParties,
} from "@an/db/testing";
import { compareReconciliation, convertAtRate, DEFAULT_REFUND_POLICY } from "@an/domain";
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { FakeScheduling } from "@an/billing/testing";
import { createHandlers } from "../tasks";
import { testBillingConfig, testWorkerDeps } from "../testing";
import {
  addMinutes,
  calcomBooking,
  calcomEnvelope,
  deliver,
  jobHelpers,
  newUid,
  openCheckout,
  processDelivery,
  type Stage,
  storeDelivery,
  T0,
} from "./testing/fixtures";

/*
 * An advisor pricing in AED on a platform whose Stripe balance settles in USD, end to end
 * against the simulated Stripe: the charge converts at its balance transaction's rate
 * (the ledger books both sides through `fx_conversion`), the payout goes out in USD at the
 * charge's rate, a refund converts back at its own moment's rate, and reconciliation
 * matches the provider to the cent in each currency.
 */

const t = useTestDatabase((db) => seedParties(db.db));
const helpers = jobHelpers();

// 440.00 AED an hour; the platform keeps 20 %.
const AED_QUOTE = { price: 44_000, platformFee: 8_800, advisorShare: 35_200 };

type SimStage = Stage & { payments: SimulatedPayments; sent: string[] };
let s: SimStage;

beforeEach(() => {
  const clock = { now: T0 };
  const sent: string[] = [];
  const config = testBillingConfig({}, { STRIPE_SETTLEMENT_CURRENCIES: "USD" });
  const payments = createSimulatedPayments(config, {
    store: createPgSimStore(t.db),
    now: () => clock.now,
    deliver: (provider, body) => {
      if (provider === "stripe") sent.push(body);
      return Promise.resolve();
    },
  });
  const deps = testWorkerDeps(t.db, {
    payments,
    scheduling: new FakeScheduling(),
    now: () => clock.now,
    billing: config,
  });
  s = { clock, deps, handlers: createHandlers(deps), payments, sent };
});

/** Books an AED consultation through a booking link, as Cal.com reports it. */
async function bookAed(): Promise<string> {
  const expiresAt = addMinutes(s.clock.now, 120);
  const [intent] = await t.db
    .insert(bookingIntents)
    .values({
      clientId: CLIENT.id,
      advisorId: ADVISOR.id,
      durationMinutes: 60,
      quote: {
        currency: "AED",
        hourlyRate: AED_QUOTE.price,
        ...AED_QUOTE,
        rules: { pricing: "test", commission: "test" },
      },
      refundPolicy: DEFAULT_REFUND_POLICY,
      holdWindowHours: 48,
      expiresAt,
    })
    .returning({ id: bookingIntents.id });
  const token = signBookingToken({ intentId: intent!.id, expiresAt }, DEV_BOOKING_TOKEN_SECRET);
  const r = await deliver(
    s,
    "calcom",
    calcomEnvelope("BOOKING_CREATED", calcomBooking({ uid: newUid(), token }), s.clock.now),
  );
  if (!r.consultationId) throw new Error(`booking failed: ${r.status} ${r.outcome ?? ""}`);
  return r.consultationId;
}

/** Stores and processes the events the simulated Stripe sent since the last call. */
async function processSent() {
  for (const body of s.sent.splice(0)) {
    const id = await storeDelivery(t.db, "stripe", body, s.clock.now);
    const r = await processDelivery(s, id);
    if (r.status === "failed") throw new Error(`event failed: ${r.error?.message ?? ""}`);
  }
}

async function bookAndPayAed(): Promise<{ consultationId: string; chargeId: string }> {
  const consultationId = await bookAed();
  const { sessionId } = await openCheckout(s, consultationId);
  const paid = await s.payments.paySession(sessionId);
  await processSent();
  return { consultationId, chargeId: paid.chargeId! };
}

/** Our records against the simulated Stripe's for a period, as the nightly task compares them. */
async function reconcile(period: { from: Date; to: Date }) {
  const provider = {
    transfers: await s.payments.listTransfers(period),
    refunds: await s.payments.listRefunds(period),
    balanceTransactions: await s.payments.listBalanceTransactions(period),
  };
  const ours = await loadOurReconciliationRecords(t.db, { ...period, provider });
  return compareReconciliation(ours, provider);
}

/**
 * From the scenario's start to past now: the simulated Stripe dates its objects by the
 * test clock, the ledger posts at the database's time.
 */
const period = () => ({ from: T0, to: new Date(Date.now() + 60 * 60_000) });

const balance = async (account: string, currency: string) =>
  (await accountBalances(t.db, { prefix: account })).find(
    (b) => b.account === account && b.currency === currency,
  )?.balance ?? 0;

describe("an AED consultation on a USD-settling platform", () => {
  it("is charged in AED, settles in USD with an FX entry, and is paid out in USD at the charge's rate", async () => {
    const { consultationId, chargeId } = await bookAndPayAed();

    // 440.00 AED × 0.2723 = 119.81 USD; Stripe's fee is in USD.
    const [payment] = await listPayments(t.db, { consultationId });
    expect(payment).toMatchObject({
      status: "paid",
      amount: 44_000,
      currency: "AED",
      settlementAmount: 11_981,
      settlementCurrency: "USD",
      exchangeRate: "0.2723",
      processingFee: 377,
    });
    const entries = await listEntriesForConsultation(t.db, { consultationId });
    expect(entries.map((e) => e.kind)).toEqual([
      "payment_captured",
      "processing_fee",
      "fx_conversion",
    ]);
    const fx = entries.find((e) => e.kind === "fx_conversion")!;
    expect(fx.postings).toEqual(
      expect.arrayContaining([
        { account: "stripe_balance", amount: -44_000, currency: "AED" },
        { account: "fx_conversion", amount: 44_000, currency: "AED" },
        { account: "stripe_balance", amount: 11_981, currency: "USD" },
        { account: "fx_conversion", amount: -11_981, currency: "USD" },
      ]),
    );
    expect(entries.find((e) => e.kind === "processing_fee")!.postings).toContainEqual({
      account: "stripe_balance",
      amount: -377,
      currency: "USD",
    });

    // Completed, released, then paid out.
    const done = await completeConsultation(t.db, consultationId, addMinutes(T0, 4 * 24 * 60));
    const released = await t.db.transaction((tx) =>
      applyConsultationEvent(tx, {
        consultationId,
        event: { type: "hold_window_elapsed", id: "timer:fx-release", actor: "system" },
        now: new Date(done.holdEndsAt!.getTime() + 1),
        origin: { source: "test:timer" },
      }),
    );
    expect(released.kind).toBe("applied");
    s.clock.now = new Date(done.holdEndsAt!.getTime() + 60_000);
    const created = await s.payments.createExpressAccount({
      advisorId: ADVISOR.id,
      serviceAgreement: "full",
      email: ADVISOR.email,
      // Paid in AED, but banks in the US: a US account is what a US platform can pay.
      country: "US",
      idempotencyKey: `account:${ADVISOR.id}`,
    });
    await s.payments.completeOnboarding(created.id);
    const account = await s.payments.retrieveAccount(created.id);
    await insertPayoutAccount(t.db, { advisorId: ADVISOR.id, account, now: s.clock.now });
    await s.handlers.prepare_payout_batch(
      {
        kind: "off_cycle",
        advisorId: ADVISOR.id,
        requestedBy: ADVISOR.id,
        requestedAt: s.clock.now.toISOString(),
      },
      helpers,
    );
    const [item] = await t.db
      .select()
      .from(payoutItems)
      .where(eq(payoutItems.consultationId, consultationId));
    expect(item).toMatchObject({ amount: 35_200, currency: "AED", sourceChargeId: chargeId });
    await s.handlers.send_payout_item({ itemId: item!.id }, helpers);

    // 352.00 AED × 0.2723 = 95.8496 → 95.85 USD, funded by the charge.
    const [sent] = await t.db.select().from(payoutItems).where(eq(payoutItems.id, item!.id));
    expect(sent).toMatchObject({
      status: "sent",
      transferAmount: 9_585,
      transferCurrency: "USD",
    });
    const transfer = await s.payments.getTransfer(sent!.providerTransferId!);
    expect(transfer).toMatchObject({
      amount: 9_585,
      currency: "usd",
      source_transaction: chargeId,
    });
    const transferEntry = (await listEntriesForConsultation(t.db, { consultationId })).find(
      (e) => e.kind === "transfer",
    )!;
    expect(transferEntry.postings).toEqual(
      expect.arrayContaining([
        { account: `advisor_payout_in_transit:${ADVISOR.id}`, amount: 35_200, currency: "AED" },
        { account: "fx_conversion", amount: -35_200, currency: "AED" },
        { account: "fx_conversion", amount: 9_585, currency: "USD" },
        { account: "stripe_balance", amount: -9_585, currency: "USD" },
      ]),
    );

    // The platform's balance holds no AED; its USD is what Stripe's balance moved.
    expect(await balance("stripe_balance", "AED")).toBe(0);
    expect(await balance("stripe_balance", "USD")).toBe(11_981 - 377 - 9_585);
    expect(await findUnbalancedEntries(t.db)).toEqual([]);
    const report = await reconcile(period());
    expect(report.differences).toEqual([]);
    expect(report.summary.charges.USD).toEqual({
      ours: { count: 1, amount: 11_981 },
      provider: { count: 1, amount: 11_981 },
    });
    expect(report.summary.transfers.USD?.provider.amount).toBe(9_585);

    // A refund after the payout: the advisor's part comes back as a USD reversal at the
    // charge's rate, clearing the AED receivable through the FX account.
    const refunded = await t.db.transaction((tx) =>
      applyConsultationEvent(tx, {
        consultationId,
        event: {
          type: "admin_refund",
          id: "admin:fx-after-payout",
          actor: "admin",
          amount: { amount: 10_000, currency: "AED" },
        },
        now: s.clock.now,
        origin: { source: "test:admin" },
      }),
    );
    expect(refunded.kind).toBe("applied");
    const [refund] = await listRefunds(t.db, { consultationId });
    await s.handlers.refund_payment({ refundId: refund!.id }, helpers);
    const [reversal] = await t.db
      .select()
      .from(transferReversals)
      .where(eq(transferReversals.consultationId, consultationId));
    const expected = convertAtRate({ amount: reversal!.amount, currency: "AED" }, "0.2723", "USD");
    expect(expected.ok && reversal).toMatchObject({
      currency: "AED",
      transferCurrency: "USD",
      transferAmount: expected.ok ? expected.value.amount : -1,
    });
    await s.handlers.reverse_transfer({ reversalId: reversal!.id }, helpers);
    expect((await s.payments.getTransfer(sent!.providerTransferId!))?.amount_reversed).toBe(
      reversal!.transferAmount,
    );
    const reversalEntry = (await listEntriesForConsultation(t.db, { consultationId })).find(
      (e) => e.kind === "transfer_reversal",
    )!;
    expect(reversalEntry.postings).toEqual(
      expect.arrayContaining([
        { account: "stripe_balance", amount: reversal!.transferAmount, currency: "USD" },
        {
          account: `advisor_receivable:${ADVISOR.id}`,
          amount: -reversal!.amount,
          currency: "AED",
        },
      ]),
    );
    expect(await balance("stripe_balance", "AED")).toBe(0);
    expect(await balance(`advisor_receivable:${ADVISOR.id}`, "AED")).toBe(0);
    expect(await findUnbalancedEntries(t.db)).toEqual([]);
    await processSent();
    expect((await reconcile(period())).differences).toEqual([]);
  });

  it("a partial refund converts back at the rate of its own moment", async () => {
    const { consultationId } = await bookAndPayAed();
    // The dirham strengthened between the charge and the refund.
    await s.payments.fx.setUsdRate("AED", "0.275");
    s.clock.now = addMinutes(s.clock.now, 30);

    const refunded = await t.db.transaction((tx) =>
      applyConsultationEvent(tx, {
        consultationId,
        event: {
          type: "admin_refund",
          id: "admin:fx-refund",
          actor: "admin",
          amount: { amount: 10_000, currency: "AED" },
        },
        now: s.clock.now,
        origin: { source: "test:admin" },
      }),
    );
    expect(refunded.kind).toBe("applied");
    const [refund] = await listRefunds(t.db, { consultationId });
    await s.handlers.refund_payment({ refundId: refund!.id }, helpers);

    // 100.00 AED × 0.275 = 27.50 USD left the balance.
    const [row] = await listRefunds(t.db, { consultationId });
    expect(row).toMatchObject({
      status: "succeeded",
      amount: 10_000,
      currency: "AED",
      settlementAmount: 2_750,
      settlementCurrency: "USD",
      exchangeRate: "0.275",
    });
    const entries = await listEntriesForConsultation(t.db, { consultationId });
    const fx = entries.filter((e) => e.kind === "fx_conversion");
    expect(fx).toHaveLength(2);
    expect(fx.map((e) => e.postings)).toContainEqual(
      expect.arrayContaining([
        { account: "stripe_balance", amount: -2_750, currency: "USD" },
        { account: "fx_conversion", amount: 2_750, currency: "USD" },
        { account: "stripe_balance", amount: 10_000, currency: "AED" },
        { account: "fx_conversion", amount: -10_000, currency: "AED" },
      ]),
    );
    expect(await balance("stripe_balance", "AED")).toBe(0);
    expect(await findUnbalancedEntries(t.db)).toEqual([]);
    await processSent();
    const report = await reconcile(period());
    expect(report.differences).toEqual([]);
  });
});
