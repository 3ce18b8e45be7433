import type { ProviderInvoice, SubscriptionBillingPort } from "../ports";
import type {
  ChargeObject,
  InvoiceLineItemObject,
  InvoicePaymentIntentObject,
} from "../wire/stripe";
import type {
  SimInvoiceBillingReason,
  SimInvoiceObject,
  SimSubscriptionObject,
} from "./billing-objects";
import type { SimBillingContext } from "./billing-context";
import {
  DAY,
  SIM_DUNNING_RETRY_DAYS,
  type SimInvoiceRecord,
  type SimSubscriptionRecord,
} from "./billing-model";
import { simStripeId } from "./ids";
import { SIM_KIND as KIND } from "./kinds";
import type { SimChargeRecord } from "./records";
import { missing, refused } from "./refusals";
import { recordSimBalanceTransaction } from "./reports";
import { simProcessingFee } from "./stripe-events";

/** What the hosted invoice page does. */
export type SimBillingInvoiceControls = {
  /** The hosted invoice page's Pay, with the card now on file (3-D Secure is done on the page). */
  payInvoice(invoiceId: string): Promise<ProviderInvoice>;
  getInvoice(invoiceId: string): Promise<ProviderInvoice | null>;
};

/** Invoices, their payments (charges of the payment simulator's kinds) and dunning. */
export function createSimBillingInvoices(ctx: SimBillingContext) {
  const {
    store,
    send,
    invoiceUrl,
    loadCustomer,
    loadSubscription,
    loadInvoice,
    invoicesOf,
    changeSubscription,
    toProviderInvoice,
  } = ctx;

  /** Creates and finalizes an invoice for a subscription (`invoice.created`, `invoice.finalized`). */
  async function issueInvoice(input: {
    subscription: SimSubscriptionObject;
    reason: SimInvoiceBillingReason;
    at: number;
    periodStart: number;
    periodEnd: number;
    lines: {
      amount: number;
      description: string;
      proration: boolean;
      start: number;
      end: number;
    }[];
  }): Promise<SimInvoiceRecord> {
    const { subscription: s, at } = input;
    const customer = await loadCustomer(s.customer);
    const item = s.items.data[0];
    if (!item) throw new Error(`simulated subscription ${s.id} has no item`);
    const id = simStripeId("in");
    const total = input.lines.reduce((sum, l) => sum + l.amount, 0);
    // A negative total (a credit larger than the charge) would go to the customer's balance.
    const due = Math.max(0, total);
    const count = (await invoicesOf(s.customer)).length + 1;
    const lines: InvoiceLineItemObject[] = input.lines.map((l) => ({
      id: simStripeId("il"),
      object: "line_item",
      amount: l.amount,
      currency: s.currency,
      description: l.description,
      invoice: id,
      livemode: false,
      metadata: {},
      parent: {
        type: "subscription_item_details",
        subscription_item_details: {
          invoice_item: null,
          proration: l.proration,
          subscription: s.id,
          subscription_item: item.id,
        },
      },
      period: { start: l.start, end: l.end },
      pricing: {
        type: "price_details",
        price_details: { price: item.price.id, product: item.price.product },
        unit_amount_decimal: String(item.price.unit_amount),
      },
      quantity: 1,
      subscription: s.id,
    }));
    const invoice: SimInvoiceObject = {
      id,
      object: "invoice",
      amount_due: due,
      amount_paid: 0,
      amount_remaining: due,
      attempt_count: 0,
      attempted: false,
      billing_reason: input.reason,
      collection_method: "charge_automatically",
      created: at,
      currency: s.currency,
      customer: s.customer,
      customer_email: customer.customer.email,
      hosted_invoice_url: invoiceUrl(id),
      lines: {
        object: "list",
        data: lines,
        has_more: false,
        total_count: lines.length,
        url: `/v1/invoices/${id}/lines`,
      },
      livemode: false,
      metadata: {},
      next_payment_attempt: null,
      number: `${customer.customer.id.slice(-8).toUpperCase()}-${String(count).padStart(4, "0")}`,
      parent: {
        type: "subscription_details",
        quote_details: null,
        subscription_details: { metadata: s.metadata, subscription: s.id },
      },
      payments: { object: "list", data: [], has_more: false, url: "/v1/invoice_payments" },
      period_end: input.periodEnd,
      period_start: input.periodStart,
      post_payment_credit_notes_amount: 0,
      pre_payment_credit_notes_amount: 0,
      status: "open",
      status_transitions: {
        finalized_at: at,
        marked_uncollectible_at: null,
        paid_at: null,
        voided_at: null,
      },
      subtotal: total,
      test_clock: customer.customer.test_clock,
      total,
    };
    const record: SimInvoiceRecord = { invoice, firstFailedAt: null, autoAttempts: 0 };
    await store.put(KIND.invoice, id, record);
    await store.update<SimSubscriptionRecord>(KIND.subscription, s.id, (cur) => ({
      ...cur,
      subscription: { ...cur.subscription, latest_invoice: id },
    }));
    await send("invoice.created", { ...invoice, status: "draft" }, at);
    await send("invoice.finalized", invoice, at);
    return record;
  }

  /**
   * Charges an open invoice with the card on file. `automatic`: a scheduled attempt (the
   * first or a Smart Retry), which moves the dunning schedule and may end the subscription;
   * `onSession`: the customer is present (Checkout, the hosted invoice page), so 3-D
   * Secure is completed on the page.
   */
  async function attemptInvoice(
    invoiceId: string,
    at: number,
    mode: { automatic: boolean; onSession: boolean },
    happened: string[],
  ): Promise<"paid" | "declined" | "requires_action"> {
    const before = await loadInvoice(invoiceId);
    if (before.invoice.status !== "open" && before.invoice.status !== "uncollectible") {
      throw refused(
        "invoice_not_open",
        `Invoice ${invoiceId} is ${before.invoice.status}; it cannot be paid.`,
      );
    }
    const customer = await loadCustomer(before.invoice.customer);
    const subscriptionId = before.invoice.parent?.subscription_details.subscription ?? null;
    const outcome: "paid" | "declined" | "requires_action" =
      customer.card === "succeeds" || (customer.card === "requires_action" && mode.onSession)
        ? "paid"
        : customer.card === "declines"
          ? "declined"
          : "requires_action";
    const amount = before.invoice.amount_due;
    let paymentIntentId: string | null = null;
    if (amount > 0) {
      paymentIntentId = simStripeId("pi");
      const chargeId = outcome === "paid" ? simStripeId("ch") : null;
      const metadata = {
        invoice_id: invoiceId,
        ...(subscriptionId ? { subscription_id: subscriptionId } : {}),
      };
      await store.put<InvoicePaymentIntentObject>(KIND.paymentIntent, paymentIntentId, {
        id: paymentIntentId,
        object: "payment_intent",
        amount,
        amount_received: outcome === "paid" ? amount : 0,
        created: at,
        currency: before.invoice.currency,
        customer: customer.customer.id,
        last_payment_error:
          outcome === "declined"
            ? { code: "card_declined", message: "Your card was declined.", type: "card_error" }
            : null,
        latest_charge: chargeId,
        livemode: false,
        metadata,
        status:
          outcome === "paid"
            ? "succeeded"
            : outcome === "declined"
              ? "requires_payment_method"
              : "requires_action",
        transfer_group: null,
      });
      if (chargeId) {
        const fee = simProcessingFee(amount);
        const charge: ChargeObject = {
          id: chargeId,
          object: "charge",
          amount,
          amount_captured: amount,
          amount_refunded: 0,
          balance_transaction: simStripeId("txn"),
          captured: true,
          created: at,
          currency: before.invoice.currency,
          disputed: false,
          livemode: false,
          metadata,
          paid: true,
          payment_intent: paymentIntentId,
          refunded: false,
          refunds: {
            object: "list",
            data: [],
            has_more: false,
            total_count: 0,
            url: `/v1/charges/${chargeId}/refunds`,
          },
          status: "succeeded",
          transfer_group: null,
        };
        // No Checkout Session pays an invoice: the record names the invoice instead.
        await store.put<SimChargeRecord>(KIND.charge, chargeId, {
          charge,
          fee,
          sessionId: invoiceId,
        });
        await recordSimBalanceTransaction(store, {
          id: charge.balance_transaction,
          type: "charge",
          amount,
          fee,
          currency: charge.currency,
          source: chargeId,
          created: at,
        });
      }
    }
    const flag = { lastRetryFailed: false };
    const updated = await store.update<SimInvoiceRecord>(KIND.invoice, invoiceId, (cur) => {
      const i = cur.invoice;
      const payments = paymentIntentId
        ? [
            {
              id: simStripeId("inpay"),
              object: "invoice_payment" as const,
              amount_paid: outcome === "paid" ? amount : null,
              amount_requested: amount,
              created: at,
              currency: i.currency,
              invoice: i.id,
              is_default: true,
              livemode: false,
              payment: { type: "payment_intent" as const, payment_intent: paymentIntentId },
              status: outcome === "paid" ? ("paid" as const) : ("open" as const),
              status_transitions: { canceled_at: null, paid_at: outcome === "paid" ? at : null },
            },
            ...(i.payments?.data ?? []).map((p) => ({ ...p, is_default: false })),
          ]
        : (i.payments?.data ?? []);
      const base = {
        ...i,
        attempt_count: i.attempt_count + (amount > 0 ? 1 : 0),
        attempted: true,
        payments: {
          object: "list" as const,
          data: payments,
          has_more: false,
          url: "/v1/invoice_payments",
        },
      };
      if (outcome === "paid") {
        return {
          ...cur,
          invoice: {
            ...base,
            amount_paid: amount,
            amount_remaining: 0,
            next_payment_attempt: null,
            status: "paid",
            status_transitions: { ...i.status_transitions, paid_at: at },
          },
        };
      }
      const autoAttempts = cur.autoAttempts + (mode.automatic ? 1 : 0);
      const firstFailedAt = cur.firstFailedAt ?? (mode.automatic ? at : null);
      const retryDays = SIM_DUNNING_RETRY_DAYS[autoAttempts - 1];
      let next = i.next_payment_attempt;
      if (mode.automatic) {
        next =
          firstFailedAt !== null && retryDays !== undefined
            ? firstFailedAt + retryDays * DAY
            : null;
        flag.lastRetryFailed = retryDays === undefined;
      }
      return {
        ...cur,
        autoAttempts,
        firstFailedAt,
        invoice: { ...base, next_payment_attempt: next },
      };
    });
    if (!updated) throw missing("invoice", invoiceId);
    const inv = updated.invoice;
    if (outcome === "paid") {
      await send("invoice.paid", inv, at);
      await send("invoice.payment_succeeded", inv, at);
      happened.push(`invoice ${inv.id} paid (${inv.amount_paid} ${inv.currency.toUpperCase()})`);
      if (subscriptionId) {
        const sub = await loadSubscription(subscriptionId);
        if (sub.subscription.status === "past_due" || sub.subscription.status === "incomplete") {
          const { record, previous } = await changeSubscription(subscriptionId, (cur) => ({
            ...cur,
            subscription: { ...cur.subscription, status: "active" },
          }));
          await send("customer.subscription.updated", record.subscription, at, previous);
          happened.push(`subscription ${subscriptionId} active again`);
        }
      }
      return outcome;
    }
    if (outcome === "declined") {
      await send("invoice.payment_failed", inv, at);
      happened.push(`invoice ${inv.id} payment failed (attempt ${inv.attempt_count})`);
    } else {
      await send("invoice.payment_action_required", inv, at);
      happened.push(
        `invoice ${inv.id} requires action (attempt ${inv.attempt_count}): ${inv.hosted_invoice_url}`,
      );
    }
    if (!subscriptionId) return outcome;
    const sub = await loadSubscription(subscriptionId);
    if (sub.subscription.status === "active" || sub.subscription.status === "trialing") {
      const { record, previous } = await changeSubscription(subscriptionId, (cur) => ({
        ...cur,
        subscription: { ...cur.subscription, status: "past_due" },
      }));
      await send("customer.subscription.updated", record.subscription, at, previous);
      happened.push(`subscription ${subscriptionId} past_due`);
    }
    if (flag.lastRetryFailed && sub.subscription.status !== "canceled") {
      // Retries exhausted: the subscription is canceled, the invoice marked uncollectible.
      const marked = await store.update<SimInvoiceRecord>(KIND.invoice, invoiceId, (cur) => ({
        ...cur,
        invoice: {
          ...cur.invoice,
          status: "uncollectible",
          next_payment_attempt: null,
          status_transitions: { ...cur.invoice.status_transitions, marked_uncollectible_at: at },
        },
      }));
      if (marked) {
        await send("invoice.marked_uncollectible", marked.invoice, at, { status: "open" });
      }
      await endSubscription(subscriptionId, at, "payment_failed", happened);
    }
    return outcome;
  }

  async function endSubscription(
    subscriptionId: string,
    at: number,
    reason: "cancellation_requested" | "payment_failed",
    happened: string[],
    comment?: string | null,
  ): Promise<SimSubscriptionRecord> {
    const { record } = await changeSubscription(subscriptionId, (cur) => {
      const s = cur.subscription;
      if (s.status === "canceled") return cur;
      return {
        ...cur,
        pending: null,
        subscription: {
          ...s,
          status: "canceled",
          canceled_at: s.canceled_at ?? at,
          ended_at: at,
          schedule: null,
          cancellation_details: {
            comment: comment ?? s.cancellation_details?.comment ?? null,
            feedback: null,
            feedback_option: null,
            reason,
          },
        },
      };
    });
    await send("customer.subscription.deleted", record.subscription, at);
    happened.push(
      `subscription ${subscriptionId} canceled (${reason === "payment_failed" ? "retries exhausted" : "canceled"})`,
    );
    return record;
  }

  const api: Pick<SubscriptionBillingPort, "listCustomerInvoices"> & SimBillingInvoiceControls = {
    async listCustomerInvoices(customerId) {
      await loadCustomer(customerId);
      const records = (await invoicesOf(customerId)).slice(0, 100);
      return Promise.all(records.map(toProviderInvoice));
    },

    async payInvoice(invoiceId) {
      const record = await loadInvoice(invoiceId);
      const customer = await loadCustomer(record.invoice.customer);
      await attemptInvoice(invoiceId, customer.clock, { automatic: false, onSession: true }, []);
      return toProviderInvoice(await loadInvoice(invoiceId));
    },

    async getInvoice(invoiceId) {
      const record = await store.get<SimInvoiceRecord>(KIND.invoice, invoiceId);
      return record ? toProviderInvoice(record) : null;
    },
  };
  return { issueInvoice, attemptInvoice, endSubscription, api };
}

export type SimBillingInvoices = ReturnType<typeof createSimBillingInvoices>;
