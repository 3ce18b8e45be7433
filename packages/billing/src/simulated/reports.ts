import type { BalanceTransactionInfo, PaymentPort, RefundInfo, TransferInfo } from "../ports";
import type { BalanceTransactionObject, RefundObject, TransferObject } from "../wire/stripe";
import { rateFromNumber } from "@an/domain";
import { unixSeconds } from "./ids";
import { SIM_KIND as KIND } from "./kinds";
import type { SimStore } from "./store";

/*
 * The simulated platform balance and the provider's own records that reconciliation reads:
 * transfers, refunds and balance transactions, listed by creation time.
 */

export function toTransferInfo(t: TransferObject): TransferInfo {
  return {
    id: t.id,
    amount: t.amount,
    currency: t.currency.toUpperCase(),
    destination: t.destination,
    sourceTransaction: t.source_transaction,
    transferGroup: t.transfer_group,
    amountReversed: t.amount_reversed,
    payoutItemId: t.metadata.payout_item_id ?? null,
    consultationId: t.metadata.consultation_id ?? null,
    created: new Date(t.created * 1000),
  };
}

function toRefundInfo(r: RefundObject, txn: BalanceTransactionObject | undefined): RefundInfo {
  return {
    id: r.id,
    amount: r.amount,
    currency: r.currency.toUpperCase(),
    status: r.status,
    settlement: txn
      ? {
          amount: Math.abs(txn.amount),
          currency: txn.currency.toUpperCase(),
          exchangeRate: simRateText(txn.exchange_rate),
        }
      : null,
    paymentIntentId: r.payment_intent,
    chargeId: r.charge,
    refundId: r.metadata.refund_id ?? null,
    created: new Date(r.created * 1000),
  };
}

function toBalanceTransactionInfo(t: BalanceTransactionObject): BalanceTransactionInfo {
  return {
    id: t.id,
    type: t.type,
    amount: t.amount,
    fee: t.fee,
    net: t.net,
    currency: t.currency.toUpperCase(),
    source: t.source,
    created: new Date(t.created * 1000),
    exchangeRate: simRateText(t.exchange_rate),
  };
}

const simRateText = (rate: number | null | undefined): string | null => rateFromNumber(rate);

/** Records `[from, to)` by `created`, in whole seconds as Stripe's `created` filter is. */
function inPeriod<T extends { created: number }>(items: T[], from: Date, to: Date): T[] {
  const gte = unixSeconds(from);
  const lt = unixSeconds(to);
  return items
    .filter((i) => i.created >= gte && i.created < lt)
    .sort((a, b) => a.created - b.created);
}

/** Books one movement of the simulated platform balance (reconciliation reads them). */
export async function recordSimBalanceTransaction(
  store: SimStore,
  txn: Omit<BalanceTransactionObject, "object" | "net"> & { net?: number },
): Promise<void> {
  await store.put<BalanceTransactionObject>(KIND.balanceTransaction, txn.id, {
    ...txn,
    object: "balance_transaction",
    net: txn.net ?? txn.amount - txn.fee,
  });
}

/** The listing calls of the port, over what the simulator stored. */
export function createSimReports(
  store: SimStore,
): Pick<PaymentPort, "listTransfers" | "listRefunds" | "listBalanceTransactions"> {
  return {
    async listTransfers({ from, to }) {
      const all = await store.list<TransferObject>(KIND.transfer);
      return inPeriod(all, from, to).map(toTransferInfo);
    },

    async listRefunds({ from, to }) {
      const all = await store.list<RefundObject>(KIND.refund);
      const refunds = inPeriod(all, from, to);
      const txns = new Map(
        (await store.list<BalanceTransactionObject>(KIND.balanceTransaction)).map((t) => [t.id, t]),
      );
      return refunds.map((r) =>
        toRefundInfo(r, r.balance_transaction ? txns.get(r.balance_transaction) : undefined),
      );
    },

    async listBalanceTransactions({ from, to }) {
      const all = await store.list<BalanceTransactionObject>(KIND.balanceTransaction);
      return inPeriod(all, from, to).map(toBalanceTransactionInfo);
    },
  };
}
