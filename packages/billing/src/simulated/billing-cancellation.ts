import type { SubscriptionBillingPort } from "../ports";
import type { SimBillingContext } from "./billing-context";
import type { SimBillingInvoices } from "./billing-invoices";
import type { SimSubscriptionRecord } from "./billing-model";
import { refused } from "./refusals";

/** Canceling a subscription (now or at the period's end) and taking a cancellation back. */
export function createSimBillingCancellation(
  ctx: SimBillingContext,
  invoices: Pick<SimBillingInvoices, "endSubscription">,
) {
  const {
    idempotent,
    send,
    loadCustomer,
    loadSubscription,
    subscriptionsOf,
    changeSubscription,
    toProviderSubscription,
    providerSubscription,
  } = ctx;
  const { endSubscription } = invoices;

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

  const api: Pick<
    SubscriptionBillingPort,
    "listCustomerSubscriptions" | "cancelSubscription" | "resumeSubscription"
  > = {
    async listCustomerSubscriptions(customerId) {
      const customer = await loadCustomer(customerId);
      return (await subscriptionsOf(customerId)).map((r) =>
        toProviderSubscription(r, customer.card),
      );
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
  };
  return { cancel, api };
}

export type SimBillingCancellation = ReturnType<typeof createSimBillingCancellation>;
