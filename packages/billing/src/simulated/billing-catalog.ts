import { ProviderRejectedError, type SubscriptionBillingPort } from "../ports";
import type { SimPriceObject, SimProductObject } from "./billing-objects";
import type { SimBillingContext } from "./billing-context";
import { simStripeId, unixSeconds } from "./ids";
import { SIM_KIND as KIND } from "./kinds";
import { missing } from "./refusals";

/** Products and prices: the plans' allowlist as Stripe holds it. */
export function createSimBillingCatalog(
  ctx: SimBillingContext,
): Pick<SubscriptionBillingPort, "createPlanProduct" | "createPlanPrice" | "deactivatePlanPrice"> {
  const { store, now, idempotent } = ctx;
  return {
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
  };
}
