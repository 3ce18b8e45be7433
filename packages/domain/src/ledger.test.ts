import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  accounts,
  balanceOf,
  chargebackLost,
  chargebackOpened,
  chargebackWon,
  clawback,
  heldBalance,
  isBalanced,
  latePaymentRefund,
  payoutReserved,
  payoutReturned,
  type JournalEntry,
  type LedgerError,
  type MoneyStage,
  paymentCaptured,
  paymentUnapplied,
  processingFee,
  refund,
  release,
  transfer,
  transferReversal,
  unappliedPaymentRefunded,
} from "./ledger";
import { moneyOf } from "./money";
import { type Result } from "./result";

const usd = (n: number) => moneyOf(n, "USD");
const C = "c1";
const A = "adv1";
const value = (r: Result<JournalEntry, LedgerError>): JournalEntry => {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};
const linesOf = (e: JournalEntry) =>
  Object.fromEntries(e.lines.map((l) => [l.account, l.amount.amount]));

describe("postings", () => {
  it.each<[string, Result<JournalEntry, LedgerError>, Record<string, number>]>([
    [
      "payment captured",
      paymentCaptured({ consultationId: C, amount: usd(10_000) }),
      { stripe_balance: 10_000, "client_funds_held:c1": -10_000 },
    ],
    [
      "processing fee",
      processingFee({ consultationId: C, fee: usd(320) }),
      { processing_fees: 320, stripe_balance: -320 },
    ],
    [
      "release",
      release({
        consultationId: C,
        advisorId: A,
        advisorShare: usd(8_000),
        platformFee: usd(2_000),
      }),
      {
        "client_funds_held:c1": 10_000,
        "advisor_payable:adv1": -8_000,
        platform_fee_revenue: -2_000,
      },
    ],
    [
      "refund before release",
      refund({
        consultationId: C,
        advisorId: A,
        fromAdvisorShare: usd(400),
        fromPlatformFee: usd(100),
        stage: "held",
      }),
      { "client_funds_held:c1": 500, stripe_balance: -500 },
    ],
    [
      "refund after release",
      refund({
        consultationId: C,
        advisorId: A,
        fromAdvisorShare: usd(400),
        fromPlatformFee: usd(100),
        stage: "released",
      }),
      { "advisor_payable:adv1": 400, platform_fee_revenue: 100, stripe_balance: -500 },
    ],
    [
      "refund after payout",
      refund({
        consultationId: C,
        advisorId: A,
        fromAdvisorShare: usd(400),
        fromPlatformFee: usd(100),
        stage: "paid_out",
      }),
      { "advisor_receivable:adv1": 400, platform_fee_revenue: 100, stripe_balance: -500 },
    ],
    [
      "transfer",
      transfer({ consultationId: C, advisorId: A, amount: usd(8_000) }),
      { "advisor_payout_in_transit:adv1": 8_000, stripe_balance: -8_000 },
    ],
    [
      "payout reserved",
      payoutReserved({ consultationId: C, advisorId: A, amount: usd(8_000) }),
      { "advisor_payable:adv1": 8_000, "advisor_payout_in_transit:adv1": -8_000 },
    ],
    [
      "payout returned",
      payoutReturned({ consultationId: C, advisorId: A, amount: usd(8_000) }),
      { "advisor_payout_in_transit:adv1": 8_000, "advisor_payable:adv1": -8_000 },
    ],
    [
      "transfer reversal",
      transferReversal({ consultationId: C, advisorId: A, amount: usd(400) }),
      { stripe_balance: 400, "advisor_receivable:adv1": -400 },
    ],
    [
      "clawback",
      clawback({ consultationId: null, advisorId: A, amount: usd(400) }),
      { "advisor_payable:adv1": 400, "advisor_receivable:adv1": -400 },
    ],
    [
      "chargeback opened",
      chargebackOpened({ consultationId: C, amount: usd(10_000), fee: usd(1_500) }),
      { disputed_funds: 10_000, dispute_losses: 1_500, stripe_balance: -11_500 },
    ],
    [
      "chargeback won",
      chargebackWon({ consultationId: C, amount: usd(10_000) }),
      { stripe_balance: 10_000, disputed_funds: -10_000 },
    ],
    [
      "chargeback lost while held",
      chargebackLost({
        consultationId: C,
        advisorId: A,
        fromAdvisorShare: usd(8_000),
        fromPlatformFee: usd(2_000),
        stage: "held",
      }),
      { "client_funds_held:c1": 10_000, disputed_funds: -10_000 },
    ],
    [
      "chargeback lost after release",
      chargebackLost({
        consultationId: C,
        advisorId: A,
        fromAdvisorShare: usd(8_000),
        fromPlatformFee: usd(2_000),
        stage: "released",
      }),
      { "advisor_payable:adv1": 8_000, dispute_losses: 2_000, disputed_funds: -10_000 },
    ],
    [
      "chargeback lost after payout",
      chargebackLost({
        consultationId: C,
        advisorId: A,
        fromAdvisorShare: usd(8_000),
        fromPlatformFee: usd(2_000),
        stage: "paid_out",
      }),
      { "advisor_receivable:adv1": 8_000, dispute_losses: 2_000, disputed_funds: -10_000 },
    ],
  ])("%s", (_name, result, expected) => {
    const e = value(result);
    expect(linesOf(e)).toEqual(expected);
    expect(isBalanced(e)).toBe(true);
  });

  it("leaves out zero lines", () => {
    const e = value(
      release({ consultationId: C, advisorId: A, advisorShare: usd(100), platformFee: usd(0) }),
    );
    expect(e.lines.map((l) => l.account)).toEqual(["client_funds_held:c1", "advisor_payable:adv1"]);
  });

  it.each<[string, Result<JournalEntry, LedgerError>, string]>([
    [
      "a negative amount",
      transfer({ consultationId: C, advisorId: A, amount: usd(-1) }),
      "INVALID_AMOUNT",
    ],
    [
      "a fractional amount",
      paymentCaptured({ consultationId: C, amount: { amount: 1.5, currency: "USD" } }),
      "INVALID_AMOUNT",
    ],
    [
      "mixed currencies in a release",
      release({
        consultationId: C,
        advisorId: A,
        advisorShare: usd(1),
        platformFee: moneyOf(1, "EUR"),
      }),
      "CURRENCY_MISMATCH",
    ],
    [
      "mixed currencies in a refund",
      refund({
        consultationId: C,
        advisorId: A,
        fromAdvisorShare: usd(1),
        fromPlatformFee: moneyOf(1, "EUR"),
        stage: "held",
      }),
      "CURRENCY_MISMATCH",
    ],
    [
      "mixed currencies in a chargeback loss",
      chargebackLost({
        consultationId: C,
        advisorId: A,
        fromAdvisorShare: usd(1),
        fromPlatformFee: moneyOf(1, "EUR"),
        stage: "held",
      }),
      "CURRENCY_MISMATCH",
    ],
    [
      "a chargeback fee in another currency",
      chargebackOpened({ consultationId: C, amount: usd(1), fee: moneyOf(1, "EUR") }),
      "CURRENCY_MISMATCH",
    ],
  ])("refuses %s", (_name, result, code) => {
    expect(result.ok ? null : result.error.code).toBe(code);
  });

  it("isBalanced spots an unbalanced entry", () => {
    expect(
      isBalanced({
        kind: "transfer",
        consultationId: null,
        lines: [{ account: accounts.stripeBalance, amount: usd(1) }],
      }),
    ).toBe(false);
  });
});

describe("ledger properties", () => {
  const amountArb = fc.integer({ min: 0, max: 1_000_000_000 });
  const stageArb = fc.constantFrom<MoneyStage>("held", "released", "paid_out");

  it("every posting sums to zero per currency", () => {
    const entryArb = fc.oneof(
      amountArb.map((n) => paymentCaptured({ consultationId: C, amount: usd(n) })),
      amountArb.map((n) => processingFee({ consultationId: C, fee: usd(n) })),
      fc
        .tuple(amountArb, amountArb)
        .map(([a, f]) =>
          release({ consultationId: C, advisorId: A, advisorShare: usd(a), platformFee: usd(f) }),
        ),
      fc.tuple(amountArb, amountArb, stageArb).map(([a, f, stage]) =>
        refund({
          consultationId: C,
          advisorId: A,
          fromAdvisorShare: usd(a),
          fromPlatformFee: usd(f),
          stage,
        }),
      ),
      fc.tuple(amountArb, amountArb, stageArb).map(([a, f, stage]) =>
        chargebackLost({
          consultationId: C,
          advisorId: A,
          fromAdvisorShare: usd(a),
          fromPlatformFee: usd(f),
          stage,
        }),
      ),
      fc
        .tuple(amountArb, amountArb)
        .map(([a, f]) => chargebackOpened({ consultationId: C, amount: usd(a), fee: usd(f) })),
      amountArb.map((n) => chargebackWon({ consultationId: C, amount: usd(n) })),
      amountArb.map((n) => transfer({ consultationId: C, advisorId: A, amount: usd(n) })),
      amountArb.map((n) => transferReversal({ consultationId: C, advisorId: A, amount: usd(n) })),
      amountArb.map((n) => clawback({ consultationId: C, advisorId: A, amount: usd(n) })),
    );
    fc.assert(
      fc.property(entryArb, (r) => {
        expect(r.ok && isBalanced(r.value)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("payment, partial refund, then release of the rest leaves nothing held", () => {
    fc.assert(
      fc.property(amountArb, amountArb, fc.nat(), fc.nat(), (a, f, ra, rf) => {
        const fromA = a === 0 ? 0 : ra % (a + 1);
        const fromF = f === 0 ? 0 : rf % (f + 1);
        const entries = [
          value(paymentCaptured({ consultationId: C, amount: usd(a + f) })),
          value(
            refund({
              consultationId: C,
              advisorId: A,
              fromAdvisorShare: usd(fromA),
              fromPlatformFee: usd(fromF),
              stage: "held",
            }),
          ),
          value(
            release({
              consultationId: C,
              advisorId: A,
              advisorShare: usd(a - fromA),
              platformFee: usd(f - fromF),
            }),
          ),
          value(payoutReserved({ consultationId: C, advisorId: A, amount: usd(a - fromA) })),
          value(transfer({ consultationId: C, advisorId: A, amount: usd(a - fromA) })),
        ];
        expect(heldBalance(entries, C, "USD").amount).toBe(0);
        expect(balanceOf(entries, accounts.advisorPayable(A), "USD").amount).toBe(0);
        expect(balanceOf(entries, accounts.advisorPayoutInTransit(A), "USD").amount).toBe(0);
        expect(balanceOf(entries, accounts.stripeBalance, "USD").amount).toBe(f - fromF);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("a charge the consultation didn't accept", () => {
  const P = "pay1";
  it.each([
    ["the quote's currency", moneyOf(100, "USD")],
    ["another currency", moneyOf(15_000, "EUR")],
    ["a zero-decimal currency", moneyOf(1_500, "JPY")],
  ])(
    "in %s: booked apart from held funds, and its refund brings every account back to zero",
    (_, charged) => {
      const received = value(
        paymentUnapplied({ consultationId: C, paymentId: P, amount: charged }),
      );
      const returned = value(
        unappliedPaymentRefunded({ consultationId: C, paymentId: P, amount: charged }),
      );
      expect(received.kind).toBe("payment_unapplied");
      expect(returned.kind).toBe("refund");
      const both = [received, returned];
      for (const e of both) expect(isBalanced(e)).toBe(true);
      expect(balanceOf([received], accounts.unappliedPayment(P), charged.currency).amount).toBe(
        -charged.amount,
      );
      expect(heldBalance([received], C, charged.currency).amount).toBe(0);
      for (const account of [accounts.unappliedPayment(P), accounts.stripeBalance] as const) {
        expect(balanceOf(both, account, charged.currency).amount).toBe(0);
      }
    },
  );

  it("refuses a negative amount", () => {
    expect(paymentUnapplied({ consultationId: C, paymentId: P, amount: usd(-1) }).ok).toBe(false);
  });
});

describe("a payment that arrived too late", () => {
  const entriesOf = (fee?: ReturnType<typeof usd>) => {
    const r = latePaymentRefund({
      consultationId: C,
      advisorId: A,
      amount: usd(10_000),
      ...(fee ? { fee } : {}),
    });
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };

  it("books the capture and its full refund out of held funds, then the provider's fee", () => {
    const entries = entriesOf(usd(320));
    expect(entries.map((e) => e.kind)).toEqual(["payment_captured", "refund", "processing_fee"]);
    expect(entries.map(linesOf)).toEqual([
      { stripe_balance: 10_000, "client_funds_held:c1": -10_000 },
      { "client_funds_held:c1": 10_000, stripe_balance: -10_000 },
      { processing_fees: 320, stripe_balance: -320 },
    ]);
    for (const e of entries) expect(isBalanced(e)).toBe(true);
    expect(heldBalance(entries, C, "USD").amount).toBe(0);
    // Nothing reaches the advisor or the platform's revenue: the platform bears the fee.
    expect(balanceOf(entries, accounts.advisorPayable(A), "USD").amount).toBe(0);
    expect(balanceOf(entries, accounts.platformFeeRevenue, "USD").amount).toBe(0);
    expect(balanceOf(entries, accounts.stripeBalance, "USD").amount).toBe(-320);
  });

  it("posts no fee entry when the provider kept none", () => {
    expect(entriesOf().map((e) => e.kind)).toEqual(["payment_captured", "refund"]);
  });

  it("refuses a negative amount", () => {
    expect(latePaymentRefund({ consultationId: C, advisorId: A, amount: usd(-1) }).ok).toBe(false);
  });
});
