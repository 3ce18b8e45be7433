import type Stripe from "stripe";
import { rateFromNumber } from "@an/domain";
import type {
  BalanceTransactionInfo,
  ConnectAccount,
  PaymentPort,
  RefundInfo,
  Settlement,
  TransferInfo,
} from "../ports";

/** One SDK call under the adapter's retry policy and error mapping. */
export type StripeCall = <T>(what: string, run: () => Promise<T>) => Promise<T>;

/** The idempotency keys of the Connect calls, derived from our own rows. */
export const stripeConnectKeys = {
  transfer: (payoutItemId: string) => `transfer:${payoutItemId}`,
  reversal: (reversalId: string) => `reversal:${reversalId}`,
};

type ConnectMethods = Pick<
  PaymentPort,
  | "createExpressAccount"
  | "createAccountLink"
  | "retrieveAccount"
  | "createTransfer"
  | "createTransferReversal"
  | "listTransfers"
  | "listRefunds"
  | "listBalanceTransactions"
>;

const CAPABILITY_STATES = ["active", "inactive", "pending"] as const;

const idOf = (value: string | { id: string } | null | undefined): string | null =>
  value === null || value === undefined ? null : typeof value === "string" ? value : value.id;

/** Stripe's Account as the port reports it; an unknown capability state reads as inactive. */
export function toConnectAccount(account: Stripe.Account): ConnectAccount {
  const transfers = account.capabilities?.transfers ?? null;
  const requirements = account.requirements;
  return {
    id: account.id,
    transfersCapability:
      transfers === null ? null : (CAPABILITY_STATES.find((s) => s === transfers) ?? "inactive"),
    payoutsEnabled: account.payouts_enabled ?? false,
    detailsSubmitted: account.details_submitted ?? false,
    currentlyDue: requirements?.currently_due ?? [],
    eventuallyDue: requirements?.eventually_due ?? [],
    pastDue: requirements?.past_due ?? [],
    disabledReason: requirements?.disabled_reason ?? null,
  };
}

export function toTransferInfo(transfer: Stripe.Transfer): TransferInfo {
  return {
    id: transfer.id,
    amount: transfer.amount,
    currency: transfer.currency.toUpperCase(),
    destination: idOf(transfer.destination) ?? "",
    sourceTransaction: idOf(transfer.source_transaction),
    transferGroup: transfer.transfer_group ?? null,
    amountReversed: transfer.amount_reversed,
    payoutItemId: transfer.metadata?.payout_item_id ?? null,
    consultationId: transfer.metadata?.consultation_id ?? null,
    created: new Date(transfer.created * 1000),
  };
}

/**
 * An expanded balance transaction as the port's settlement (unsigned amount, uppercase
 * currency, the rate as an exact decimal string); null when it wasn't expanded.
 */
export function settlementOf(
  txn: string | Stripe.BalanceTransaction | null | undefined,
): Settlement | null {
  if (!txn || typeof txn === "string") return null;
  return {
    amount: Math.abs(txn.amount),
    currency: txn.currency.toUpperCase(),
    exchangeRate: rateFromNumber(txn.exchange_rate),
  };
}

export function toRefundInfo(refund: Stripe.Refund): RefundInfo {
  return {
    id: refund.id,
    amount: refund.amount,
    currency: refund.currency.toUpperCase(),
    status: refund.status ?? "pending",
    settlement: settlementOf(refund.balance_transaction),
    paymentIntentId: idOf(refund.payment_intent),
    chargeId: idOf(refund.charge),
    refundId: refund.metadata?.refund_id ?? null,
    created: new Date(refund.created * 1000),
  };
}

function toBalanceTransactionInfo(txn: Stripe.BalanceTransaction): BalanceTransactionInfo {
  return {
    id: txn.id,
    type: txn.type,
    amount: txn.amount,
    fee: txn.fee,
    net: txn.net,
    currency: txn.currency.toUpperCase(),
    source: idOf(txn.source),
    created: new Date(txn.created * 1000),
    exchangeRate: rateFromNumber(txn.exchange_rate),
  };
}

/** `created[gte]` / `created[lt]` in Unix seconds for `[from, to)`. */
const createdRange = (from: Date, to: Date) => ({
  gte: Math.floor(from.getTime() / 1000),
  lt: Math.floor(to.getTime() / 1000),
});

/**
 * Every page of a list endpoint, 100 at a time, following `starting_after`. Each page is
 * one retried call, so a failure mid-way repeats only that page.
 */
export async function allPages<T extends { id: string }>(
  call: StripeCall,
  what: string,
  page: (startingAfter: string | undefined) => Promise<Stripe.ApiList<T>>,
): Promise<T[]> {
  const out: T[] = [];
  let startingAfter: string | undefined;
  for (;;) {
    const list = await call(what, () => page(startingAfter));
    out.push(...list.data);
    const last = list.data.at(-1);
    if (!list.has_more || !last) return out;
    startingAfter = last.id;
  }
}

/**
 * Stripe Connect for separate charges and transfers: Express accounts (v1 with controller
 * properties; the platform pays fees and carries losses, Stripe collects requirements),
 * onboarding links, transfers funded by the consultation's charge, reversals, and the
 * lists reconciliation reads.
 */
export function stripeConnectMethods(stripe: Stripe, call: StripeCall): ConnectMethods {
  return {
    async createExpressAccount(input) {
      const account = await call("creating connected account", () =>
        stripe.accounts.create(
          {
            country: input.country,
            ...(input.email ? { email: input.email } : {}),
            controller: {
              stripe_dashboard: { type: "express" },
              fees: { payer: "application" },
              losses: { payments: "application" },
              requirement_collection: "stripe",
            },
            capabilities: { transfers: { requested: true } },
            // Cross-border payouts only work under the recipient agreement, and it can't be
            // changed once accepted, so it is set at creation; `full` is Stripe's default.
            ...(input.serviceAgreement === "recipient"
              ? { tos_acceptance: { service_agreement: "recipient" as const } }
              : {}),
            metadata: { advisor_id: input.advisorId },
          },
          { idempotencyKey: input.idempotencyKey },
        ),
      );
      return toConnectAccount(account);
    },

    async createAccountLink({ accountId, refreshUrl, returnUrl }) {
      // No idempotency key of our own: every click must get a fresh single-use link.
      const link = await call("creating account link", () =>
        stripe.accountLinks.create({
          account: accountId,
          type: "account_onboarding",
          refresh_url: refreshUrl,
          return_url: returnUrl,
          collection_options: { fields: "currently_due" },
        }),
      );
      return { url: link.url, expiresAt: new Date(link.expires_at * 1000) };
    },

    async retrieveAccount(accountId) {
      return toConnectAccount(
        await call("retrieving connected account", () => stripe.accounts.retrieve(accountId)),
      );
    },

    async createTransfer(input) {
      const transfer = await call("creating transfer", () =>
        stripe.transfers.create(
          {
            amount: input.amount.amount,
            currency: input.amount.currency.toLowerCase(),
            destination: input.destinationAccountId,
            source_transaction: input.sourceChargeId,
            transfer_group: input.transferGroup,
            metadata: {
              payout_item_id: input.payoutItemId,
              consultation_id: input.consultationId,
            },
          },
          { idempotencyKey: stripeConnectKeys.transfer(input.payoutItemId) },
        ),
      );
      return toTransferInfo(transfer);
    },

    async createTransferReversal(input) {
      const reversal = await call("reversing transfer", () =>
        stripe.transfers.createReversal(
          input.transferId,
          {
            amount: input.amount.amount,
            metadata: { reversal_id: input.reversalId, consultation_id: input.consultationId },
          },
          { idempotencyKey: stripeConnectKeys.reversal(input.reversalId) },
        ),
      );
      return {
        id: reversal.id,
        transferId: idOf(reversal.transfer) ?? input.transferId,
        amount: reversal.amount,
        currency: reversal.currency.toUpperCase(),
      };
    },

    async listTransfers({ from, to }) {
      const created = createdRange(from, to);
      const transfers = await allPages(call, "listing transfers", (starting_after) =>
        stripe.transfers.list({
          created,
          limit: 100,
          ...(starting_after ? { starting_after } : {}),
        }),
      );
      return transfers.map(toTransferInfo);
    },

    async listRefunds({ from, to }) {
      const created = createdRange(from, to);
      const refunds = await allPages(call, "listing refunds", (starting_after) =>
        stripe.refunds.list({
          created,
          limit: 100,
          // What each refund took from the balance (a converted charge's, in the settlement currency).
          expand: ["data.balance_transaction"],
          ...(starting_after ? { starting_after } : {}),
        }),
      );
      return refunds.map(toRefundInfo);
    },

    async listBalanceTransactions({ from, to }) {
      const created = createdRange(from, to);
      const txns = await allPages(call, "listing balance transactions", (starting_after) =>
        stripe.balanceTransactions.list({
          created,
          limit: 100,
          ...(starting_after ? { starting_after } : {}),
        }),
      );
      return txns.map(toBalanceTransactionInfo);
    },
  };
}
