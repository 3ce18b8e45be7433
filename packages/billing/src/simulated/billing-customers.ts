import type { SubscriptionBillingPort } from "../ports";
import type { SimBillingContext } from "./billing-context";
import type { SimBillingCustomerRecord, SimCard } from "./billing-model";
import { simStripeId, unixSeconds } from "./ids";
import { SIM_KIND as KIND } from "./kinds";
import { missing } from "./refusals";

/** The customer's card on file, as the sandbox and the simulated pages set it. */
export type SimBillingCardControls = {
  setCard(input: { customerId: string; card: SimCard }): Promise<void>;
  getCard(customerId: string): Promise<SimCard>;
};

/** Customers, each on its own test clock, and the card on file they pay with. */
export function createSimBillingCustomers(ctx: SimBillingContext) {
  const { store, now, idempotent, send, loadCustomer, subscriptionsOf, changeSubscription } = ctx;

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

  const api: Pick<SubscriptionBillingPort, "createCustomer" | "listCustomers"> &
    SimBillingCardControls = {
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

    async listCustomers() {
      const all = await store.list<SimBillingCustomerRecord>(KIND.customer);
      return all.map((r) => ({ id: r.customer.id, userId: r.customer.metadata.user_id ?? null }));
    },

    async setCard({ customerId, card }) {
      await setCustomerCard(customerId, card);
    },

    async getCard(customerId) {
      return (await loadCustomer(customerId)).card;
    },
  };
  return { setCustomerCard, api };
}
