import { describe, expect, it } from "vitest";
import { compareReconciliation, type OurRecords, type ProviderRecords } from "./reconciliation";

const ITEM = "11111111-1111-4111-8111-111111111111";
const CONSULTATION = "22222222-2222-4222-8222-222222222222";
const REFUND = "33333333-3333-4333-8333-333333333333";
const PAYMENT = "44444444-4444-4444-8444-444444444444";

/**
 * An AED consultation on a USD-settling platform: charged 440.00 AED (119.81 USD at
 * 0.2723), 50.00 AED refunded (13.75 USD at 0.275), 300.00 AED paid out (81.69 USD).
 */
function converted(): { ours: OurRecords; provider: ProviderRecords } {
  return {
    ours: {
      transfers: [
        {
          itemId: ITEM,
          consultationId: CONSULTATION,
          providerTransferId: "tr_1",
          status: "sent",
          amount: 30_000,
          currency: "AED",
          transferAmount: 8_169,
          transferCurrency: "USD",
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
          amount: 5_000,
          currency: "AED",
          settlementAmount: 1_375,
          settlementCurrency: "USD",
          inPeriod: true,
        },
      ],
      payments: [
        {
          id: PAYMENT,
          consultationId: CONSULTATION,
          chargeId: "ch_1",
          amount: 44_000,
          currency: "AED",
          settlementAmount: 11_981,
          settlementCurrency: "USD",
          processingFee: 377,
          inPeriod: true,
        },
      ],
      ledger: [
        { currency: "AED", transfers: 0, refunds: 5_000 },
        { currency: "USD", transfers: 8_169, refunds: 0 },
      ],
    },
    provider: {
      transfers: [
        {
          id: "tr_1",
          amount: 8_169,
          currency: "usd",
          destination: "acct_1",
          amountReversed: 0,
          payoutItemId: ITEM,
          consultationId: CONSULTATION,
        },
      ],
      refunds: [
        {
          id: "re_1",
          amount: 5_000,
          currency: "aed",
          status: "succeeded",
          refundId: REFUND,
          settlement: { amount: 1_375, currency: "USD" },
        },
      ],
      balanceTransactions: [
        { id: "txn_1", type: "charge", amount: 11_981, fee: 377, currency: "usd", source: "ch_1" },
        { id: "txn_2", type: "refund", amount: -1_375, fee: 0, currency: "usd", source: "re_1" },
        { id: "txn_3", type: "transfer", amount: -8_169, fee: 0, currency: "usd", source: "tr_1" },
      ],
    },
  };
}

describe("reconciling converted charges", () => {
  it("matches the charge, refund and transfer in the settlement currency, to the cent", () => {
    const { ours, provider } = converted();
    const { summary, differences } = compareReconciliation(ours, provider);
    expect(differences).toEqual([]);
    expect(summary.charges).toEqual({
      USD: { ours: { count: 1, amount: 11_981 }, provider: { count: 1, amount: 11_981 } },
    });
    expect(summary.transfers.USD).toEqual({
      ours: { count: 1, amount: 8_169 },
      provider: { count: 1, amount: 8_169 },
    });
  });

  it("reports a converted charge, transfer or refund that differs by a cent", () => {
    const { ours, provider } = converted();
    ours.payments[0] = { ...ours.payments[0]!, settlementAmount: 11_980 };
    ours.transfers[0] = { ...ours.transfers[0]!, transferAmount: 8_170 };
    ours.refunds[0] = { ...ours.refunds[0]!, settlementAmount: 1_376 };
    const { differences } = compareReconciliation(ours, provider);
    expect(differences.map((d) => [d.objectType, d.kind, d.ourAmount, d.providerAmount])).toEqual(
      expect.arrayContaining([
        ["transfer", "amount_mismatch", 8_170, 8_169],
        ["refund", "amount_mismatch", 1_376, 1_375],
        ["charge", "amount_mismatch", 11_980, 11_981],
      ]),
    );
    expect(differences.find((d) => d.objectType === "charge")?.message).toContain("converted");
  });
});
