import { countLiveSubscribersByPlan, listPlansWithPrices } from "@an/db";
import { adminProcedure } from "../../trpc/init";

/** Every plan (retired too) with every price row and its live subscriber count. */
export const listPlans = adminProcedure.query(async ({ ctx }) => {
  const rows = await listPlansWithPrices(ctx.db);
  const counts = await countLiveSubscribersByPlan(ctx.db);
  return {
    plans: rows.map((p) => ({
      id: p.id,
      key: p.key,
      texts: p.texts,
      entitlements: p.entitlements,
      status: p.status,
      sortOrder: p.sortOrder,
      stripeProductId: p.stripeProductId,
      prices: p.prices.map((x) => ({
        id: x.id,
        currency: x.currency,
        interval: x.interval,
        amount: x.amount,
        trialDays: x.trialDays,
        stripePriceId: x.stripePriceId,
        active: x.active,
      })),
      subscriberCount: counts.get(p.id) ?? 0,
    })),
  };
});
