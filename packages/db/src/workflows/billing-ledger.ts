import { ledger } from "@an/domain";
import { postJournalEntry } from "../queries/ledger";
import { orThrow, storedMoney } from "../queries/stored-money";
import type {
  AllowlistedPrice,
  SubscriptionInvoiceRow,
  SubscriptionRow,
} from "../queries/subscriptions";
import { subscriptionInvoices } from "../schema";
import type { BillingSyncPorts, SyncedProviderInvoice } from "./billing-sync-port";
import { type BillingSyncCtx as Ctx, event, iso, notice, planName } from "./billing-sync-context";

/**
 * Whether a sync from `source` re-reads the charges of paid invoices: refunds don't touch
 * the invoice, so only a refund's own event (`charge-refund:…`) and the nightly
 * reconciliation (`reconcile:…`) look for them.
 */
export function syncRereadsCharges(source: string): boolean {
  return source.startsWith("reconcile:") || source.startsWith("charge-refund:");
}

/**
 * Stores one provider invoice: reads its charge when needed, posts what was paid, the
 * processing fee and what was refunded or credited to the ledger (each once), and writes
 * the invoice's timeline entries and notices.
 */
export async function storeInvoice(
  ctx: Ctx,
  ports: BillingSyncPorts,
  p: {
    invoice: SyncedProviderInvoice;
    before: SubscriptionInvoiceRow | null;
    subscriptionBefore: SubscriptionRow | null;
    subscription: SubscriptionRow | null;
    prices: Map<string, AllowlistedPrice>;
  },
): Promise<void> {
  const { invoice: inv, before } = p;
  const currency = inv.currency.toUpperCase();
  const paid = inv.status === "paid";
  let chargeId = before?.stripeChargeId ?? null;
  let fee = before?.processingFee ?? null;
  let refunded = 0;
  const reversedBefore = before?.amountReversed ?? 0;
  // The charge is read while its fee is unknown, and again when the invoice changed or a
  // reconciliation asks: refunds don't touch the invoice, so the nightly run finds them.
  const invoiceChanged =
    !before ||
    before.status !== inv.status ||
    before.amountPaid !== inv.amountPaid ||
    before.amountReversed < inv.creditedAfterPayment;
  if (
    paid &&
    inv.amountPaid > 0 &&
    inv.paymentIntentId &&
    (fee === null || invoiceChanged || syncRereadsCharges(ctx.source))
  ) {
    try {
      const charge = await ports.payments.retrieveCharge({ paymentIntentId: inv.paymentIntentId });
      chargeId = charge.chargeId;
      fee = charge.processingFee ?? fee;
      refunded = charge.amountRefunded;
    } catch (error) {
      // A refusal (no such charge) is kept as "unknown" for the next sync; an unavailable
      // provider rolls the whole sync back to be retried.
      if ((error as { kind?: string } | null)?.kind !== "rejected") throw error;
    }
  }
  const postedPaidBefore = before?.postedPaid ?? 0;
  const postedPaid =
    paid && inv.amountPaid > 0 ? Math.max(postedPaidBefore, inv.amountPaid) : postedPaidBefore;
  // Refunds and credit notes overlap (a credit note can be paid out as a refund): the larger.
  const reversed = Math.min(
    postedPaid,
    Math.max(reversedBefore, inv.creditedAfterPayment, refunded),
  );
  const postedReversedBefore = before?.postedReversed ?? 0;
  const keyBase = `subscription-invoice:${inv.id}`;

  if (postedPaid > postedPaidBefore) {
    await postJournalEntry(ctx.tx, {
      entry: orThrow(
        ledger.subscriptionPayment({
          amount: storedMoney(postedPaid - postedPaidBefore, currency),
        }),
      ),
      dedupeKey: postedPaidBefore === 0 ? `${keyBase}:paid` : `${keyBase}:paid:${postedPaid}`,
      memo: `subscription invoice ${inv.id}`,
    });
  }
  if (fee !== null && fee > 0 && (before?.processingFee ?? null) === null) {
    await postJournalEntry(ctx.tx, {
      entry: orThrow(ledger.subscriptionProcessingFee({ fee: storedMoney(fee, currency) })),
      dedupeKey: `${keyBase}:fee`,
      memo: `processing fee of subscription invoice ${inv.id}`,
    });
  }
  if (reversed > postedReversedBefore) {
    await postJournalEntry(ctx.tx, {
      entry: orThrow(
        ledger.subscriptionReversal({
          amount: storedMoney(reversed - postedReversedBefore, currency),
        }),
      ),
      dedupeKey: `${keyBase}:reversed:${reversed}`,
      memo: `refunded or credited on subscription invoice ${inv.id}`,
    });
  }

  const columns = {
    stripeInvoiceId: inv.id,
    userId: ctx.userId,
    stripeCustomerId: inv.customerId,
    stripeSubscriptionId: inv.subscriptionId,
    status: inv.status,
    billingReason: inv.billingReason,
    currency,
    amountDue: inv.amountDue,
    amountPaid: inv.amountPaid,
    amountReversed: reversed,
    attemptCount: inv.attemptCount,
    nextPaymentAttempt: inv.nextPaymentAttempt,
    hostedInvoiceUrl: inv.hostedInvoiceUrl,
    periodStart: inv.periodStart,
    periodEnd: inv.periodEnd,
    paidAt: inv.paidAt,
    stripeChargeId: chargeId,
    processingFee: fee,
    postedPaid,
    postedReversed: Math.max(postedReversedBefore, reversed),
    invoiceCreatedAt: inv.created,
    updatedAt: ctx.now,
  };
  await ctx.tx
    .insert(subscriptionInvoices)
    .values(columns)
    .onConflictDoUpdate({ target: subscriptionInvoices.stripeInvoiceId, set: columns });

  const sub = p.subscription;
  const price = sub ? (p.prices.get(sub.stripePriceId) ?? null) : null;
  const plan = sub ? planName(ctx, price, sub.stripePriceId) : inv.id;
  if (paid && before?.status !== "paid") {
    await event(ctx, {
      subscriptionId: inv.subscriptionId,
      kind: "invoice_paid",
      summary: `invoice ${inv.id} paid`,
      details: { invoiceId: inv.id, amount: inv.amountPaid, currency },
    });
    const wasDunning =
      (before?.status === "open" && before.attemptCount > 0) ||
      p.subscriptionBefore?.status === "past_due" ||
      p.subscriptionBefore?.status === "unpaid";
    if (wasDunning) {
      await notice(ctx, {
        notice: "payment_recovered",
        dedupeKey: `billing:payment_recovered:${inv.id}`,
        plan,
        amount: inv.amountPaid,
        currency,
      });
    }
  }
  if (
    inv.status === "open" &&
    inv.attemptCount > 0 &&
    inv.attemptCount !== (before?.attemptCount ?? 0)
  ) {
    await event(ctx, {
      subscriptionId: inv.subscriptionId,
      kind: "invoice_payment_failed",
      summary: `invoice ${inv.id} payment attempt ${inv.attemptCount} failed`,
      details: { invoiceId: inv.id, attempt: inv.attemptCount, next: iso(inv.nextPaymentAttempt) },
    });
  }
  // Told when the attempt is new to us (the dedupe keys hold across retried jobs).
  const newAttempt =
    !before || before.status !== inv.status || before.attemptCount !== inv.attemptCount;
  if (newAttempt && inv.status === "open" && inv.paymentIntentStatus === "requires_action") {
    await notice(ctx, {
      notice: "payment_action_required",
      dedupeKey: `billing:payment_action_required:${inv.id}`,
      plan,
      amount: inv.amountDue,
      currency,
      url: inv.hostedInvoiceUrl,
    });
  } else if (newAttempt && inv.status === "open" && inv.attemptCount > 0) {
    await notice(ctx, {
      notice: "payment_failed",
      dedupeKey: `billing:payment_failed:${inv.id}:${inv.attemptCount}`,
      plan,
      amount: inv.amountDue,
      currency,
      at: inv.nextPaymentAttempt,
      url: inv.hostedInvoiceUrl,
    });
  }
  if (reversed > reversedBefore) {
    await event(ctx, {
      subscriptionId: inv.subscriptionId,
      kind: "invoice_reversed",
      summary: `invoice ${inv.id}: ${reversed} refunded or credited`,
      details: { invoiceId: inv.id, amount: reversed, currency },
    });
  }
}
