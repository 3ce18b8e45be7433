import { type CurrencyCode, type Money } from "./money";
import { err, ok, type Result } from "./result";

/**
 * Ledger accounts. Global accounts are plain names; per-owner accounts carry the owner's
 * id after a colon (`client_funds_held:<consultationId>`, `advisor_payable:<advisorId>`).
 *
 * - `stripe_balance` (asset): the platform's balance at Stripe.
 * - `disputed_funds` (asset): money Stripe withdrew for an open chargeback, pending the outcome.
 * - `advisor_receivable:<advisor>` (asset): what an advisor owes back (clawbacks).
 * - `client_funds_held:<consultation>` (liability): paid, not yet released or refunded.
 * - `advisor_payable:<advisor>` (liability): released advisor shares not yet in a payout.
 * - `advisor_payout_in_transit:<advisor>` (liability): shares in a payout item whose
 *   transfer the provider hasn't confirmed yet (pending, being sent, failed and retryable).
 * - `unapplied_payment:<payment>` (liability): money the provider charged that no
 *   consultation accepted (e.g. an amount that isn't the quote's), owed back to the client
 *   until it is refunded.
 * - `platform_fee_revenue` (revenue), `processing_fees` (expense), `dispute_losses` (expense).
 * - `subscription_revenue` (revenue): platform subscription invoices paid, less what was
 *   refunded or credited back on them.
 * - `fx_conversion` (clearing): where one currency turns into another when the provider
 *   converts (a charge settling in another currency, a refund or transfer funded from the
 *   settlement currency). Each entry through it balances per currency; its balance per
 *   currency is the platform's exposure, and their value difference the FX gain or loss.
 */
export type Account =
  | "stripe_balance"
  | "disputed_funds"
  | "platform_fee_revenue"
  | "processing_fees"
  | "dispute_losses"
  | "subscription_revenue"
  | "fx_conversion"
  | `client_funds_held:${string}`
  | `advisor_payable:${string}`
  | `advisor_payout_in_transit:${string}`
  | `advisor_receivable:${string}`
  | `unapplied_payment:${string}`;

export const accounts = {
  stripeBalance: "stripe_balance",
  disputedFunds: "disputed_funds",
  platformFeeRevenue: "platform_fee_revenue",
  processingFees: "processing_fees",
  disputeLosses: "dispute_losses",
  subscriptionRevenue: "subscription_revenue",
  fxConversion: "fx_conversion",
  clientFundsHeld: (consultationId: string) => `client_funds_held:${consultationId}` as const,
  advisorPayable: (advisorId: string) => `advisor_payable:${advisorId}` as const,
  advisorReceivable: (advisorId: string) => `advisor_receivable:${advisorId}` as const,
  advisorPayoutInTransit: (advisorId: string) => `advisor_payout_in_transit:${advisorId}` as const,
  unappliedPayment: (paymentId: string) => `unapplied_payment:${paymentId}` as const,
} as const;

/**
 * One line of a journal entry. Sign convention: **debit positive, credit negative**. So
 * assets and expenses carry positive balances, liabilities and revenue negative ones.
 */
export type LedgerLine = { readonly account: Account; readonly amount: Money };

export const ENTRY_KINDS = [
  "payment_captured",
  "payment_unapplied",
  "processing_fee",
  "release",
  "refund",
  "payout_reserved",
  "payout_returned",
  "transfer",
  "transfer_reversal",
  "chargeback_opened",
  "chargeback_won",
  "chargeback_lost",
  "clawback",
  "subscription_payment",
  "subscription_reversal",
  "subscription_processing_fee",
  "fx_conversion",
] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/**
 * A balanced journal entry: its lines sum to zero in every currency. Zero-amount lines are
 * left out. Ids and timestamps are added by whoever stores it.
 */
export type JournalEntry = {
  readonly kind: EntryKind;
  readonly consultationId: string | null;
  readonly lines: readonly LedgerLine[];
};

export type LedgerError =
  { code: "INVALID_AMOUNT"; message: string } | { code: "CURRENCY_MISMATCH"; message: string };

/** Where the consultation's money sits when a refund or chargeback loss hits it. */
export type MoneyStage = "held" | "released" | "paid_out";

type Leg = readonly [Account, Money, "debit" | "credit"];

function entry(
  kind: EntryKind,
  consultationId: string | null,
  legs: readonly Leg[],
): Result<JournalEntry, LedgerError> {
  const currency = legs[0]?.[1].currency;
  // Currencies meet only through the FX account: an entry may span several when each of
  // its currencies has an `fx_conversion` leg (and, as always, balances on its own).
  const crossesCurrencies =
    new Set(legs.map(([, m]) => m.currency)).size > 1 &&
    [...new Set(legs.map(([, m]) => m.currency))].every((c) =>
      legs.some(([a, m]) => a === accounts.fxConversion && m.currency === c),
    );
  for (const [account, m] of legs) {
    if (!Number.isSafeInteger(m.amount) || m.amount < 0) {
      return err({
        code: "INVALID_AMOUNT",
        message: `${kind}: amount for ${account} must be a non-negative whole number of minor units, got ${m.amount}`,
      });
    }
    if (m.currency !== currency && !crossesCurrencies) {
      return err({
        code: "CURRENCY_MISMATCH",
        message: `${kind}: can't mix ${currency} and ${m.currency} in one entry`,
      });
    }
  }
  const lines = legs
    .filter(([, m]) => m.amount !== 0)
    .map(([account, m, side]) => ({
      account,
      amount: { amount: side === "debit" ? m.amount : -m.amount, currency: m.currency },
    }));
  const result: JournalEntry = { kind, consultationId, lines };
  // Every builder pairs its legs; this guards against a future edit that doesn't.
  if (!isBalanced(result)) {
    return err({ code: "INVALID_AMOUNT", message: `${kind}: debits and credits differ` });
  }
  return ok(result);
}

/** Client pays: Stripe balance up, money held for the consultation. */
export function paymentCaptured(input: {
  consultationId: string;
  amount: Money;
}): Result<JournalEntry, LedgerError> {
  const { consultationId, amount } = input;
  return entry("payment_captured", consultationId, [
    [accounts.stripeBalance, amount, "debit"],
    [accounts.clientFundsHeld(consultationId), amount, "credit"],
  ]);
}

/**
 * The provider charged a client but the consultation didn't accept it (amount or currency
 * not the quote's): the money is in the Stripe balance, owed back to the client, and held
 * apart from the consultation's funds. Booked in the currency actually charged.
 */
export function paymentUnapplied(input: {
  consultationId: string;
  paymentId: string;
  amount: Money;
}): Result<JournalEntry, LedgerError> {
  return entry("payment_unapplied", input.consultationId, [
    [accounts.stripeBalance, input.amount, "debit"],
    [accounts.unappliedPayment(input.paymentId), input.amount, "credit"],
  ]);
}

/** An unapplied charge goes back to the client in full: its suspense account returns to zero. */
export function unappliedPaymentRefunded(input: {
  consultationId: string;
  paymentId: string;
  amount: Money;
}): Result<JournalEntry, LedgerError> {
  return entry("refund", input.consultationId, [
    [accounts.unappliedPayment(input.paymentId), input.amount, "debit"],
    [accounts.stripeBalance, input.amount, "credit"],
  ]);
}

/** Stripe's processing fee, deducted from the platform balance; the platform bears it. */
export function processingFee(input: {
  consultationId: string;
  fee: Money;
}): Result<JournalEntry, LedgerError> {
  return entry("processing_fee", input.consultationId, [
    [accounts.processingFees, input.fee, "debit"],
    [accounts.stripeBalance, input.fee, "credit"],
  ]);
}

/** Held money becomes the advisor's payable share and the platform's fee revenue. */
export function release(input: {
  consultationId: string;
  advisorId: string;
  advisorShare: Money;
  platformFee: Money;
}): Result<JournalEntry, LedgerError> {
  const { consultationId, advisorId, advisorShare, platformFee } = input;
  if (advisorShare.currency !== platformFee.currency) {
    return err({
      code: "CURRENCY_MISMATCH",
      message: `release: can't mix ${advisorShare.currency} and ${platformFee.currency}`,
    });
  }
  const total = {
    amount: advisorShare.amount + platformFee.amount,
    currency: advisorShare.currency,
  };
  return entry("release", consultationId, [
    [accounts.clientFundsHeld(consultationId), total, "debit"],
    [accounts.advisorPayable(advisorId), advisorShare, "credit"],
    [accounts.platformFeeRevenue, platformFee, "credit"],
  ]);
}

/**
 * Money back to the client, `fromAdvisorShare + fromPlatformFee` in total, out of the
 * Stripe balance. Before release it comes out of held funds; after release out of the
 * advisor's payable and the fee revenue; after payout the advisor's part becomes a
 * receivable (recovered by {@link transferReversal} or {@link clawback}).
 */
export function refund(input: TakeBackInput): Result<JournalEntry, LedgerError> {
  return takeBack("refund", input, accounts.platformFeeRevenue, accounts.stripeBalance);
}

/**
 * A payment that arrived after the consultation stopped wanting it (expired, cancelled),
 * refunded in full: the capture, the refund of all of it out of the held funds (which net
 * back to zero) and, when the provider kept one, its processing fee. Entries in posting
 * order; each is balanced.
 */
export function latePaymentRefund(input: {
  consultationId: string;
  advisorId: string;
  amount: Money;
  fee?: Money;
}): Result<JournalEntry[], LedgerError> {
  const { consultationId, amount } = input;
  const built = [
    paymentCaptured({ consultationId, amount }),
    refund({
      consultationId,
      advisorId: input.advisorId,
      fromAdvisorShare: amount,
      fromPlatformFee: { amount: 0, currency: amount.currency },
      stage: "held",
    }),
    ...(input.fee ? [processingFee({ consultationId, fee: input.fee })] : []),
  ];
  const entries: JournalEntry[] = [];
  for (const e of built) {
    if (!e.ok) return e;
    entries.push(e.value);
  }
  return ok(entries);
}

/**
 * A payout item is created: its share leaves the advisor's payable for "in transit", so a
 * later run can't pick it up again and a refund meanwhile can see where the money is.
 */
export function payoutReserved(input: {
  consultationId: string | null;
  advisorId: string;
  amount: Money;
}): Result<JournalEntry, LedgerError> {
  return entry("payout_reserved", input.consultationId, [
    [accounts.advisorPayable(input.advisorId), input.amount, "debit"],
    [accounts.advisorPayoutInTransit(input.advisorId), input.amount, "credit"],
  ]);
}

/** A payout item withdrawn before its transfer (refund, dispute, admin): back to payable. */
export function payoutReturned(input: {
  consultationId: string | null;
  advisorId: string;
  amount: Money;
}): Result<JournalEntry, LedgerError> {
  return entry("payout_returned", input.consultationId, [
    [accounts.advisorPayoutInTransit(input.advisorId), input.amount, "debit"],
    [accounts.advisorPayable(input.advisorId), input.amount, "credit"],
  ]);
}

/**
 * The provider confirmed a Stripe Connect transfer of a payout item to the advisor's
 * connected account: the in-transit share leaves the platform balance. When the transfer
 * went out in the settlement currency for earnings in another (`settled`, converted at the
 * charge's rate), the earnings side clears through `fx_conversion` and the Stripe balance
 * is credited what actually left it.
 */
export function transfer(input: {
  consultationId: string | null;
  advisorId: string;
  amount: Money;
  settled?: Money | null;
}): Result<JournalEntry, LedgerError> {
  const inTransit = accounts.advisorPayoutInTransit(input.advisorId);
  const { amount, settled } = input;
  if (settled && settled.currency !== amount.currency) {
    return entry("transfer", input.consultationId, [
      [inTransit, amount, "debit"],
      [accounts.fxConversion, amount, "credit"],
      [accounts.fxConversion, settled, "debit"],
      [accounts.stripeBalance, settled, "credit"],
    ]);
  }
  return entry("transfer", input.consultationId, [
    [inTransit, amount, "debit"],
    [accounts.stripeBalance, amount, "credit"],
  ]);
}

/**
 * A transfer reversal pulls money back from the advisor's account, settling a receivable.
 * A reversal of a converted transfer comes back in the settlement currency (`settled`)
 * and clears the earnings-currency receivable through `fx_conversion`.
 */
export function transferReversal(input: {
  consultationId: string | null;
  advisorId: string;
  amount: Money;
  settled?: Money | null;
}): Result<JournalEntry, LedgerError> {
  const receivable = accounts.advisorReceivable(input.advisorId);
  const { amount, settled } = input;
  if (settled && settled.currency !== amount.currency) {
    return entry("transfer_reversal", input.consultationId, [
      [accounts.stripeBalance, settled, "debit"],
      [accounts.fxConversion, settled, "credit"],
      [accounts.fxConversion, amount, "debit"],
      [receivable, amount, "credit"],
    ]);
  }
  return entry("transfer_reversal", input.consultationId, [
    [accounts.stripeBalance, amount, "debit"],
    [receivable, amount, "credit"],
  ]);
}

/**
 * The provider converted `from` into `to` inside the platform's balance: a charge in a
 * non-settlement currency settling (`from` charged, `to` settled), or the settlement
 * currency funding a refund in the charge's currency (`from` settled, `to` refunded).
 * Four lines in two currencies, balanced per currency through `fx_conversion`.
 */
export function fxConversion(input: {
  consultationId: string | null;
  from: Money;
  to: Money;
}): Result<JournalEntry, LedgerError> {
  const { from, to } = input;
  if (from.currency === to.currency) {
    return err({
      code: "CURRENCY_MISMATCH",
      message: `fx_conversion: converting ${from.currency} into itself`,
    });
  }
  return entry("fx_conversion", input.consultationId, [
    [accounts.stripeBalance, from, "credit"],
    [accounts.fxConversion, from, "debit"],
    [accounts.stripeBalance, to, "debit"],
    [accounts.fxConversion, to, "credit"],
  ]);
}

/** Recovers a receivable by withholding it from the advisor's later earnings (payable). */
export function clawback(input: {
  consultationId: string | null;
  advisorId: string;
  amount: Money;
}): Result<JournalEntry, LedgerError> {
  return entry("clawback", input.consultationId, [
    [accounts.advisorPayable(input.advisorId), input.amount, "debit"],
    [accounts.advisorReceivable(input.advisorId), input.amount, "credit"],
  ]);
}

/** Stripe withdraws the disputed amount (pending the outcome) and its dispute fee (a loss). */
export function chargebackOpened(input: {
  consultationId: string;
  amount: Money;
  fee: Money;
}): Result<JournalEntry, LedgerError> {
  return entry("chargeback_opened", input.consultationId, [
    [accounts.disputedFunds, input.amount, "debit"],
    [accounts.disputeLosses, input.fee, "debit"],
    [
      accounts.stripeBalance,
      { amount: input.amount.amount + input.fee.amount, currency: input.amount.currency },
      "credit",
    ],
  ]);
}

/** Chargeback won: the disputed amount comes back. The dispute fee stays a loss. */
export function chargebackWon(input: {
  consultationId: string;
  amount: Money;
}): Result<JournalEntry, LedgerError> {
  return entry("chargeback_won", input.consultationId, [
    [accounts.stripeBalance, input.amount, "debit"],
    [accounts.disputedFunds, input.amount, "credit"],
  ]);
}

/**
 * Chargeback lost: the disputed money is gone for good. If it was still held, the held
 * liability absorbs it (the client got the money back, as with a refund). After release,
 * the advisor's part is taken back (from payable, or as a receivable once paid out) and
 * the platform's part is a dispute loss.
 */
export function chargebackLost(input: TakeBackInput): Result<JournalEntry, LedgerError> {
  return takeBack("chargeback_lost", input, accounts.disputeLosses, accounts.disputedFunds);
}

type TakeBackInput = {
  consultationId: string;
  advisorId: string;
  fromAdvisorShare: Money;
  fromPlatformFee: Money;
  stage: MoneyStage;
};

/**
 * Money leaving a consultation (a refund, a lost chargeback), credited to `source`: while
 * held it comes out of the held funds; once released the advisor's part comes out of their
 * payable (a receivable once paid out) and the platform's part is debited to `feeAccount`.
 */
function takeBack(
  kind: "refund" | "chargeback_lost",
  input: TakeBackInput,
  feeAccount: Account,
  source: Account,
): Result<JournalEntry, LedgerError> {
  const { consultationId, advisorId, fromAdvisorShare: a, fromPlatformFee: f, stage } = input;
  if (a.currency !== f.currency) {
    return err({
      code: "CURRENCY_MISMATCH",
      message: `${kind}: can't mix ${a.currency} and ${f.currency}`,
    });
  }
  const total = { amount: a.amount + f.amount, currency: a.currency };
  const advisorAccount =
    stage === "released"
      ? accounts.advisorPayable(advisorId)
      : accounts.advisorReceivable(advisorId);
  const legs: Leg[] =
    stage === "held"
      ? [[accounts.clientFundsHeld(consultationId), total, "debit"]]
      : [
          [advisorAccount, a, "debit"],
          [feeAccount, f, "debit"],
        ];
  return entry(kind, consultationId, [...legs, [source, total, "credit"]]);
}

/** True when the entry's lines sum to zero in every currency. */
export function isBalanced(e: JournalEntry): boolean {
  const totals = new Map<CurrencyCode, number>();
  for (const line of e.lines)
    totals.set(line.amount.currency, (totals.get(line.amount.currency) ?? 0) + line.amount.amount);
  return [...totals.values()].every((t) => t === 0);
}

/**
 * Balance of `account` over `entries` in `currency`, with the ledger's sign (debit +).
 * A liability's balance is therefore ≤ 0 while it owes something.
 */
export function balanceOf(
  entries: readonly JournalEntry[],
  account: Account,
  currency: CurrencyCode,
): Money {
  let total = 0;
  for (const e of entries) {
    for (const line of e.lines) {
      if (line.account === account && line.amount.currency === currency)
        total += line.amount.amount;
    }
  }
  return { amount: total, currency };
}

/** What the platform still holds for a consultation, as a positive amount (credit balance negated). */
export function heldBalance(
  entries: readonly JournalEntry[],
  consultationId: string,
  currency: CurrencyCode,
): Money {
  return {
    amount: -balanceOf(entries, accounts.clientFundsHeld(consultationId), currency).amount || 0,
    currency,
  };
}

/**
 * A platform subscription invoice was paid: the money is in the Stripe balance and it is
 * the platform's revenue at once (there is no advisor share and nothing to hold).
 */
export function subscriptionPayment(input: { amount: Money }): Result<JournalEntry, LedgerError> {
  return entry("subscription_payment", null, [
    [accounts.stripeBalance, input.amount, "debit"],
    [accounts.subscriptionRevenue, input.amount, "credit"],
  ]);
}

/** Stripe's processing fee on a subscription invoice's charge; the platform bears it. */
export function subscriptionProcessingFee(input: {
  fee: Money;
}): Result<JournalEntry, LedgerError> {
  return entry("subscription_processing_fee", null, [
    [accounts.processingFees, input.fee, "debit"],
    [accounts.stripeBalance, input.fee, "credit"],
  ]);
}

/**
 * Money given back on a paid subscription invoice (a refund, or a credit note paid out):
 * the revenue is reversed by that much, out of the Stripe balance.
 */
export function subscriptionReversal(input: { amount: Money }): Result<JournalEntry, LedgerError> {
  return entry("subscription_reversal", null, [
    [accounts.subscriptionRevenue, input.amount, "debit"],
    [accounts.stripeBalance, input.amount, "credit"],
  ]);
}
