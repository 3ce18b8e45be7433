import { FREE_PLAN_KEY } from "@an/domain";
import { getFreeEntitlements, listPlansWithPrices } from "@an/db";
import { protectedProcedure } from "../../trpc/init";
import { plansInput } from "./schemas";
import { planView } from "./views";

/** The plans a client can subscribe to (active, `free` excluded), in the caller's locale. */
export const plans = protectedProcedure.input(plansInput).query(async ({ ctx, input }) => {
  const rows = await listPlansWithPrices(ctx.db, { status: "active", includeFree: false });
  return {
    plans: rows
      .filter((p) => p.key !== FREE_PLAN_KEY)
      .map((p) => planView(p, ctx.locale, input.currency))
      .filter((p) => p.prices.length > 0),
    free: await getFreeEntitlements(ctx.db),
  };
});
