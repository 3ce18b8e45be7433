import { and, count, eq, gt, inArray, lt, or } from "drizzle-orm";
import type { CurrencyCode, PricingRuleSet } from "@an/domain";
import type { Executor } from "../client";
import { advisors } from "../schema";

/** What a new pricing version would do to advisors already pricing, per currency. */
export type PricingImpact = {
  currency: string;
  /** The currency stops being offered: these advisors can't be booked until they reprice. */
  removed: boolean;
  /** Active advisors pricing in it. */
  advisors: number;
  /** Of them, how many have an hourly or pass day rate outside the new limits. */
  outsideLimits: number;
};

/**
 * For each currency an active advisor prices in, whether `next` still offers it and how
 * many rates fall outside its limits: the preview an admin sees before saving. Frozen
 * quotes are untouched either way; only new bookings meet the new limits.
 */
export async function pricingImpact(ex: Executor, next: PricingRuleSet): Promise<PricingImpact[]> {
  const inUse = await ex
    .select({ currency: advisors.currency, advisors: count() })
    .from(advisors)
    .where(eq(advisors.status, "active"))
    .groupBy(advisors.currency)
    .orderBy(advisors.currency);
  const out: PricingImpact[] = [];
  for (const row of inUse) {
    const limits = next.currencies[row.currency as CurrencyCode];
    if (!limits) {
      out.push({ ...row, removed: true, outsideLimits: row.advisors });
      continue;
    }
    const [outside] = await ex
      .select({ n: count() })
      .from(advisors)
      .where(
        and(
          eq(advisors.status, "active"),
          inArray(advisors.currency, [row.currency]),
          or(
            lt(advisors.hourlyRate, limits.minHourlyRate),
            gt(advisors.hourlyRate, limits.maxHourlyRate),
            lt(advisors.asyncDayRate, limits.minPassDayRate),
            gt(advisors.asyncDayRate, limits.maxPassDayRate),
          ),
        ),
      );
    out.push({ ...row, removed: false, outsideLimits: outside?.n ?? 0 });
  }
  return out;
}
