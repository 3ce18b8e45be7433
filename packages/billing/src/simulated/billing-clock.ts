import type { SimBillingContext } from "./billing-context";
import type { SimBillingInvoices } from "./billing-invoices";
import {
  addBillingInterval,
  DAY,
  type SimBillingCustomerRecord,
  type SimSubscriptionRecord,
  TRIAL_WILL_END_DAYS,
} from "./billing-model";
import { unixSeconds } from "./ids";
import { SIM_KIND as KIND } from "./kinds";
import { refused } from "./refusals";

/** The customer's test clock, which the sandbox advances. */
export type SimBillingClockControls = {
  /** The customer's test clock. */
  clockNow(customerId: string): Promise<Date>;
  /** Walks the customer's clock forward to `to`, running what falls due on the way, in order. */
  advanceClock(input: { customerId: string; to: Date }): Promise<{ now: Date; happened: string[] }>;
};

/** Advancing a customer's test clock: trial reminders, renewals, scheduled changes and retries, in order. */
export function createSimBillingClock(
  ctx: SimBillingContext,
  invoices: Pick<SimBillingInvoices, "issueInvoice" | "attemptInvoice" | "endSubscription">,
): SimBillingClockControls {
  const {
    store,
    send,
    loadCustomer,
    loadPrice,
    priceView,
    loadSubscription,
    loadInvoice,
    subscriptionsOf,
    invoicesOf,
    changeSubscription,
  } = ctx;
  const { issueInvoice, attemptInvoice, endSubscription } = invoices;

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

  return {
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
  };
}
