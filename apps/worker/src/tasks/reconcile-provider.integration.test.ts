import {
  type BalanceTransactionInfo,
  type PaymentPort,
  ProviderUnavailableError,
  type RefundInfo,
  type TransferInfo,
} from "@an/billing";
import {
  FakePayments,
  fakeSubscriptions,
  providerInvoice,
  providerSubscription,
} from "@an/billing/testing";
import {
  createReconciliationReport,
  type Db,
  getReconciliationReport,
  syncBillingCustomer,
} from "@an/db";
import {
  billingCustomers,
  journalEntries,
  journalPostings,
  payments,
  payoutBatches,
  payoutItems,
  reconciliationReports,
  refunds,
  securityIncidents,
  transferReversals,
} from "@an/db/schema";
import { insertConsultation, useTestDatabase, ADVISOR, CLIENT, seedParties } from "@an/db/testing";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { jobHelpers } from "../processing/testing/fixtures";
import { seedPlans } from "../processing/testing/billing";
import { testWorkerDeps } from "../testing";
import { reconcileProvider, reconcileProviderNightly } from "./reconcile-provider";

const t = useTestDatabase((db) => seedParties(db.db));

/** The reconciled day, and "now" for the nightly run (early the next morning, UTC). */
const DAY_START = new Date("2026-03-01T00:00:00.000Z");
const DAY_END = new Date("2026-03-02T00:00:00.000Z");
const NIGHT = new Date("2026-03-02T03:15:00.000Z");
const at = (hour: number) => new Date(DAY_START.getTime() + hour * 3_600_000);

/**
 * The provider's records, as `PaymentPort`'s list methods return them. Only these three
 * methods are called by reconciliation; `unavailable` makes the next listing fail.
 */
class ProviderRecordsFake {
  transfers: TransferInfo[] = [];
  refunds: RefundInfo[] = [];
  balanceTransactions: BalanceTransactionInfo[] = [];
  unavailable = false;
  readonly asked: { from: Date; to: Date }[] = [];

  private answer<T>(period: { from: Date; to: Date }, rows: T[]): Promise<T[]> {
    this.asked.push(period);
    if (this.unavailable) return Promise.reject(new ProviderUnavailableError("stripe timed out"));
    return Promise.resolve(rows);
  }
  listTransfers = (p: { from: Date; to: Date }) => this.answer(p, this.transfers);
  listRefunds = (p: { from: Date; to: Date }) => this.answer(p, this.refunds);
  listBalanceTransactions = (p: { from: Date; to: Date }) =>
    this.answer(p, this.balanceTransactions);
}

function depsWith(db: Db, provider: ProviderRecordsFake, now = NIGHT) {
  return testWorkerDeps(db, {
    payments: provider as unknown as PaymentPort,
    now: () => now,
  });
}

/** A balanced journal entry posted at a given time (the ledger's own functions post "now"). */
async function post(
  db: Db,
  entry: { kind: string; consultationId: string; postedAt: Date; dedupeKey: string },
  lines: [string, number][],
) {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(journalEntries)
      .values(entry)
      .returning({ id: journalEntries.id });
    await tx
      .insert(journalPostings)
      .values(
        lines.map(([account, amount]) => ({ entryId: row!.id, account, amount, currency: "USD" })),
      );
  });
}

let seeded: {
  consultationId: string;
  refundedId: string;
  paymentId: string;
  itemId: string;
  refundId: string;
};

/**
 * One matching day: a charge (ch_1, 120.00 with a 3.80 fee), its 96.00 transfer (tr_1)
 * sent as a payout item, and a 50.00 refund of another consultation (re_1), with the
 * ledger's transfer and refund entries posted the same day.
 */
beforeAll(async () => {
  const db = t.db;
  const consultationId = await insertConsultation(db, {
    clientId: CLIENT.id,
    advisorId: ADVISOR.id,
    status: "paid_out",
  });
  const refundedId = await insertConsultation(db, {
    clientId: CLIENT.id,
    advisorId: ADVISOR.id,
    status: "refunded",
    refundablePrice: 7_000,
    refundableFee: 1_400,
    refundableShare: 5_600,
  });
  const [payment] = await db
    .insert(payments)
    .values({
      consultationId,
      providerSessionId: "cs_1",
      status: "paid",
      amount: 12_000,
      currency: "USD",
      paymentIntentId: "pi_1",
      chargeId: "ch_1",
      processingFee: 380,
      expiresAt: at(11),
      paidAt: at(10),
    })
    .returning({ id: payments.id });
  const [batch] = await db
    .insert(payoutBatches)
    .values({
      advisorId: ADVISOR.id,
      kind: "scheduled",
      scheduledFor: at(12),
      currency: "USD",
      grossAmount: 9_600,
      totalAmount: 9_600,
      itemCount: 1,
    })
    .returning({ id: payoutBatches.id });
  const [item] = await db
    .insert(payoutItems)
    .values({
      batchId: batch!.id,
      advisorId: ADVISOR.id,
      consultationId,
      sourceChargeId: "ch_1",
      destinationAccountId: "acct_amira",
      currency: "USD",
      grossAmount: 9_600,
      amount: 9_600,
      status: "sent",
      providerTransferId: "tr_1",
      sentAt: at(12),
    })
    .returning({ id: payoutItems.id });
  const [refund] = await db
    .insert(refunds)
    .values({
      consultationId: refundedId,
      amount: 5_000,
      currency: "USD",
      reason: "client cancelled",
      status: "succeeded",
      providerRefundId: "re_1",
      eventId: "evt_cancel",
      createdAt: at(14),
    })
    .returning({ id: refunds.id });
  await post(
    db,
    { kind: "transfer", consultationId, postedAt: at(12), dedupeKey: "test:transfer:1" },
    [
      [`advisor_payout_in_transit:${ADVISOR.id}`, 9_600],
      ["stripe_balance", -9_600],
    ],
  );
  await post(
    db,
    { kind: "refund", consultationId: refundedId, postedAt: at(14), dedupeKey: "test:refund:1" },
    [
      [`client_funds_held:${refundedId}`, 5_000],
      ["stripe_balance", -5_000],
    ],
  );
  seeded = {
    consultationId,
    refundedId,
    paymentId: payment!.id,
    itemId: item!.id,
    refundId: refund!.id,
  };
});

/** The provider's side of the matching day. */
function matchingProvider(): ProviderRecordsFake {
  const p = new ProviderRecordsFake();
  p.transfers = [
    {
      id: "tr_1",
      amount: 9_600,
      currency: "usd",
      destination: "acct_amira",
      sourceTransaction: "ch_1",
      transferGroup: `consultation_${seeded.consultationId}`,
      amountReversed: 0,
      payoutItemId: seeded.itemId,
      consultationId: seeded.consultationId,
      created: at(12),
    },
  ];
  p.refunds = [
    {
      id: "re_1",
      amount: 5_000,
      currency: "usd",
      status: "succeeded",
      paymentIntentId: "pi_2",
      chargeId: "ch_2",
      refundId: seeded.refundId,
      created: at(14),
    },
  ];
  p.balanceTransactions = [
    {
      id: "txn_1",
      type: "charge",
      amount: 12_000,
      fee: 380,
      net: 11_620,
      currency: "usd",
      source: "ch_1",
      created: at(10),
    },
    // Other kinds of balance transactions are compared through their own objects.
    {
      id: "txn_2",
      type: "transfer",
      amount: -9_600,
      fee: 0,
      net: -9_600,
      currency: "usd",
      source: "tr_1",
      created: at(12),
    },
  ];
  return p;
}

async function startReport(from = DAY_START, to = DAY_END) {
  return t.db.transaction((tx) => createReconciliationReport(tx, { from, to, requestedBy: null }));
}

async function reportsFor(from: Date, to: Date) {
  return t.db
    .select()
    .from(reconciliationReports)
    .where(
      sql`${reconciliationReports.periodFrom} = ${from.toISOString()}::timestamptz and ${reconciliationReports.periodTo} = ${to.toISOString()}::timestamptz`,
    );
}

const incidentFor = (reportId: string) =>
  t.db
    .select()
    .from(securityIncidents)
    .where(eq(securityIncidents.dedupeKey, `reconciliation:${reportId}`));

describe("reconcile_provider_nightly", () => {
  it("reconciles the previous UTC day once: matching records give a completed report with no differences", async () => {
    const provider = matchingProvider();
    const run = reconcileProviderNightly(depsWith(t.db, provider));
    await run({}, jobHelpers());
    await run({}, jobHelpers());

    const reports = await reportsFor(DAY_START, DAY_END);
    expect(reports).toHaveLength(1);
    const report = reports[0]!;
    expect(report).toMatchObject({
      status: "completed",
      differenceCount: 0,
      requestedBy: null,
      finishedAt: NIGHT,
    });
    // The second run found the completed report and asked the provider nothing.
    expect(provider.asked).toHaveLength(3);
    expect(provider.asked[0]).toEqual({ from: DAY_START, to: DAY_END });
    expect(report.summary).toMatchObject({
      transfers: {
        USD: { ours: { count: 1, amount: 9_600 }, provider: { count: 1, amount: 9_600 } },
      },
      refunds: {
        USD: { ours: { count: 1, amount: 5_000 }, provider: { count: 1, amount: 5_000 } },
      },
      charges: {
        USD: { ours: { count: 1, amount: 12_000 }, provider: { count: 1, amount: 12_000 } },
      },
      ledger: {
        USD: {
          transfers: { ledger: 9_600, provider: 9_600 },
          refunds: { ledger: 5_000, provider: 5_000 },
        },
      },
      differences: {},
    });
    expect(await incidentFor(report.id)).toEqual([]);
  });

  it("resumes a report left running by an interrupted run, and retries an unavailable provider", async () => {
    const from = new Date("2026-02-27T00:00:00.000Z");
    const to = new Date("2026-02-28T00:00:00.000Z");
    const provider = new ProviderRecordsFake();
    provider.unavailable = true;
    const run = reconcileProviderNightly(depsWith(t.db, provider, new Date("2026-02-28T02:00Z")));
    await expect(run({}, jobHelpers(1, 5))).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect((await reportsFor(from, to)).map((r) => r.status)).toEqual(["running"]);

    provider.unavailable = false;
    await run({}, jobHelpers(2, 5));
    const reports = await reportsFor(from, to);
    expect(reports.map((r) => [r.status, r.differenceCount])).toEqual([["completed", 0]]);
  });
});

describe("reconcile_provider", () => {
  it("reports each difference: a transfer only at the provider, an amount mismatch, a missing refund, a wrong fee, an unrecorded reversal", async () => {
    const provider = matchingProvider();
    provider.transfers[0]!.amount = 9_500;
    provider.transfers[0]!.amountReversed = 2_000;
    provider.transfers.push({
      id: "tr_stray",
      amount: 1_000,
      currency: "usd",
      destination: "acct_other",
      sourceTransaction: null,
      transferGroup: null,
      amountReversed: 0,
      payoutItemId: null,
      consultationId: null,
      created: at(16),
    });
    provider.refunds = [];
    provider.balanceTransactions[0]!.fee = 420;
    const report = await startReport();
    await reconcileProvider(depsWith(t.db, provider))({ reportId: report.id }, jobHelpers());

    const stored = await getReconciliationReport(t.db, { id: report.id });
    expect(stored?.status).toBe("completed");
    const found = stored!.differences.map((d) => ({
      kind: d.kind,
      objectType: d.objectType,
      providerObjectId: d.providerObjectId,
      ourId: d.ourId,
      ourAmount: d.ourAmount,
      providerAmount: d.providerAmount,
    }));
    expect(found).toEqual(
      expect.arrayContaining([
        {
          kind: "amount_mismatch",
          objectType: "transfer",
          providerObjectId: "tr_1",
          ourId: seeded.itemId,
          ourAmount: 9_600,
          providerAmount: 9_500,
        },
        {
          kind: "amount_mismatch",
          objectType: "transfer_reversal",
          providerObjectId: "tr_1",
          ourId: seeded.itemId,
          ourAmount: 0,
          providerAmount: 2_000,
        },
        {
          kind: "missing_here",
          objectType: "transfer",
          providerObjectId: "tr_stray",
          ourId: null,
          ourAmount: null,
          providerAmount: 1_000,
        },
        {
          kind: "missing_at_provider",
          objectType: "refund",
          providerObjectId: "re_1",
          ourId: seeded.refundId,
          ourAmount: 5_000,
          providerAmount: null,
        },
        {
          kind: "fee_mismatch",
          objectType: "charge",
          providerObjectId: "ch_1",
          ourId: seeded.paymentId,
          ourAmount: 380,
          providerAmount: 420,
        },
        {
          kind: "ledger_mismatch",
          objectType: "ledger",
          providerObjectId: null,
          ourId: null,
          ourAmount: 9_600,
          providerAmount: 10_500,
        },
        {
          kind: "ledger_mismatch",
          objectType: "ledger",
          providerObjectId: null,
          ourId: null,
          ourAmount: 5_000,
          providerAmount: 0,
        },
      ]),
    );
    expect(found).toHaveLength(7);
    expect(stored!.differenceCount).toBe(7);
    const stray = stored!.differences.find((d) => d.providerObjectId === "tr_stray")!;
    expect(stray.message).toBe(
      "Transfer tr_stray of $10.00 to acct_other exists at the provider but matches no payout item here.",
    );
    expect(stored!.summary).toMatchObject({
      differences: {
        amount_mismatch: 2,
        missing_here: 1,
        missing_at_provider: 1,
        fee_mismatch: 1,
        ledger_mismatch: 2,
      },
    });
    // Admins are told once, as one incident for the report.
    expect(await incidentFor(report.id)).toEqual([
      expect.objectContaining({ kind: "reconciliation_difference", resolvedAt: null }),
    ]);

    // Running the finished report again stores nothing new.
    await reconcileProvider(depsWith(t.db, matchingProvider()))(
      { reportId: report.id },
      jobHelpers(),
    );
    expect((await getReconciliationReport(t.db, { id: report.id }))!.differences).toHaveLength(7);
  });

  it("matches a transfer by the payout item id in its metadata when we never recorded its id", async () => {
    await t.db
      .update(payoutItems)
      .set({ status: "retrying", providerTransferId: null, sentAt: null })
      .where(eq(payoutItems.id, seeded.itemId));
    try {
      const report = await startReport();
      await reconcileProvider(depsWith(t.db, matchingProvider()))(
        { reportId: report.id },
        jobHelpers(),
      );
      const stored = await getReconciliationReport(t.db, { id: report.id });
      expect(stored!.differences.map((d) => [d.kind, d.objectType, d.ourId])).toEqual([
        ["status_mismatch", "transfer", seeded.itemId],
      ]);
      expect(stored!.differences[0]!.message).toBe(
        `The provider made transfer tr_1 for payout item ${seeded.itemId}, which is retrying here with no transfer recorded.`,
      );
    } finally {
      await t.db
        .update(payoutItems)
        .set({ status: "sent", providerTransferId: "tr_1", sentAt: at(12) })
        .where(eq(payoutItems.id, seeded.itemId));
    }
  });

  it("counts succeeded reversals against the provider's amount reversed", async () => {
    const [reversal] = await t.db
      .insert(transferReversals)
      .values({
        consultationId: seeded.consultationId,
        payoutItemId: seeded.itemId,
        advisorId: ADVISOR.id,
        providerTransferId: "tr_1",
        amount: 2_000,
        currency: "USD",
        dedupeKey: "test:reversal",
        reason: "refund after payout",
        status: "succeeded",
        providerReversalId: "trr_1",
      })
      .returning({ id: transferReversals.id });
    try {
      const provider = matchingProvider();
      provider.transfers[0]!.amountReversed = 2_000;
      const report = await startReport();
      await reconcileProvider(depsWith(t.db, provider))({ reportId: report.id }, jobHelpers());
      const stored = await getReconciliationReport(t.db, { id: report.id });
      expect(stored!.differences).toEqual([]);
      expect(stored!.summary).toMatchObject({
        reversals: {
          USD: { ours: { count: 1, amount: 2_000 }, provider: { count: 1, amount: 2_000 } },
        },
      });
    } finally {
      await t.db.delete(transferReversals).where(eq(transferReversals.id, reversal!.id));
    }
  });

  it("matches a subscription invoice's charge and its refund through the synced invoice", async () => {
    // A paid subscription invoice synced from Stripe: its charge (ch_sub1) and fee are stored.
    const prices = await seedPlans(t.db);
    const customerId = "cus_reconcile";
    await t.db.insert(billingCustomers).values({ userId: CLIENT.id, stripeCustomerId: customerId });
    const billing = fakeSubscriptions();
    const charges = new FakePayments();
    billing.setState(customerId, {
      subscriptions: [providerSubscription({ id: "sub_r1", customerId, priceId: prices.pro })],
      invoices: [
        providerInvoice({ id: "in_sub1", customerId, subscriptionId: "sub_r1", created: at(9) }),
      ],
    });
    charges.refundedByIntent.set("pi_sub1", 500);
    await syncBillingCustomer(
      t.db,
      { subscriptions: billing, payments: charges },
      { stripeCustomerId: customerId, source: "reconcile:test", now: at(10) },
    );

    const provider = matchingProvider();
    provider.balanceTransactions.push({
      id: "txn_sub1",
      type: "charge",
      amount: 1_500,
      fee: 380,
      net: 1_120,
      currency: "usd",
      source: "ch_sub1",
      created: at(9),
    });
    provider.refunds.push({
      id: "re_sub1",
      amount: 500,
      currency: "usd",
      status: "succeeded",
      paymentIntentId: "pi_sub1",
      chargeId: "ch_sub1",
      refundId: null,
      created: at(11),
    });
    const report = await startReport();
    await reconcileProvider(depsWith(t.db, provider))({ reportId: report.id }, jobHelpers());
    const stored = await getReconciliationReport(t.db, { id: report.id });
    expect(stored!.differences).toEqual([]);

    // A refund the ledger never reversed is reported against the invoice.
    provider.refunds.push({ ...provider.refunds.at(-1)!, id: "re_sub2", amount: 300 });
    const second = await startReport(at(-24), DAY_END);
    await reconcileProvider(depsWith(t.db, provider))({ reportId: second.id }, jobHelpers());
    const found = await getReconciliationReport(t.db, { id: second.id });
    expect(found!.differences.map((d) => [d.kind, d.objectType, d.ourId])).toEqual([
      ["amount_mismatch", "subscription_invoice", "in_sub1"],
    ]);
  });

  it("marks the report failed when the provider stays unavailable on the last attempt", async () => {
    const provider = matchingProvider();
    provider.unavailable = true;
    const report = await startReport();
    await reconcileProvider(depsWith(t.db, provider))({ reportId: report.id }, jobHelpers(5, 5));
    const stored = await getReconciliationReport(t.db, { id: report.id });
    expect(stored).toMatchObject({
      status: "failed",
      error: "stripe timed out",
      differenceCount: 0,
    });
  });
});
