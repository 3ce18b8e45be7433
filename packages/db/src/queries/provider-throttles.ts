import { sql } from "drizzle-orm";
import type { Executor } from "../client";
import { providerThrottles } from "../schema";

/**
 * Shared pacing of provider requests (GCRA over one row): reserves the next slot at
 * `ratePerSecond` and returns how long to wait for it. Every worker process uses the same
 * row, so together they keep to the rate; the database clock is the one clock. Slots left
 * unused while the senders were busy elsewhere may be caught up on, up to `burstSeconds`
 * of them (the provider's own bucket allows a second's worth of burst, as Stripe's does).
 */
export async function reserveProviderSlot(
  db: Executor,
  input: { key: string; ratePerSecond: number; burstSeconds?: number },
): Promise<number> {
  const intervalMs = 1000 / input.ratePerSecond;
  const interval = `${intervalMs.toFixed(3)} milliseconds`;
  const tolerance = `${Math.round((input.burstSeconds ?? 0.5) * 1000)} milliseconds`;
  const [row] = await db
    .insert(providerThrottles)
    .values({ key: input.key, nextSlotAt: sql`clock_timestamp() + ${interval}::interval` })
    .onConflictDoUpdate({
      target: providerThrottles.key,
      set: {
        nextSlotAt: sql`greatest(${providerThrottles.nextSlotAt}, clock_timestamp() - ${tolerance}::interval) + ${interval}::interval`,
      },
    })
    .returning({
      waitMs: sql<string>`greatest(0, extract(epoch from (${providerThrottles.nextSlotAt} - ${interval}::interval - clock_timestamp())) * 1000)`,
    });
  return Number(row?.waitMs ?? 0);
}
