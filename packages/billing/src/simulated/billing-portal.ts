import type { ProviderSubscription, SubscriptionBillingPort } from "../ports";
import type { SimBillingCancellation } from "./billing-cancellation";
import type { SimBillingContext } from "./billing-context";
import type { SimBillingInvoices } from "./billing-invoices";
import {
  addBillingInterval,
  changeOf,
  type SimCard,
  type SimPortalRecord,
  type SimPortalView,
  type SimSubscriptionRecord,
  simProration,
} from "./billing-model";
import { simStripeId, unixSeconds } from "./ids";
import { SIM_KIND as KIND } from "./kinds";
import { missing, refused } from "./refusals";

/** What the simulated customer portal does. */
export type SimBillingPortalControls = {
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

/** The customer portal: switching plans (upgrades prorated now, downgrades scheduled), canceling, the card. */
export function createSimBillingPortal(
  ctx: SimBillingContext,
  deps: {
    invoices: Pick<SimBillingInvoices, "issueInvoice" | "attemptInvoice">;
    cancellation: Pick<SimBillingCancellation, "cancel">;
    setCustomerCard: (customerId: string, card: SimCard) => Promise<void>;
  },
): Pick<SubscriptionBillingPort, "createPortalSession"> & SimBillingPortalControls {
  const {
    store,
    now,
    send,
    portalUrl,
    loadCustomer,
    loadPrice,
    priceView,
    loadSubscription,
    subscriptionsOf,
    changeSubscription,
    toProviderSubscription,
    providerSubscription,
  } = ctx;
  const { issueInvoice, attemptInvoice } = deps.invoices;
  const { cancel } = deps.cancellation;
  const { setCustomerCard } = deps;

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

  return {
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
