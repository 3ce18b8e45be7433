import { lt } from "drizzle-orm";
import type { Executor } from "../client";
import { rateLimits } from "../schema";

/** Deletes rate-limit counters that expired before `olderThan`; returns how many. */
export async function purgeExpiredRateLimits(
  ex: Executor,
  params: { olderThan: Date },
): Promise<number> {
  const removed = await ex
    .delete(rateLimits)
    .where(lt(rateLimits.expire, params.olderThan.getTime()))
    .returning({ key: rateLimits.key });
  return removed.length;
}
