import type { SubscriptionBillingPort, SubscriptionCheckout } from "../ports";
import type { SimSubscriptionObject } from "./billing-objects";
import type { SimBillingContext } from "./billing-context";
import type { SimBillingInvoices } from "./billing-invoices";
import {
  addBillingInterval,
  DAY,
  MAX_EXPIRY_MS,
  MIN_EXPIRY_MS,
  type SimBillingCustomerRecord,
  type SimCheckoutView,
  type SimSubscriptionCheckoutRecord,
  type SimSubscriptionRecord,
} from "./billing-model";
import { simStripeId, unixSeconds } from "./ids";
import { SIM_KIND as KIND } from "./kinds";
import { missing, refused } from "./refusals";

/** What the simulated subscription checkout page does. */
export type SimBillingCheckoutControls = {
  /** The checkout page's Pay: the subscription starts (trialing, or active with a paid first invoice). */
  completeCheckout(sessionId: string): Promise<SimSubscriptionCheckoutRecord>;
  /** The checkout page's Abandon: the session expires (`checkout.session.expired`). */
  abandonCheckout(sessionId: string): Promise<SimSubscriptionCheckoutRecord>;
  getCheckoutView(sessionId: string): Promise<SimCheckoutView | null>;
};

/** Subscription-mode Checkout: sessions, their expiry, and paying one to start a subscription. */
export function createSimBillingCheckout(
  ctx: SimBillingContext,
  invoices: Pick<SimBillingInvoices, "issueInvoice" | "attemptInvoice">,
): Pick<
  SubscriptionBillingPort,
  "createSubscriptionCheckout" | "retrieveSubscriptionCheckout" | "expireSubscriptionCheckout"
> &
  SimBillingCheckoutControls {
  const { store, now, idempotent, send, checkoutUrl, loadCustomer, loadPrice, priceView } = ctx;
  const { issueInvoice, attemptInvoice } = invoices;

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

  return {
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
  };
}
