import type { BillingConfig } from "../config";
import type { ProviderInvoice, ProviderSubscription } from "../ports";
import type { InvoicePaymentIntentObject } from "../wire/stripe";
import type { SimPriceObject, SimProductObject } from "./billing-objects";
import {
  asDate,
  CARD_DETAILS,
  type SimBillingCustomerRecord,
  type SimCard,
  type SimInvoiceRecord,
  type SimPriceView,
  type SimSubscriptionRecord,
} from "./billing-model";
import { simIdempotency } from "./idempotency";
import { SIM_KIND as KIND } from "./kinds";
import { missing } from "./refusals";
import type { SimulatorRuntime } from "./store";
import { stripeEvent } from "./stripe-events";

/** What every part of the simulated Stripe Billing shares: the store, the clock, delivery and the loaders. */
export type SimBillingContext = ReturnType<typeof createSimBillingContext>;

export function createSimBillingContext(config: BillingConfig, runtime: SimulatorRuntime) {
  const store = runtime.store;
  const now = runtime.now ?? (() => new Date());
  const idempotent = simIdempotency(store, now);

  async function send(
    type: string,
    object: unknown,
    at: number,
    previousAttributes?: Record<string, unknown>,
    request?: { id: string; idempotencyKey: string | null },
  ): Promise<void> {
    const event = stripeEvent(type, object, {
      now: new Date(at * 1000),
      ...(previousAttributes ? { previousAttributes } : {}),
      ...(request ? { request } : {}),
    });
    await runtime.deliver("stripe", JSON.stringify(event));
  }

  const checkoutUrl = (id: string) => `${config.publicApiUrl}/sim/billing/checkout/${id}`;
  const portalUrl = (id: string) => `${config.publicApiUrl}/sim/billing/portal/${id}`;
  const invoiceUrl = (id: string) => `${config.publicApiUrl}/sim/billing/invoices/${id}`;

  async function loadCustomer(customerId: string): Promise<SimBillingCustomerRecord> {
    const record = await store.get<SimBillingCustomerRecord>(KIND.customer, customerId);
    if (!record) throw missing("customer", customerId);
    return record;
  }

  async function loadPrice(priceId: string): Promise<SimPriceObject> {
    const price = await store.get<SimPriceObject>(KIND.price, priceId);
    if (!price) throw missing("price", priceId);
    return price;
  }

  async function priceView(priceId: string): Promise<SimPriceView> {
    const price = await loadPrice(priceId);
    const product = await store.get<SimProductObject>(KIND.product, price.product);
    return {
      priceId,
      productName: product?.name ?? price.product,
      amount: price.unit_amount,
      currency: price.currency.toUpperCase(),
      interval: price.recurring.interval,
    };
  }

  async function loadSubscription(subscriptionId: string): Promise<SimSubscriptionRecord> {
    const record = await store.get<SimSubscriptionRecord>(KIND.subscription, subscriptionId);
    if (!record) throw missing("subscription", subscriptionId);
    return record;
  }

  async function loadInvoice(invoiceId: string): Promise<SimInvoiceRecord> {
    const record = await store.get<SimInvoiceRecord>(KIND.invoice, invoiceId);
    if (!record) throw missing("invoice", invoiceId);
    return record;
  }

  async function subscriptionsOf(customerId: string): Promise<SimSubscriptionRecord[]> {
    const all = await store.list<SimSubscriptionRecord>(KIND.subscription);
    return all
      .filter((r) => r.subscription.customer === customerId)
      .sort((a, b) => b.subscription.created - a.subscription.created);
  }

  async function invoicesOf(customerId: string): Promise<SimInvoiceRecord[]> {
    const all = await store.list<SimInvoiceRecord>(KIND.invoice);
    return (
      all
        .filter((r) => r.invoice.customer === customerId)
        // Invoices of one clock second keep their order of creation through their number.
        .sort(
          (a, b) =>
            b.invoice.created - a.invoice.created ||
            (b.invoice.number ?? "").localeCompare(a.invoice.number ?? ""),
        )
    );
  }

  /** Changes a subscription and returns the new object with the previous values of what changed. */
  async function changeSubscription(
    subscriptionId: string,
    change: (current: SimSubscriptionRecord) => SimSubscriptionRecord,
  ): Promise<{ record: SimSubscriptionRecord; previous: Record<string, unknown> }> {
    const before = await loadSubscription(subscriptionId);
    const record = await store.update<SimSubscriptionRecord>(
      KIND.subscription,
      subscriptionId,
      change,
    );
    if (!record) throw missing("subscription", subscriptionId);
    const previous: Record<string, unknown> = {};
    const b = before.subscription as unknown as Record<string, unknown>;
    const a = record.subscription as unknown as Record<string, unknown>;
    for (const key of Object.keys(a)) {
      if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) previous[key] = b[key];
    }
    return { record, previous };
  }

  function toProviderSubscription(
    record: SimSubscriptionRecord,
    card: SimCard,
  ): ProviderSubscription {
    const s = record.subscription;
    const item = s.items.data[0];
    if (!item) throw new Error(`simulated subscription ${s.id} has no item`);
    return {
      id: s.id,
      customerId: s.customer,
      status: s.status,
      priceId: item.price.id,
      productId: item.price.product,
      amount: item.price.unit_amount * item.quantity,
      currency: s.currency.toUpperCase(),
      interval: item.price.recurring.interval,
      currentPeriodStart: asDate(item.current_period_start),
      currentPeriodEnd: asDate(item.current_period_end),
      cancelAtPeriodEnd: s.cancel_at_period_end,
      cancelAt: asDate(s.cancel_at),
      canceledAt: asDate(s.canceled_at),
      endedAt: asDate(s.ended_at),
      trialEnd: asDate(s.trial_end),
      startDate: asDate(s.start_date),
      created: new Date(s.created * 1000),
      pending: record.pending
        ? { priceId: record.pending.priceId, at: new Date(record.pending.at * 1000) }
        : null,
      card: s.default_payment_method ? CARD_DETAILS[card] : null,
      latestInvoiceId: s.latest_invoice,
      userId: s.metadata.user_id ?? null,
    };
  }

  async function toProviderInvoice(record: SimInvoiceRecord): Promise<ProviderInvoice> {
    const i = record.invoice;
    const payment = i.payments?.data[0] ?? null;
    const pi = payment
      ? await store.get<InvoicePaymentIntentObject>(
          KIND.paymentIntent,
          payment.payment.payment_intent,
        )
      : null;
    return {
      id: i.id,
      customerId: i.customer,
      subscriptionId: i.parent?.subscription_details.subscription ?? null,
      status: i.status ?? "draft",
      billingReason: i.billing_reason,
      currency: i.currency.toUpperCase(),
      amountDue: i.amount_due,
      amountPaid: i.amount_paid,
      creditedAfterPayment: i.post_payment_credit_notes_amount,
      attemptCount: i.attempt_count,
      nextPaymentAttempt: asDate(i.next_payment_attempt),
      hostedInvoiceUrl: i.hosted_invoice_url ?? null,
      periodStart: asDate(i.period_start),
      periodEnd: asDate(i.period_end),
      paidAt: asDate(i.status_transitions.paid_at),
      created: new Date(i.created * 1000),
      paymentIntentId: payment?.payment.payment_intent ?? null,
      paymentIntentStatus: pi?.status ?? null,
    };
  }

  async function providerSubscription(
    record: SimSubscriptionRecord,
  ): Promise<ProviderSubscription> {
    const customer = await loadCustomer(record.subscription.customer);
    return toProviderSubscription(record, customer.card);
  }

  return {
    store,
    now,
    idempotent,
    send,
    checkoutUrl,
    portalUrl,
    invoiceUrl,
    loadCustomer,
    loadPrice,
    priceView,
    loadSubscription,
    loadInvoice,
    subscriptionsOf,
    invoicesOf,
    changeSubscription,
    toProviderSubscription,
    toProviderInvoice,
    providerSubscription,
  };
}
