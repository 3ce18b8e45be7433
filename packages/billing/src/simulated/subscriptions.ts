import { planChangeKind } from "@an/domain";
import type { BillingConfig } from "../config";
import {
  type ProviderInvoice,
  ProviderRejectedError,
  type ProviderSubscription,
  type SubscriptionBillingPort,
  type SubscriptionCheckout,
} from "../ports";
import type { ChargeObject } from "../wire/stripe";
import type {
  SimCustomerObject,
  SimInvoiceBillingReason,
  SimInvoiceLineItemObject,
  SimInvoiceObject,
  SimInvoicePaymentIntentObject,
  SimPortalSessionObject,
  SimPriceObject,
  SimProductObject,
  SimRecurringInterval,
  SimSubscriptionCheckoutSessionObject,
  SimSubscriptionObject,
} from "./billing-objects";
import { simIdempotency } from "./idempotency";
import { simStripeId, unixSeconds } from "./ids";
import { SIM_KIND } from "./kinds";
import type { SimChargeRecord } from "./records";
import { missing, refused } from "./refusals";
import { recordSimBalanceTransaction } from "./reports";
import type { SimulatorRuntime } from "./store";
import { simProcessingFee, stripeEvent } from "./stripe-events";

/** What the customer's card on file does when charged (Stripe's test cards). */
export const SIM_CARDS = ["succeeds", "declines", "requires_action"] as const;
export type SimCard = (typeof SIM_CARDS)[number];

/** Stripe's test cards behind each behaviour: 4242…, 0341 (attaches, then declines), 3184 (always 3-D Secure). */
const CARD_DETAILS: Record<SimCard, { brand: string; last4: string }> = {
  succeeds: { brand: "visa", last4: "4242" },
  declines: { brand: "visa", last4: "0341" },
  requires_action: { brand: "visa", last4: "3184" },
};

/** Smart Retries as configured for the simulator: 3, 5 and 7 days after the first failure. */
export const SIM_DUNNING_RETRY_DAYS = [3, 5, 7] as const;
/** Stripe sends `customer.subscription.trial_will_end` three days before a trial ends. */
const TRIAL_WILL_END_DAYS = 3;
const DAY = 24 * 60 * 60;

// Stripe's limits for `expires_at` (see payments.ts for the minute of slack).
const MIN_EXPIRY_MS = 30 * 60_000 - 60_000;
const MAX_EXPIRY_MS = 24 * 60 * 60_000;

export type SimBillingCustomerRecord = {
  customer: SimCustomerObject;
  /** The customer's test clock, unix seconds: frozen until advanced, as Stripe's are. */
  clock: number;
  card: SimCard;
};

export type SimSubscriptionRecord = {
  subscription: SimSubscriptionObject;
  /** A downgrade the subscription schedule applies at `at` (the period's end). */
  pending: { priceId: string; at: number } | null;
  trialReminderSent: boolean;
};

export type SimInvoiceRecord = {
  invoice: SimInvoiceObject;
  /** When the first automatic attempt failed: the retries are counted from it. */
  firstFailedAt: number | null;
  /** Automatic attempts made (the hosted page's attempts don't move the retry schedule). */
  autoAttempts: number;
};

export type SimSubscriptionCheckoutRecord = {
  session: SimSubscriptionCheckoutSessionObject;
  priceId: string;
  trialDays: number;
};

export type SimPortalRecord = {
  session: SimPortalSessionObject;
  allowedPrices: { productId: string; priceIds: string[] }[];
};

/** A price as the simulated pages show it. */
export type SimPriceView = {
  priceId: string;
  productName: string;
  amount: number;
  /** Uppercase ISO code. */
  currency: string;
  interval: SimRecurringInterval;
};

export type SimCheckoutView = {
  session: SimSubscriptionCheckoutSessionObject;
  price: SimPriceView;
  trialDays: number;
};

export type SimPortalView = {
  session: SimPortalSessionObject;
  subscription: ProviderSubscription | null;
  current: SimPriceView | null;
  /** The allowlisted prices to switch to, with what switching would be. */
  options: (SimPriceView & { change: "upgrade" | "downgrade" | "same" })[];
  card: SimCard;
};

export type SimulatedSubscriptions = SubscriptionBillingPort & {
  readonly mode: "simulated";
  /** The customer's test clock. */
  clockNow(customerId: string): Promise<Date>;
  /** Walks the customer's clock forward to `to`, running what falls due on the way, in order. */
  advanceClock(input: { customerId: string; to: Date }): Promise<{ now: Date; happened: string[] }>;
  setCard(input: { customerId: string; card: SimCard }): Promise<void>;
  getCard(customerId: string): Promise<SimCard>;
  /** The checkout page's Pay: the subscription starts (trialing, or active with a paid first invoice). */
  completeCheckout(sessionId: string): Promise<SimSubscriptionCheckoutRecord>;
  /** The checkout page's Abandon: the session expires (`checkout.session.expired`). */
  abandonCheckout(sessionId: string): Promise<SimSubscriptionCheckoutRecord>;
  getCheckoutView(sessionId: string): Promise<SimCheckoutView | null>;
  /** The hosted invoice page's Pay, with the card now on file (3-D Secure is done on the page). */
  payInvoice(invoiceId: string): Promise<ProviderInvoice>;
  getInvoice(invoiceId: string): Promise<ProviderInvoice | null>;
  getPortalSession(portalSessionId: string): Promise<SimPortalView | null>;
  /** Upgrades now (prorated, invoiced and paid at once); downgrades at the period's end. */
  portalSwitchPrice(input: {
    portalSessionId: string;
    priceId: string;
  }): Promise<{ change: "upgrade" | "downgrade" | "same"; subscription: ProviderSubscription }>;
  portalCancel(input: {
    portalSessionId: string;
    atPeriodEnd: boolean;
  }): Promise<ProviderSubscription>;
  portalSetCard(input: { portalSessionId: string; card: SimCard }): Promise<void>;
};

const KIND = SIM_KIND;

/** Adds whole intervals the way Stripe bills: same day of month, clamped to the month's end. */
export function addBillingInterval(seconds: number, interval: SimRecurringInterval): number {
  const at = new Date(seconds * 1000);
  if (interval === "day") return seconds + DAY;
  if (interval === "week") return seconds + 7 * DAY;
  const months = interval === "month" ? 1 : 12;
  const day = at.getUTCDate();
  const next = new Date(at);
  next.setUTCDate(1);
  next.setUTCMonth(next.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 0)).getUTCDate();
  next.setUTCDate(Math.min(day, lastDay));
  return unixSeconds(next);
}

/**
 * The proration of an upgrade at `at`: the unused time of the old price credited, the
 * remaining time on the new one charged, both rounded to minor units as Stripe does per
 * line. A change of interval starts a new period now (the new price is charged in full).
 */
export function simProration(input: {
  oldAmount: number;
  newAmount: number;
  periodStart: number;
  periodEnd: number;
  at: number;
  resetsPeriod: boolean;
}): { credit: number; charge: number; total: number } {
  const length = input.periodEnd - input.periodStart;
  const remaining = Math.max(0, Math.min(length, input.periodEnd - input.at));
  const credit = length > 0 ? Math.round((input.oldAmount * remaining) / length) : 0;
  const charge = input.resetsPeriod
    ? input.newAmount
    : length > 0
      ? Math.round((input.newAmount * remaining) / length)
      : 0;
  return { credit, charge, total: charge - credit };
}

const asDate = (seconds: number | null): Date | null =>
  seconds === null ? null : new Date(seconds * 1000);

/**
 * The simulated Stripe Billing: products, prices, customers on their own test clocks,
 * subscription-mode Checkout, the customer portal, subscriptions, invoices and dunning, in
 * the `SimStore`; Stripe-shaped events handed to `runtime.deliver` (signed and posted to
 * our own `/webhooks/stripe`). Invoice payments are charges, payment intents and balance
 * transactions of the payment simulator's kinds, so `PaymentPort.retrieveCharge` and the
 * balance listings see them. Idempotency keys behave as Stripe's.
 */
export function createSimulatedSubscriptions(
  config: BillingConfig,
  runtime: SimulatorRuntime,
): SimulatedSubscriptions {
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
      ? await store.get<SimInvoicePaymentIntentObject>(
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
    const lines: SimInvoiceLineItemObject[] = input.lines.map((l) => ({
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
      await store.put<SimInvoicePaymentIntentObject>(KIND.paymentIntent, paymentIntentId, {
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

  /** The period's end: cancel at period end, or apply a scheduled change and renew. */
  async function periodEnd(record: SimSubscriptionRecord, at: number, happened: string[]) {
    const s = record.subscription;
    if (s.cancel_at_period_end) {
      await endSubscription(s.id, at, "cancellation_requested", happened);
      return;
    }
    const wasTrial = s.status === "trialing";
    const pending = record.pending && record.pending.at <= at ? record.pending : null;
    const newPrice = pending ? await loadPrice(pending.priceId) : null;
    const { record: renewed, previous } = await changeSubscription(s.id, (cur) => {
      const item = cur.subscription.items.data[0];
      if (!item) return cur;
      const price = newPrice ?? item.price;
      const end = addBillingInterval(at, price.recurring.interval);
      return {
        ...cur,
        pending: pending ? null : cur.pending,
        subscription: {
          ...cur.subscription,
          schedule: pending ? null : cur.subscription.schedule,
          status: wasTrial ? "active" : cur.subscription.status,
          billing_cycle_anchor: pending || wasTrial ? at : cur.subscription.billing_cycle_anchor,
          items: {
            ...cur.subscription.items,
            data: [{ ...item, price, current_period_start: at, current_period_end: end }],
          },
        },
      };
    });
    if (pending) happened.push(`subscription ${s.id} switched to ${pending.priceId} (scheduled)`);
    if (wasTrial) happened.push(`subscription ${s.id} trial ended`);
    else happened.push(`subscription ${s.id} renewed`);
    await send("customer.subscription.updated", renewed.subscription, at, previous);
    const item = renewed.subscription.items.data[0];
    if (!item) return;
    const invoice = await issueInvoice({
      subscription: renewed.subscription,
      reason: "subscription_cycle",
      at,
      periodStart: item.current_period_start,
      periodEnd: item.current_period_end,
      lines: [
        {
          amount: item.price.unit_amount * item.quantity,
          description: `${item.quantity} × ${(await priceView(item.price.id)).productName}`,
          proration: false,
          start: item.current_period_start,
          end: item.current_period_end,
        },
      ],
    });
    await attemptInvoice(invoice.invoice.id, at, { automatic: true, onSession: false }, happened);
  }

  /** The next thing due on the customer's clock at or before `to`, if any. */
  async function nextDue(
    customerId: string,
    from: number,
    to: number,
  ): Promise<{ at: number; run: (happened: string[]) => Promise<void> } | null> {
    const candidates: { at: number; order: number; run: (happened: string[]) => Promise<void> }[] =
      [];
    for (const record of await subscriptionsOf(customerId)) {
      const s = record.subscription;
      const item = s.items.data[0];
      if (s.status === "canceled" || s.status === "incomplete_expired" || !item) continue;
      if (s.status === "trialing" && s.trial_end !== null && !record.trialReminderSent) {
        const at = Math.max(from, s.trial_end - TRIAL_WILL_END_DAYS * DAY);
        candidates.push({
          at,
          order: 0,
          run: async (happened) => {
            const updated = await store.update<SimSubscriptionRecord>(
              KIND.subscription,
              s.id,
              (cur) => ({ ...cur, trialReminderSent: true }),
            );
            if (!updated) return;
            await send("customer.subscription.trial_will_end", updated.subscription, at);
            happened.push(`subscription ${s.id} trial will end`);
          },
        });
      }
      candidates.push({
        at: s.status === "trialing" && s.trial_end !== null ? s.trial_end : item.current_period_end,
        order: 2,
        run: async (happened) => {
          const fresh = await loadSubscription(s.id);
          const freshItem = fresh.subscription.items.data[0];
          const end =
            fresh.subscription.status === "trialing" && fresh.subscription.trial_end !== null
              ? fresh.subscription.trial_end
              : freshItem?.current_period_end;
          if (fresh.subscription.status === "canceled" || end === undefined || end > to) return;
          await periodEnd(fresh, end, happened);
        },
      });
    }
    for (const record of await invoicesOf(customerId)) {
      const i = record.invoice;
      if (i.status !== "open" || i.next_payment_attempt === null) continue;
      const at = i.next_payment_attempt;
      candidates.push({
        at,
        order: 1,
        run: async (happened) => {
          const fresh = await loadInvoice(i.id);
          if (fresh.invoice.status !== "open" || fresh.invoice.next_payment_attempt !== at) return;
          happened.push(`invoice ${i.id} retry ${fresh.autoAttempts}`);
          await attemptInvoice(i.id, at, { automatic: true, onSession: false }, happened);
        },
      });
    }
    const due = candidates
      .filter((c) => c.at <= to)
      .sort((a, b) => a.at - b.at || a.order - b.order);
    return due[0] ?? null;
  }

  async function setClock(customerId: string, at: number): Promise<void> {
    await store.update<SimBillingCustomerRecord>(KIND.customer, customerId, (cur) => ({
      ...cur,
      clock: Math.max(cur.clock, at),
    }));
  }

  async function setCustomerCard(customerId: string, card: SimCard): Promise<void> {
    const pm = simStripeId("pm");
    const updated = await store.update<SimBillingCustomerRecord>(
      KIND.customer,
      customerId,
      (cur) => ({
        ...cur,
        card,
        customer: {
          ...cur.customer,
          invoice_settings: { ...cur.customer.invoice_settings, default_payment_method: pm },
        },
      }),
    );
    if (!updated) throw missing("customer", customerId);
    // The portal sets the new card on the customer's subscriptions too, which Stripe
    // announces as `customer.subscription.updated`.
    for (const record of await subscriptionsOf(customerId)) {
      if (record.subscription.status === "canceled") continue;
      const { record: changed, previous } = await changeSubscription(
        record.subscription.id,
        (cur) => ({ ...cur, subscription: { ...cur.subscription, default_payment_method: pm } }),
      );
      await send("customer.subscription.updated", changed.subscription, updated.clock, previous);
    }
  }

  function toCheckout(record: SimSubscriptionCheckoutRecord): SubscriptionCheckout {
    const s = record.session;
    return {
      id: s.id,
      url: s.url,
      status: s.status,
      customerId: s.customer,
      subscriptionId: s.subscription,
      userId: s.metadata.user_id ?? null,
      checkoutId: s.metadata.checkout_id ?? null,
      expiresAt: new Date(s.expires_at * 1000),
    };
  }

  async function expireSession(
    sessionId: string,
    request?: { id: string; idempotencyKey: string | null },
  ): Promise<SimSubscriptionCheckoutRecord> {
    const flag = { changed: false };
    const record = await store.update<SimSubscriptionCheckoutRecord>(
      KIND.subscriptionSession,
      sessionId,
      (cur) => {
        if (cur.session.status !== "open") return cur;
        flag.changed = true;
        return { ...cur, session: { ...cur.session, status: "expired", url: null } };
      },
    );
    if (!record) throw missing("checkout.session", sessionId);
    if (flag.changed) {
      await send(
        "checkout.session.expired",
        record.session,
        unixSeconds(now()),
        { status: "open", url: checkoutUrl(sessionId) },
        request,
      );
    }
    return record;
  }

  async function currentSession(sessionId: string): Promise<SimSubscriptionCheckoutRecord> {
    const record = await store.get<SimSubscriptionCheckoutRecord>(
      KIND.subscriptionSession,
      sessionId,
    );
    if (!record) throw missing("checkout.session", sessionId);
    if (record.session.status === "open" && unixSeconds(now()) >= record.session.expires_at) {
      return expireSession(sessionId);
    }
    return record;
  }

  async function loadPortal(portalSessionId: string): Promise<SimPortalRecord> {
    const record = await store.get<SimPortalRecord>(KIND.portalSession, portalSessionId);
    if (!record) throw missing("billing_portal.session", portalSessionId);
    return record;
  }

  /** The customer's subscription the portal manages: the newest one not yet ended. */
  async function liveSubscriptionOf(customerId: string): Promise<SimSubscriptionRecord> {
    const live = (await subscriptionsOf(customerId)).find(
      (r) => r.subscription.status !== "canceled" && r.subscription.status !== "incomplete_expired",
    );
    if (!live) {
      throw refused("resource_missing", `Customer ${customerId} has no active subscription.`);
    }
    return live;
  }

  async function cancel(
    subscriptionId: string,
    atPeriodEnd: boolean,
    reason: string | null,
  ): Promise<SimSubscriptionRecord> {
    const record = await loadSubscription(subscriptionId);
    // Canceling an ended subscription changes nothing, as retrying our own request must not fail.
    if (record.subscription.status === "canceled") return record;
    const customer = await loadCustomer(record.subscription.customer);
    const at = customer.clock;
    if (!atPeriodEnd)
      return endSubscription(subscriptionId, at, "cancellation_requested", [], reason);
    const { record: changed, previous } = await changeSubscription(subscriptionId, (cur) => {
      const item = cur.subscription.items.data[0];
      const end =
        cur.subscription.status === "trialing"
          ? cur.subscription.trial_end
          : item?.current_period_end;
      return {
        ...cur,
        // A scheduled downgrade is released: there is no next period to apply it to.
        pending: null,
        subscription: {
          ...cur.subscription,
          cancel_at_period_end: true,
          cancel_at: end ?? null,
          canceled_at: at,
          schedule: null,
          cancellation_details: {
            comment: reason,
            feedback: null,
            feedback_option: null,
            reason: "cancellation_requested",
          },
        },
      };
    });
    if (Object.keys(previous).length > 0) {
      await send("customer.subscription.updated", changed.subscription, at, previous);
    }
    return changed;
  }

  async function resume(subscriptionId: string): Promise<SimSubscriptionRecord> {
    const record = await loadSubscription(subscriptionId);
    if (record.subscription.status === "canceled") {
      throw refused(
        "resource_missing",
        "A canceled subscription can only update its cancellation_details and metadata.",
      );
    }
    const customer = await loadCustomer(record.subscription.customer);
    const { record: changed, previous } = await changeSubscription(subscriptionId, (cur) => ({
      ...cur,
      subscription: {
        ...cur.subscription,
        cancel_at_period_end: false,
        cancel_at: null,
        canceled_at: null,
        cancellation_details: {
          comment: null,
          feedback: null,
          feedback_option: null,
          reason: null,
        },
      },
    }));
    if (Object.keys(previous).length > 0) {
      await send("customer.subscription.updated", changed.subscription, customer.clock, previous);
    }
    return changed;
  }

  async function providerSubscription(
    record: SimSubscriptionRecord,
  ): Promise<ProviderSubscription> {
    const customer = await loadCustomer(record.subscription.customer);
    return toProviderSubscription(record, customer.card);
  }

  return {
    mode: "simulated",

    async createCustomer(input) {
      const params = {
        userId: input.userId,
        email: input.email,
        name: input.name,
        locale: input.locale,
      };
      const id = await idempotent(input.idempotencyKey, "customers.create", params, async () => {
        const at = unixSeconds(now());
        const id = simStripeId("cus");
        const record: SimBillingCustomerRecord = {
          customer: {
            id,
            object: "customer",
            created: at,
            email: input.email,
            invoice_settings: {
              custom_fields: null,
              default_payment_method: null,
              footer: null,
              rendering_options: null,
            },
            livemode: false,
            metadata: { user_id: input.userId },
            name: input.name,
            preferred_locales: input.locale ? [input.locale] : [],
            test_clock: simStripeId("clock"),
          },
          clock: at,
          card: "succeeds",
        };
        await store.put(KIND.customer, id, record);
        return id;
      });
      return { id };
    },

    async createPlanProduct(input) {
      const params = { planId: input.planId, planKey: input.planKey, name: input.name };
      const id = await idempotent(input.idempotencyKey, "products.create", params, async () => {
        const id = simStripeId("prod");
        await store.put<SimProductObject>(KIND.product, id, {
          id,
          object: "product",
          active: true,
          created: unixSeconds(now()),
          livemode: false,
          metadata: { plan_id: input.planId, plan_key: input.planKey },
          name: input.name,
        });
        return id;
      });
      return { id };
    },

    async createPlanPrice(input) {
      const params = {
        planPriceId: input.planPriceId,
        productId: input.productId,
        currency: input.currency,
        interval: input.interval,
        amount: input.amount,
      };
      const id = await idempotent(input.idempotencyKey, "prices.create", params, async () => {
        if (!(await store.get<SimProductObject>(KIND.product, input.productId))) {
          throw missing("product", input.productId);
        }
        if (!Number.isInteger(input.amount) || input.amount < 0) {
          throw new ProviderRejectedError("unit_amount must be a non-negative integer", {
            code: "parameter_invalid_integer",
          });
        }
        const id = simStripeId("price");
        await store.put<SimPriceObject>(KIND.price, id, {
          id,
          object: "price",
          active: true,
          billing_scheme: "per_unit",
          created: unixSeconds(now()),
          currency: input.currency.toLowerCase(),
          livemode: false,
          metadata: { plan_price_id: input.planPriceId },
          product: input.productId,
          recurring: {
            interval: input.interval,
            interval_count: 1,
            meter: null,
            trial_period_days: null,
            usage_type: "licensed",
          },
          type: "recurring",
          unit_amount: input.amount,
        });
        return id;
      });
      return { id };
    },

    async deactivatePlanPrice({ priceId }) {
      const updated = await store.update<SimPriceObject>(KIND.price, priceId, (cur) => ({
        ...cur,
        active: false,
      }));
      if (!updated) throw missing("price", priceId);
    },

    async listCustomers() {
      const all = await store.list<SimBillingCustomerRecord>(KIND.customer);
      return all.map((r) => ({ id: r.customer.id, userId: r.customer.metadata.user_id ?? null }));
    },

    async createSubscriptionCheckout(input) {
      const params = {
        checkoutId: input.checkoutId,
        userId: input.userId,
        customerId: input.customerId,
        priceId: input.priceId,
        trialDays: input.trialDays,
        expiresAt: input.expiresAt.toISOString(),
        successUrl: input.successUrl,
        cancelUrl: input.cancelUrl,
        locale: input.locale ?? null,
      };
      const key = `checkout:${input.checkoutId}`;
      const sessionId = await idempotent(key, "checkout.sessions.create", params, async () => {
        const at = now();
        await loadCustomer(input.customerId);
        const price = await loadPrice(input.priceId);
        if (!price.active) {
          throw refused(
            "resource_missing",
            "The price specified is inactive. This field only accepts active prices.",
          );
        }
        if (!Number.isInteger(input.trialDays) || input.trialDays < 0 || input.trialDays > 730) {
          throw refused(
            "parameter_invalid_integer",
            "subscription_data.trial_period_days must be between 1 and 730.",
          );
        }
        const ahead = input.expiresAt.getTime() - at.getTime();
        if (ahead < MIN_EXPIRY_MS || ahead > MAX_EXPIRY_MS) {
          throw refused(
            "parameter_invalid_integer",
            "The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.",
          );
        }
        const id = simStripeId("cs");
        const amount = input.trialDays > 0 ? 0 : price.unit_amount;
        await store.put<SimSubscriptionCheckoutRecord>(KIND.subscriptionSession, id, {
          session: {
            id,
            object: "checkout.session",
            amount_subtotal: amount,
            amount_total: amount,
            cancel_url: input.cancelUrl,
            client_reference_id: input.userId,
            created: unixSeconds(at),
            currency: price.currency,
            customer: input.customerId,
            expires_at: unixSeconds(input.expiresAt),
            invoice: null,
            livemode: false,
            locale: input.locale ?? null,
            metadata: { user_id: input.userId, checkout_id: input.checkoutId },
            mode: "subscription",
            payment_intent: null,
            payment_method_types: ["card"],
            payment_status: "unpaid",
            status: "open",
            subscription: null,
            success_url: input.successUrl,
            url: checkoutUrl(id),
          },
          priceId: input.priceId,
          trialDays: input.trialDays,
        });
        return id;
      });
      return toCheckout(await currentSession(sessionId));
    },

    async retrieveSubscriptionCheckout(sessionId) {
      return toCheckout(await currentSession(sessionId));
    },

    async expireSubscriptionCheckout({ sessionId, idempotencyKey }) {
      await idempotent(idempotencyKey, "checkout.sessions.expire", { sessionId }, async () => {
        await currentSession(sessionId);
        await expireSession(sessionId, { id: simStripeId("req"), idempotencyKey });
        return true;
      });
      return toCheckout(await currentSession(sessionId));
    },

    async createPortalSession(input) {
      const customer = await loadCustomer(input.customerId);
      const id = simStripeId("bps");
      const record: SimPortalRecord = {
        session: {
          id,
          object: "billing_portal.session",
          configuration: simStripeId("bpc"),
          created: unixSeconds(now()),
          customer: customer.customer.id,
          livemode: false,
          locale: input.locale ?? null,
          return_url: input.returnUrl,
          url: portalUrl(id),
        },
        allowedPrices: input.allowedPrices,
      };
      await store.put(KIND.portalSession, id, record);
      return { url: record.session.url };
    },

    async listCustomerSubscriptions(customerId) {
      const customer = await loadCustomer(customerId);
      return (await subscriptionsOf(customerId)).map((r) =>
        toProviderSubscription(r, customer.card),
      );
    },

    async listCustomerInvoices(customerId) {
      await loadCustomer(customerId);
      const records = (await invoicesOf(customerId)).slice(0, 100);
      return Promise.all(records.map(toProviderInvoice));
    },

    async cancelSubscription(input) {
      const params = {
        subscriptionId: input.subscriptionId,
        atPeriodEnd: input.atPeriodEnd,
        reason: input.reason,
      };
      await idempotent(input.idempotencyKey, "subscriptions.cancel", params, async () => {
        await cancel(input.subscriptionId, input.atPeriodEnd, input.reason);
        return true;
      });
      return providerSubscription(await loadSubscription(input.subscriptionId));
    },

    async resumeSubscription(input) {
      await idempotent(
        input.idempotencyKey,
        "subscriptions.resume",
        { subscriptionId: input.subscriptionId },
        async () => {
          await resume(input.subscriptionId);
          return true;
        },
      );
      return providerSubscription(await loadSubscription(input.subscriptionId));
    },

    async clockNow(customerId) {
      return new Date((await loadCustomer(customerId)).clock * 1000);
    },

    async advanceClock({ customerId, to }) {
      const customer = await loadCustomer(customerId);
      const target = unixSeconds(to);
      if (target < customer.clock) {
        throw refused("parameter_invalid", "A test clock can only be advanced forward in time.");
      }
      const happened: string[] = [];
      let clock = customer.clock;
      // Each step moves the clock to the next thing due; the bound only guards a bug's loop.
      for (let step = 0; step < 10_000; step++) {
        const due = await nextDue(customerId, clock, target);
        if (!due) break;
        clock = Math.max(clock, due.at);
        await setClock(customerId, clock);
        await due.run(happened);
      }
      await setClock(customerId, target);
      return { now: new Date(target * 1000), happened };
    },

    async setCard({ customerId, card }) {
      await setCustomerCard(customerId, card);
    },

    async getCard(customerId) {
      return (await loadCustomer(customerId)).card;
    },

    async completeCheckout(sessionId) {
      const open = await currentSession(sessionId);
      if (open.session.status !== "open") {
        throw refused(
          "checkout_session_not_open",
          `This Checkout Session is ${open.session.status}; only an open session can be paid.`,
        );
      }
      const customer = await loadCustomer(open.session.customer);
      // Checkout confirms the card on the page: a decline keeps the session open, 3-D Secure is done there.
      if (open.trialDays === 0 && customer.card === "declines") {
        throw refused("card_declined", "Your card was declined.");
      }
      const subscriptionId = simStripeId("sub");
      const flag = { won: false };
      const claimed = await store.update<SimSubscriptionCheckoutRecord>(
        KIND.subscriptionSession,
        sessionId,
        (cur) => {
          if (cur.session.status !== "open") return cur;
          flag.won = true;
          return {
            ...cur,
            session: {
              ...cur.session,
              status: "complete",
              url: null,
              subscription: subscriptionId,
            },
          };
        },
      );
      if (!claimed || !flag.won) {
        throw refused("checkout_session_not_open", "This Checkout Session is no longer open.");
      }
      const price = await loadPrice(open.priceId);
      const at = customer.clock;
      const trialEnd = open.trialDays > 0 ? at + open.trialDays * DAY : null;
      const periodEnd = trialEnd ?? addBillingInterval(at, price.recurring.interval);
      const pm = customer.customer.invoice_settings.default_payment_method ?? simStripeId("pm");
      if (!customer.customer.invoice_settings.default_payment_method) {
        await store.update<SimBillingCustomerRecord>(
          KIND.customer,
          customer.customer.id,
          (cur) => ({
            ...cur,
            customer: {
              ...cur.customer,
              invoice_settings: { ...cur.customer.invoice_settings, default_payment_method: pm },
            },
          }),
        );
      }
      const subscription: SimSubscriptionObject = {
        id: subscriptionId,
        object: "subscription",
        billing_cycle_anchor: periodEnd === trialEnd ? periodEnd : at,
        cancel_at: null,
        cancel_at_period_end: false,
        canceled_at: null,
        cancellation_details: {
          comment: null,
          feedback: null,
          feedback_option: null,
          reason: null,
        },
        collection_method: "charge_automatically",
        created: at,
        currency: price.currency,
        customer: customer.customer.id,
        default_payment_method: pm,
        ended_at: null,
        items: {
          object: "list",
          data: [
            {
              id: simStripeId("si"),
              object: "subscription_item",
              created: at,
              current_period_end: periodEnd,
              current_period_start: at,
              metadata: {},
              price,
              quantity: 1,
              subscription: subscriptionId,
            },
          ],
          has_more: false,
          total_count: 1,
          url: `/v1/subscription_items?subscription=${subscriptionId}`,
        },
        latest_invoice: null,
        livemode: false,
        metadata: { ...open.session.metadata },
        schedule: null,
        start_date: at,
        status: trialEnd ? "trialing" : "active",
        test_clock: customer.customer.test_clock,
        trial_end: trialEnd,
        trial_start: trialEnd ? at : null,
      };
      await store.put<SimSubscriptionRecord>(KIND.subscription, subscriptionId, {
        subscription,
        pending: null,
        trialReminderSent: false,
      });
      await send("customer.subscription.created", subscription, at);
      const product = await priceView(price.id);
      const invoice = await issueInvoice({
        subscription,
        reason: "subscription_create",
        at,
        periodStart: at,
        periodEnd: at,
        lines: [
          {
            amount: trialEnd ? 0 : price.unit_amount,
            description: trialEnd
              ? `Trial period for ${product.productName}`
              : `1 × ${product.productName}`,
            proration: false,
            start: at,
            end: periodEnd,
          },
        ],
      });
      await attemptInvoice(invoice.invoice.id, at, { automatic: false, onSession: true }, []);
      const completed = await store.update<SimSubscriptionCheckoutRecord>(
        KIND.subscriptionSession,
        sessionId,
        (cur) => ({
          ...cur,
          session: {
            ...cur.session,
            invoice: invoice.invoice.id,
            payment_status: trialEnd ? "no_payment_required" : "paid",
          },
        }),
      );
      if (!completed) throw missing("checkout.session", sessionId);
      await send("checkout.session.completed", completed.session, at);
      return completed;
    },

    async abandonCheckout(sessionId) {
      const record = await currentSession(sessionId);
      if (record.session.status !== "open") {
        throw refused(
          "checkout_session_not_open",
          `This Checkout Session is ${record.session.status}; only an open session can be expired.`,
        );
      }
      return expireSession(sessionId);
    },

    async getCheckoutView(sessionId) {
      const record = await store.get<SimSubscriptionCheckoutRecord>(
        KIND.subscriptionSession,
        sessionId,
      );
      if (!record) return null;
      const fresh = await currentSession(sessionId);
      return {
        session: fresh.session,
        price: await priceView(fresh.priceId),
        trialDays: fresh.trialDays,
      };
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

    async getPortalSession(portalSessionId) {
      const record = await store.get<SimPortalRecord>(KIND.portalSession, portalSessionId);
      if (!record) return null;
      const customer = await loadCustomer(record.session.customer);
      const live = (await subscriptionsOf(customer.customer.id)).find(
        (r) => r.subscription.status !== "canceled",
      );
      const subscription = live ? toProviderSubscription(live, customer.card) : null;
      const current = subscription ? await priceView(subscription.priceId) : null;
      const options: SimPortalView["options"] = [];
      for (const group of record.allowedPrices) {
        for (const priceId of group.priceIds) {
          const view = await priceView(priceId).catch(() => null);
          if (!view) continue;
          // The portal offers switches within the subscription's currency only.
          if (current && view.currency !== current.currency) continue;
          options.push({
            ...view,
            change: current ? changeOf(current, view) : "upgrade",
          });
        }
      }
      return { session: record.session, subscription, current, options, card: customer.card };
    },

    async portalSwitchPrice({ portalSessionId, priceId }) {
      const portal = await loadPortal(portalSessionId);
      const allowed = portal.allowedPrices.some((g) => g.priceIds.includes(priceId));
      if (!allowed) {
        throw refused(
          "resource_missing",
          `The price ${priceId} is not available in this portal configuration's products.`,
        );
      }
      const live = await liveSubscriptionOf(portal.session.customer);
      const customer = await loadCustomer(portal.session.customer);
      const s = live.subscription;
      const item = s.items.data[0];
      if (!item) throw missing("subscription_item", s.id);
      const target = await loadPrice(priceId);
      if (target.currency !== s.currency) {
        throw refused(
          "parameter_invalid",
          "The price's currency must match the subscription's currency.",
        );
      }
      const from = await priceView(item.price.id);
      const to = await priceView(priceId);
      const change = changeOf(from, to);
      const at = customer.clock;
      if (change === "same") {
        // Picking the current plan again releases a scheduled downgrade.
        if (live.pending) {
          const { record, previous } = await changeSubscription(s.id, (cur) => ({
            ...cur,
            pending: null,
            subscription: { ...cur.subscription, schedule: null },
          }));
          await send("customer.subscription.updated", record.subscription, at, previous);
        }
        return { change, subscription: await providerSubscription(await loadSubscription(s.id)) };
      }
      if (change === "downgrade") {
        const { record, previous } = await changeSubscription(s.id, (cur) => ({
          ...cur,
          pending: { priceId, at: item.current_period_end },
          subscription: {
            ...cur.subscription,
            schedule: cur.subscription.schedule ?? simStripeId("sub_sched"),
          },
        }));
        await send("customer.subscription.updated", record.subscription, at, previous);
        return { change, subscription: await providerSubscription(record) };
      }
      // An upgrade: proration invoiced and paid at once (`always_invoice`); a card that
      // can't pay leaves the subscription as it was (`pending_if_incomplete`).
      const trialing = s.status === "trialing";
      const resetsPeriod = !trialing && target.recurring.interval !== item.price.recurring.interval;
      const proration = simProration({
        oldAmount: item.price.unit_amount * item.quantity,
        newAmount: target.unit_amount * item.quantity,
        periodStart: item.current_period_start,
        periodEnd: item.current_period_end,
        at,
        resetsPeriod,
      });
      if (!trialing && proration.total > 0 && customer.card !== "succeeds") {
        throw refused(
          customer.card === "declines" ? "card_declined" : "authentication_required",
          customer.card === "declines"
            ? "Your card was declined."
            : "This payment requires authentication; update the card to one that doesn't.",
        );
      }
      const newEnd = resetsPeriod
        ? addBillingInterval(at, target.recurring.interval)
        : item.current_period_end;
      const newStart = resetsPeriod ? at : item.current_period_start;
      const { record, previous } = await changeSubscription(s.id, (cur) => ({
        ...cur,
        pending: null,
        subscription: {
          ...cur.subscription,
          schedule: null,
          billing_cycle_anchor: resetsPeriod ? at : cur.subscription.billing_cycle_anchor,
          items: {
            ...cur.subscription.items,
            data: [
              {
                ...item,
                price: target,
                current_period_start: newStart,
                current_period_end: newEnd,
              },
            ],
          },
        },
      }));
      await send("customer.subscription.updated", record.subscription, at, previous);
      if (!trialing) {
        const invoice = await issueInvoice({
          subscription: record.subscription,
          reason: "subscription_update",
          at,
          periodStart: at,
          periodEnd: at,
          lines: [
            {
              amount: -proration.credit,
              description: `Unused time on ${from.productName}`,
              proration: true,
              start: at,
              end: item.current_period_end,
            },
            {
              amount: proration.charge,
              description: `Remaining time on ${to.productName}`,
              proration: true,
              start: at,
              end: newEnd,
            },
          ],
        });
        await attemptInvoice(invoice.invoice.id, at, { automatic: false, onSession: true }, []);
      }
      return { change, subscription: await providerSubscription(await loadSubscription(s.id)) };
    },

    async portalCancel({ portalSessionId, atPeriodEnd }) {
      const portal = await loadPortal(portalSessionId);
      const live = await liveSubscriptionOf(portal.session.customer);
      return providerSubscription(await cancel(live.subscription.id, atPeriodEnd, null));
    },

    async portalSetCard({ portalSessionId, card }) {
      const portal = await loadPortal(portalSessionId);
      await setCustomerCard(portal.session.customer, card);
    },
  };
}

function changeOf(from: SimPriceView, to: SimPriceView): "upgrade" | "downgrade" | "same" {
  if (from.priceId === to.priceId) return "same";
  const interval = (i: SimRecurringInterval) => (i === "year" ? "year" : "month");
  return planChangeKind(
    { amount: from.amount, interval: interval(from.interval) },
    { amount: to.amount, interval: interval(to.interval) },
  );
}

/** Whether a subscriptions port is the simulator (whose test clock and card the sandbox drives). */
export function isSimulatedSubscriptions(
  port: SubscriptionBillingPort,
): port is SimulatedSubscriptions {
  return port.mode === "simulated" && "advanceClock" in port;
}
