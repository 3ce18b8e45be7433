import { formatMoney, isCurrencyCode } from "./money";

/**
 * One mismatch between our records and the provider's, as stored in
 * `reconciliation_differences` (without its report).
 */
export type ReconciliationDifference = {
  /** `missing_at_provider`, `missing_here`, `amount_mismatch`, `status_mismatch`, `destination_mismatch`, `fee_mismatch`, `ledger_mismatch`. */
  kind: string;
  /** `transfer`, `transfer_reversal`, `refund`, `charge`, `ledger`. */
  objectType: string;
  providerObjectId?: string | null;
  /** Our row it concerns (payout item, refund, payment id). */
  ourId?: string | null;
  consultationId?: string | null;
  currency?: string | null;
  /** Minor units of `currency`. */
  ourAmount?: number | null;
  /** Minor units of `currency`. */
  providerAmount?: number | null;
  message: string;
};

/** The provider's records, as the payment port lists them (fields reconciliation uses). */
export type ProviderRecords = {
  transfers: {
    id: string;
    amount: number;
    currency: string;
    destination: string;
    amountReversed: number;
    payoutItemId: string | null;
    consultationId: string | null;
  }[];
  refunds: {
    id: string;
    amount: number;
    currency: string;
    status: string;
    refundId: string | null;
    /** The charge refunded: a subscription invoice's refund matches through it. */
    chargeId?: string | null;
    /** What it took from the balance (a converted charge's refund: the settlement currency). */
    settlement?: { amount: number; currency: string } | null;
  }[];
  balanceTransactions: {
    id: string;
    type: string;
    amount: number;
    fee: number;
    currency: string;
    source: string | null;
  }[];
};

/** Our side of a period: rows the provider's records may match, and the ledger's totals. */
export type OurRecords = {
  transfers: {
    itemId: string;
    consultationId: string;
    providerTransferId: string | null;
    status: string;
    amount: number;
    currency: string;
    destination: string;
    /**
     * What the transfer carried when it went out in the settlement currency (a converted
     * charge's payout); the provider's transfer is compared with this then.
     */
    transferAmount?: number | null;
    transferCurrency?: string | null;
    /** Sum of succeeded reversals of this item's transfer (in the transfer's currency). */
    reversed: number;
    /** Sent within the period (only these can be "missing at the provider"). */
    inPeriod: boolean;
  }[];
  refunds: {
    id: string;
    consultationId: string;
    providerRefundId: string | null;
    status: string;
    amount: number;
    currency: string;
    /** What it took from the balance when its charge was converted, as the provider said. */
    settlementAmount?: number | null;
    settlementCurrency?: string | null;
    inPeriod: boolean;
  }[];
  payments: {
    id: string;
    consultationId: string;
    chargeId: string;
    amount: number;
    currency: string;
    /**
     * The charge's balance transaction as we recorded it: a charge in a non-settlement
     * currency settles converted, and the provider's `charge` balance transaction is that.
     */
    settlementAmount?: number | null;
    settlementCurrency?: string | null;
    /** In the settlement currency. */
    processingFee: number | null;
    inPeriod: boolean;
  }[];
  /**
   * Platform subscription invoices paid by the provider's charges (matched by charge id):
   * what was paid, the fee, and what the ledger has reversed on them so far.
   */
  subscriptionInvoices?: {
    invoiceId: string;
    chargeId: string;
    amount: number;
    currency: string;
    processingFee: number | null;
    reversed: number;
  }[];
  /** Per currency: the stripe_balance credits of `transfer` and of `refund` entries posted in the period. */
  ledger: { currency: string; transfers: number; refunds: number }[];
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Totals = { count: number; amount: number };
type Side = Record<string, Totals>;
/** Per object type and currency: our count and total vs the provider's. */
export type ReconciliationSummary = {
  transfers: Record<string, { ours: Totals; provider: Totals }>;
  reversals: Record<string, { ours: Totals; provider: Totals }>;
  refunds: Record<string, { ours: Totals; provider: Totals }>;
  charges: Record<string, { ours: Totals; provider: Totals }>;
  ledger: Record<
    string,
    {
      transfers: { ledger: number; provider: number };
      refunds: { ledger: number; provider: number };
    }
  >;
  differences: Record<string, number>;
};

const money = (amount: number, currency: string) => {
  const code = currency.toUpperCase();
  return isCurrencyCode(code) ? formatMoney({ amount, currency: code }, "en") : `${amount} ${code}`;
};

function add(side: Side, currency: string, amount: number) {
  const t = (side[currency] ??= { count: 0, amount: 0 });
  t.count += 1;
  t.amount += amount;
}

function pair(ours: Side, provider: Side) {
  const out: Record<string, { ours: Totals; provider: Totals }> = {};
  for (const c of new Set([...Object.keys(ours), ...Object.keys(provider)]).values()) {
    out[c] = {
      ours: ours[c] ?? { count: 0, amount: 0 },
      provider: provider[c] ?? { count: 0, amount: 0 },
    };
  }
  return out;
}

/** Provider refund states that mean "no money went back". */
const FAILED_REFUND = new Set(["failed", "canceled"]);
const refundState = (providerStatus: string) =>
  FAILED_REFUND.has(providerStatus)
    ? "failed"
    : providerStatus === "succeeded"
      ? "succeeded"
      : "pending";

/**
 * Compares our records with the provider's. Every mismatch is one difference with a
 * readable message; the summary holds counts and totals per type and currency. Pure.
 */
export function compareReconciliation(
  ours: OurRecords,
  provider: ProviderRecords,
): { summary: ReconciliationSummary; differences: ReconciliationDifference[] } {
  const differences: ReconciliationDifference[] = [];

  // Transfers: by provider id, else by our item id in the metadata.
  const itemsByTransfer = new Map(
    ours.transfers.filter((t) => t.providerTransferId).map((t) => [t.providerTransferId!, t]),
  );
  const itemsById = new Map(ours.transfers.map((t) => [t.itemId, t]));
  const matchedItems = new Set<string>();
  const ourTransfers: Side = {};
  const providerTransfers: Side = {};
  const ourReversals: Side = {};
  const providerReversals: Side = {};
  // A converted payout went out in the settlement currency: that is what the provider has.
  const sentAs = (t: OurRecords["transfers"][number]) =>
    t.transferAmount != null && t.transferCurrency
      ? { amount: t.transferAmount, currency: t.transferCurrency }
      : { amount: t.amount, currency: t.currency };
  for (const t of ours.transfers.filter((x) => x.inPeriod))
    add(ourTransfers, sentAs(t).currency, sentAs(t).amount);
  for (const pt of provider.transfers) {
    const currency = pt.currency.toUpperCase();
    add(providerTransfers, currency, pt.amount);
    if (pt.amountReversed > 0) add(providerReversals, currency, pt.amountReversed);
    const item =
      itemsByTransfer.get(pt.id) ?? (pt.payoutItemId ? itemsById.get(pt.payoutItemId) : undefined);
    const base = {
      objectType: "transfer",
      providerObjectId: pt.id,
      currency,
      providerAmount: pt.amount,
    };
    if (!item) {
      differences.push({
        ...base,
        kind: "missing_here",
        consultationId:
          pt.consultationId && UUID.test(pt.consultationId) ? pt.consultationId : null,
        message: `Transfer ${pt.id} of ${money(pt.amount, currency)} to ${pt.destination} exists at the provider but matches no payout item here.`,
      });
      continue;
    }
    matchedItems.add(item.itemId);
    const sent = sentAs(item);
    const mine = {
      ...base,
      ourId: item.itemId,
      consultationId: item.consultationId,
      ourAmount: sent.amount,
    };
    if (item.providerTransferId !== pt.id) {
      differences.push({
        ...mine,
        kind: "status_mismatch",
        message: `The provider made transfer ${pt.id} for payout item ${item.itemId}, which is ${item.status} here${item.providerTransferId ? ` with transfer ${item.providerTransferId}` : " with no transfer recorded"}.`,
      });
    }
    if (sent.amount !== pt.amount || sent.currency !== currency) {
      differences.push({
        ...mine,
        kind: "amount_mismatch",
        message: `Transfer ${pt.id} is ${money(pt.amount, currency)} at the provider but payout item ${item.itemId} is ${money(sent.amount, sent.currency)}.`,
      });
    }
    if (item.destination !== pt.destination) {
      differences.push({
        ...mine,
        kind: "destination_mismatch",
        message: `Transfer ${pt.id} went to ${pt.destination} but payout item ${item.itemId} was for ${item.destination}.`,
      });
    }
    if (item.reversed > 0) add(ourReversals, sent.currency, item.reversed);
    if (item.reversed !== pt.amountReversed) {
      differences.push({
        ...mine,
        objectType: "transfer_reversal",
        kind: "amount_mismatch",
        ourAmount: item.reversed,
        providerAmount: pt.amountReversed,
        message: `Transfer ${pt.id}: the provider has reversed ${money(pt.amountReversed, currency)}, our succeeded reversals total ${money(item.reversed, currency)}.`,
      });
    }
  }
  for (const item of ours.transfers) {
    if (!item.inPeriod || matchedItems.has(item.itemId)) continue;
    differences.push({
      kind: "missing_at_provider",
      objectType: "transfer",
      providerObjectId: item.providerTransferId,
      ourId: item.itemId,
      consultationId: item.consultationId,
      currency: item.currency,
      ourAmount: item.amount,
      message: `Payout item ${item.itemId} was sent as transfer ${item.providerTransferId} (${money(sentAs(item).amount, sentAs(item).currency)}), which the provider doesn't list.`,
    });
  }

  // Refunds: by provider id, else by our refund id in the metadata.
  const refundsByProviderId = new Map(
    ours.refunds.filter((r) => r.providerRefundId).map((r) => [r.providerRefundId!, r]),
  );
  const refundsById = new Map(ours.refunds.map((r) => [r.id, r]));
  const matchedRefunds = new Set<string>();
  const ourRefunds: Side = {};
  const providerRefunds: Side = {};
  for (const r of ours.refunds.filter((x) => x.inPeriod)) add(ourRefunds, r.currency, r.amount);
  // A refund of a subscription invoice's charge has no refund row: the sync reverses the
  // invoice's revenue instead, so it matches when the ledger reversed at least as much as
  // the provider refunded on that charge.
  const invoicesByCharge = new Map((ours.subscriptionInvoices ?? []).map((i) => [i.chargeId, i]));
  const subscriptionRefunds = new Set<string>();
  const refundedPerCharge = new Map<string, number>();
  for (const pr of provider.refunds) {
    if (!pr.chargeId || !invoicesByCharge.has(pr.chargeId) || FAILED_REFUND.has(pr.status))
      continue;
    if (refundsByProviderId.has(pr.id)) continue;
    subscriptionRefunds.add(pr.id);
    refundedPerCharge.set(pr.chargeId, (refundedPerCharge.get(pr.chargeId) ?? 0) + pr.amount);
  }
  for (const [chargeId, refunded] of refundedPerCharge) {
    const invoice = invoicesByCharge.get(chargeId)!;
    if (invoice.reversed >= refunded) continue;
    differences.push({
      kind: "amount_mismatch",
      objectType: "subscription_invoice",
      providerObjectId: chargeId,
      ourId: invoice.invoiceId,
      currency: invoice.currency,
      ourAmount: invoice.reversed,
      providerAmount: refunded,
      message: `Subscription invoice ${invoice.invoiceId}: the provider refunded ${money(refunded, invoice.currency)} on charge ${chargeId}, the ledger reversed ${money(invoice.reversed, invoice.currency)}.`,
    });
  }
  for (const pr of provider.refunds) {
    if (subscriptionRefunds.has(pr.id)) continue;
    const currency = pr.currency.toUpperCase();
    add(providerRefunds, currency, pr.amount);
    const refund =
      refundsByProviderId.get(pr.id) ?? (pr.refundId ? refundsById.get(pr.refundId) : undefined);
    const base = {
      objectType: "refund",
      providerObjectId: pr.id,
      currency,
      providerAmount: pr.amount,
    };
    if (!refund) {
      differences.push({
        ...base,
        kind: "missing_here",
        message: `Refund ${pr.id} of ${money(pr.amount, currency)} (${pr.status}) exists at the provider but matches no refund here.`,
      });
      continue;
    }
    matchedRefunds.add(refund.id);
    const mine = {
      ...base,
      ourId: refund.id,
      consultationId: refund.consultationId,
      ourAmount: refund.amount,
    };
    if (refund.amount !== pr.amount || refund.currency !== currency) {
      differences.push({
        ...mine,
        kind: "amount_mismatch",
        message: `Refund ${pr.id} is ${money(pr.amount, currency)} at the provider but ${money(refund.amount, refund.currency)} here.`,
      });
    }
    const settled = pr.settlement;
    if (
      settled &&
      refund.settlementCurrency &&
      settled.currency.toUpperCase() !== currency &&
      (refund.settlementAmount !== settled.amount ||
        refund.settlementCurrency !== settled.currency.toUpperCase())
    ) {
      // A converted charge's refund: the ledger's FX entry booked what we were told it took.
      differences.push({
        ...mine,
        kind: "amount_mismatch",
        currency: settled.currency.toUpperCase(),
        ourAmount: refund.settlementAmount ?? null,
        providerAmount: settled.amount,
        message: `Refund ${pr.id} took ${money(settled.amount, settled.currency)} from the balance at the provider, ${money(refund.settlementAmount ?? 0, refund.settlementCurrency)} here.`,
      });
    }
    if (refundState(pr.status) !== refund.status) {
      differences.push({
        ...mine,
        kind: "status_mismatch",
        message: `Refund ${pr.id} is ${pr.status} at the provider but ${refund.status} here.`,
      });
    }
  }
  for (const refund of ours.refunds) {
    if (!refund.inPeriod || matchedRefunds.has(refund.id)) continue;
    differences.push({
      kind: "missing_at_provider",
      objectType: "refund",
      providerObjectId: refund.providerRefundId,
      ourId: refund.id,
      consultationId: refund.consultationId,
      currency: refund.currency,
      ourAmount: refund.amount,
      message: `Refund ${refund.id} (${money(refund.amount, refund.currency)}, ${refund.status}) was recorded as ${refund.providerRefundId}, which the provider doesn't list.`,
    });
  }

  // Charges: the provider's `charge` balance transactions against our payments.
  const paymentsByCharge = new Map(ours.payments.map((p) => [p.chargeId, p]));
  const matchedPayments = new Set<string>();
  const ourCharges: Side = {};
  const providerCharges: Side = {};
  // The provider's charge balance transaction is in the settlement currency.
  const settledAs = (p: OurRecords["payments"][number]) =>
    p.settlementAmount != null && p.settlementCurrency
      ? { amount: p.settlementAmount, currency: p.settlementCurrency }
      : { amount: p.amount, currency: p.currency };
  for (const p of ours.payments.filter((x) => x.inPeriod))
    add(ourCharges, settledAs(p).currency, settledAs(p).amount);
  for (const bt of provider.balanceTransactions) {
    if (bt.type !== "charge" && bt.type !== "payment") continue;
    const currency = bt.currency.toUpperCase();
    add(providerCharges, currency, bt.amount);
    const payment = bt.source ? paymentsByCharge.get(bt.source) : undefined;
    const base = {
      objectType: "charge",
      providerObjectId: bt.source ?? bt.id,
      currency,
      providerAmount: bt.amount,
    };
    const invoice = !payment && bt.source ? invoicesByCharge.get(bt.source) : undefined;
    if (invoice) {
      // A subscription invoice's charge: its amount and fee are what the ledger posted.
      add(ourCharges, invoice.currency, invoice.amount);
      const mine = { ...base, objectType: "subscription_invoice", ourId: invoice.invoiceId };
      if (invoice.amount !== bt.amount || invoice.currency !== currency) {
        differences.push({
          ...mine,
          kind: "amount_mismatch",
          ourAmount: invoice.amount,
          message: `Charge ${bt.source} is ${money(bt.amount, currency)} at the provider but subscription invoice ${invoice.invoiceId} is ${money(invoice.amount, invoice.currency)}.`,
        });
      }
      if (invoice.processingFee !== bt.fee) {
        differences.push({
          ...mine,
          kind: "fee_mismatch",
          ourAmount: invoice.processingFee,
          providerAmount: bt.fee,
          message: `Charge ${bt.source} of subscription invoice ${invoice.invoiceId}: the provider's fee is ${money(bt.fee, currency)}, ours is ${invoice.processingFee === null ? "unknown" : money(invoice.processingFee, invoice.currency)}.`,
        });
      }
      continue;
    }
    if (!payment) {
      differences.push({
        ...base,
        kind: "missing_here",
        message: `Charge ${bt.source ?? bt.id} of ${money(bt.amount, currency)} exists at the provider but matches no payment here.`,
      });
      continue;
    }
    matchedPayments.add(payment.id);
    const mine = { ...base, ourId: payment.id, consultationId: payment.consultationId };
    const settled = settledAs(payment);
    if (settled.amount !== bt.amount || settled.currency !== currency) {
      differences.push({
        ...mine,
        kind: "amount_mismatch",
        ourAmount: settled.amount,
        message: `Charge ${bt.source} is ${money(bt.amount, currency)} at the provider but payment ${payment.id} is ${money(settled.amount, settled.currency)}${settled.currency !== payment.currency ? ` (${money(payment.amount, payment.currency)} converted)` : ""}.`,
      });
    }
    if (payment.processingFee !== bt.fee) {
      differences.push({
        ...mine,
        kind: "fee_mismatch",
        ourAmount: payment.processingFee,
        providerAmount: bt.fee,
        message: `Charge ${bt.source}: the provider's fee is ${money(bt.fee, currency)}, ours is ${payment.processingFee === null ? "unknown" : money(payment.processingFee, settled.currency)}.`,
      });
    }
  }
  for (const p of ours.payments) {
    if (!p.inPeriod || matchedPayments.has(p.id)) continue;
    differences.push({
      kind: "missing_at_provider",
      objectType: "charge",
      providerObjectId: p.chargeId,
      ourId: p.id,
      consultationId: p.consultationId,
      currency: settledAs(p).currency,
      ourAmount: settledAs(p).amount,
      message: `Payment ${p.id} was paid with charge ${p.chargeId} (${money(p.amount, p.currency)}), which has no balance transaction at the provider.`,
    });
  }

  // The ledger's totals against the provider's, per currency.
  const ledger: ReconciliationSummary["ledger"] = {};
  // Gross transfers: reversals are compared per transfer above, and a reversal in the
  // period may belong to an older transfer.
  const providerNetTransfers: Record<string, number> = {};
  for (const pt of provider.transfers) {
    const c = pt.currency.toUpperCase();
    providerNetTransfers[c] = (providerNetTransfers[c] ?? 0) + pt.amount;
  }
  const providerRefundTotals: Record<string, number> = {};
  for (const pr of provider.refunds) {
    // Subscription refunds were compared per invoice above; the ledger's `refund` entries
    // are consultations' only.
    if (FAILED_REFUND.has(pr.status) || subscriptionRefunds.has(pr.id)) continue;
    const c = pr.currency.toUpperCase();
    providerRefundTotals[c] = (providerRefundTotals[c] ?? 0) + pr.amount;
  }
  const currencies = new Set([
    ...ours.ledger.map((l) => l.currency),
    ...Object.keys(providerNetTransfers),
    ...Object.keys(providerRefundTotals),
  ]);
  for (const currency of [...currencies].sort()) {
    const mine = ours.ledger.find((l) => l.currency === currency);
    const row = {
      transfers: { ledger: mine?.transfers ?? 0, provider: providerNetTransfers[currency] ?? 0 },
      refunds: { ledger: mine?.refunds ?? 0, provider: providerRefundTotals[currency] ?? 0 },
    };
    ledger[currency] = row;
    for (const [what, label] of [
      ["transfers", "transfers"],
      ["refunds", "refunds"],
    ] as const) {
      if (row[what].ledger === row[what].provider) continue;
      differences.push({
        kind: "ledger_mismatch",
        objectType: "ledger",
        currency,
        ourAmount: row[what].ledger,
        providerAmount: row[what].provider,
        message: `The ledger's ${label} for the period total ${money(row[what].ledger, currency)}; the provider's total ${money(row[what].provider, currency)}.`,
      });
    }
  }

  const byKind: Record<string, number> = {};
  for (const d of differences) byKind[d.kind] = (byKind[d.kind] ?? 0) + 1;
  return {
    summary: {
      transfers: pair(ourTransfers, providerTransfers),
      reversals: pair(ourReversals, providerReversals),
      refunds: pair(ourRefunds, providerRefunds),
      charges: pair(ourCharges, providerCharges),
      ledger,
      differences: byKind,
    },
    differences,
  };
}
