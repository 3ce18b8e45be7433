import { describe, expect, it } from "vitest";
import { compareReconciliation, type OurRecords, type ProviderRecords } from "./reconciliation";

const ITEM = "11111111-1111-4111-8111-111111111111";
const CONSULTATION = "22222222-2222-4222-8222-222222222222";
const REFUND = "33333333-3333-4333-8333-333333333333";
const PAYMENT = "44444444-4444-4444-8444-444444444444";

/** One transfer, one refund and one charge that agree on both sides, ledger included. */
function matching(): { ours: OurRecords; provider: ProviderRecords } {
  return {
    ours: {
      transfers: [
        {
          itemId: ITEM,
          consultationId: CONSULTATION,
          providerTransferId: "tr_1",
          status: "sent",
          amount: 8_000,
          currency: "EUR",
          destination: "acct_1",
          reversed: 0,
          inPeriod: true,
        },
      ],
      refunds: [
        {
          id: REFUND,
          consultationId: CONSULTATION,
          providerRefundId: "re_1",
          status: "succeeded",
          amount: 2_000,
          currency: "EUR",
          inPeriod: true,
        },
      ],
      payments: [
        {
          id: PAYMENT,
          consultationId: CONSULTATION,
          chargeId: "ch_1",
          amount: 10_000,
          currency: "EUR",
          processingFee: 320,
          inPeriod: true,
        },
      ],
      ledger: [{ currency: "EUR", transfers: 8_000, refunds: 2_000 }],
    },
    provider: {
      transfers: [
        {
          id: "tr_1",
          amount: 8_000,
          currency: "eur",
          destination: "acct_1",
          amountReversed: 0,
          payoutItemId: ITEM,
          consultationId: CONSULTATION,
        },
      ],
      refunds: [
        { id: "re_1", amount: 2_000, currency: "eur", status: "succeeded", refundId: REFUND },
      ],
      balanceTransactions: [
        { id: "txn_1", type: "charge", amount: 10_000, fee: 320, currency: "eur", source: "ch_1" },
      ],
    },
  };
}

type Records = ReturnType<typeof matching>;

describe("compareReconciliation", () => {
  it("finds nothing when both sides agree, and sums each side per currency", () => {
    const { ours, provider } = matching();
    const { summary, differences } = compareReconciliation(ours, provider);
    expect(differences).toEqual([]);
    expect(summary).toEqual({
      transfers: {
        EUR: { ours: { count: 1, amount: 8_000 }, provider: { count: 1, amount: 8_000 } },
      },
      reversals: {},
      refunds: {
        EUR: { ours: { count: 1, amount: 2_000 }, provider: { count: 1, amount: 2_000 } },
      },
      charges: {
        EUR: { ours: { count: 1, amount: 10_000 }, provider: { count: 1, amount: 10_000 } },
      },
      ledger: {
        EUR: {
          transfers: { ledger: 8_000, provider: 8_000 },
          refunds: { ledger: 2_000, provider: 2_000 },
        },
      },
      differences: {},
    });
  });

  it.each<[string, (r: Records) => void, { kind: string; objectType: string }[]]>([
    [
      "a provider transfer matching no payout item is missing here",
      (r) => {
        r.ours.transfers = [];
        r.provider.transfers[0]!.payoutItemId = null;
        r.provider.transfers[0]!.id = "tr_other";
      },
      [{ kind: "missing_here", objectType: "transfer" }],
    ],
    [
      "a transfer of ours in the period that the provider doesn't list is missing there",
      (r) => {
        r.provider.transfers = [];
        r.ours.ledger[0]!.transfers = 0;
      },
      [{ kind: "missing_at_provider", objectType: "transfer" }],
    ],
    [
      "a transfer of ours outside the period is not expected at the provider",
      (r) => {
        r.provider.transfers = [];
        r.ours.ledger[0]!.transfers = 0;
        r.ours.transfers[0]!.inPeriod = false;
      },
      [],
    ],
    [
      "a transfer matched by our item id but recorded under another id is a status mismatch",
      (r) => {
        r.ours.transfers[0]!.providerTransferId = null;
      },
      [{ kind: "status_mismatch", objectType: "transfer" }],
    ],
    [
      "a transfer of another amount is an amount mismatch",
      (r) => {
        r.ours.transfers[0]!.amount = 7_999;
      },
      [{ kind: "amount_mismatch", objectType: "transfer" }],
    ],
    [
      "a transfer to another account is a destination mismatch",
      (r) => {
        r.provider.transfers[0]!.destination = "acct_2";
      },
      [{ kind: "destination_mismatch", objectType: "transfer" }],
    ],
    [
      "a reversal the provider made that we didn't record is a reversal amount mismatch",
      (r) => {
        r.provider.transfers[0]!.amountReversed = 500;
      },
      [{ kind: "amount_mismatch", objectType: "transfer_reversal" }],
    ],
    [
      "a provider refund matching no refund here is missing here",
      (r) => {
        r.ours.refunds = [];
        r.provider.refunds[0]!.refundId = null;
      },
      [{ kind: "missing_here", objectType: "refund" }],
    ],
    [
      "a refund of ours in the period that the provider doesn't list is missing there",
      (r) => {
        r.provider.refunds = [];
        r.ours.ledger[0]!.refunds = 0;
      },
      [{ kind: "missing_at_provider", objectType: "refund" }],
    ],
    [
      "a refund of another amount is an amount mismatch",
      (r) => {
        r.ours.refunds[0]!.amount = 1_500;
      },
      [{ kind: "amount_mismatch", objectType: "refund" }],
    ],
    [
      "a refund that failed at the provider but succeeded here is a status mismatch (and off the ledger)",
      (r) => {
        r.provider.refunds[0]!.status = "failed";
      },
      [
        { kind: "status_mismatch", objectType: "refund" },
        { kind: "ledger_mismatch", objectType: "ledger" },
      ],
    ],
    [
      "a refund still pending at the provider and pending here agrees",
      (r) => {
        r.provider.refunds[0]!.status = "requires_action";
        r.ours.refunds[0]!.status = "pending";
      },
      [],
    ],
    [
      "a provider charge matching no payment is missing here",
      (r) => {
        r.ours.payments = [];
      },
      [{ kind: "missing_here", objectType: "charge" }],
    ],
    [
      "a payment of ours in the period without a balance transaction is missing there",
      (r) => {
        r.provider.balanceTransactions = [];
      },
      [{ kind: "missing_at_provider", objectType: "charge" }],
    ],
    [
      "balance transactions other than charges and payments are not compared",
      (r) => {
        r.provider.balanceTransactions[0]!.type = "payout";
        r.ours.payments[0]!.inPeriod = false;
      },
      [],
    ],
    [
      "a charge of another amount is an amount mismatch",
      (r) => {
        r.provider.balanceTransactions[0]!.amount = 9_000;
      },
      [{ kind: "amount_mismatch", objectType: "charge" }],
    ],
    [
      "an unknown fee of ours is a fee mismatch",
      (r) => {
        r.ours.payments[0]!.processingFee = null;
      },
      [{ kind: "fee_mismatch", objectType: "charge" }],
    ],
    [
      "a ledger whose transfers differ from the provider's total is a ledger mismatch",
      (r) => {
        r.ours.ledger[0]!.transfers = 7_000;
      },
      [{ kind: "ledger_mismatch", objectType: "ledger" }],
    ],
  ])("%s", (_name, change, expected) => {
    const records = matching();
    change(records);
    const { summary, differences } = compareReconciliation(records.ours, records.provider);
    expect(differences.map(({ kind, objectType }) => ({ kind, objectType }))).toEqual(expected);
    const byKind: Record<string, number> = {};
    for (const d of expected) byKind[d.kind] = (byKind[d.kind] ?? 0) + 1;
    expect(summary.differences).toEqual(byKind);
  });

  it("matches a subscription invoice's charge and its refunds instead of reporting them unknown", () => {
    const { ours, provider } = matching();
    ours.subscriptionInvoices = [
      {
        invoiceId: "in_1",
        chargeId: "ch_sub",
        amount: 1_500,
        currency: "EUR",
        processingFee: 74,
        reversed: 500,
      },
    ];
    provider.balanceTransactions.push({
      id: "txn_sub",
      type: "charge",
      amount: 1_500,
      fee: 74,
      currency: "eur",
      source: "ch_sub",
    });
    provider.refunds.push({
      id: "re_sub",
      amount: 500,
      currency: "eur",
      status: "succeeded",
      refundId: null,
      chargeId: "ch_sub",
    });
    const agreed = compareReconciliation(ours, provider);
    expect(agreed.differences).toEqual([]);
    // Consultation refunds alone are compared with the ledger's refund entries.
    expect(agreed.summary.ledger.EUR!.refunds).toEqual({ ledger: 2_000, provider: 2_000 });
    expect(agreed.summary.charges.EUR).toEqual({
      ours: { count: 2, amount: 11_500 },
      provider: { count: 2, amount: 11_500 },
    });

    // The ledger reversed less than was refunded, and the fee differs: both reported.
    ours.subscriptionInvoices[0]!.reversed = 0;
    ours.subscriptionInvoices[0]!.processingFee = null;
    const found = compareReconciliation(ours, provider).differences;
    expect(found.map((d) => [d.kind, d.objectType, d.ourId])).toEqual([
      ["amount_mismatch", "subscription_invoice", "in_1"],
      ["fee_mismatch", "subscription_invoice", "in_1"],
    ]);
    expect(found[0]!.message).toBe(
      "Subscription invoice in_1: the provider refunded €5.00 on charge ch_sub, the ledger reversed €0.00.",
    );

    // Without the invoice, the same charge is unknown here.
    ours.subscriptionInvoices = [];
    expect(
      compareReconciliation(ours, provider).differences.map((d) => [d.kind, d.objectType]),
    ).toEqual([
      ["missing_here", "refund"],
      ["missing_here", "charge"],
      ["ledger_mismatch", "ledger"],
    ]);
  });

  it("writes each difference as a readable message with both amounts", () => {
    const records = matching();
    records.ours.transfers[0]!.amount = 7_999;
    const [difference] = compareReconciliation(records.ours, records.provider).differences;
    expect(difference).toEqual({
      objectType: "transfer",
      kind: "amount_mismatch",
      providerObjectId: "tr_1",
      ourId: ITEM,
      consultationId: CONSULTATION,
      currency: "EUR",
      ourAmount: 7_999,
      providerAmount: 8_000,
      message: `Transfer tr_1 is €80.00 at the provider but payout item ${ITEM} is €79.99.`,
    });
  });

  it("keeps a provider's consultation id only when it is a uuid", () => {
    const records = matching();
    records.ours.transfers = [];
    records.ours.ledger = [];
    records.provider.transfers[0]!.payoutItemId = null;
    records.provider.transfers[0]!.consultationId = "not-a-uuid";
    const missing = compareReconciliation(records.ours, records.provider).differences.find(
      (d) => d.kind === "missing_here",
    );
    expect(missing?.consultationId).toBeNull();
  });
});
