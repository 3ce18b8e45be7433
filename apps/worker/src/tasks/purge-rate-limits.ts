import { purgeExpiredRateLimits } from "@an/db";
import type { TaskHandler, WorkerDeps } from "./types";

/**
 * Crontab: drops rate-limit counters that expired over an hour ago. Done here, once, rather
 * than by a timer in every API instance.
 */
export function purgeRateLimits(deps: WorkerDeps): TaskHandler<"purge_expired_rate_limits"> {
  return async () => {
    const removed = await purgeExpiredRateLimits(deps.db, {
      olderThan: new Date(Date.now() - 3600_000),
    });
    if (removed > 0) deps.log.info({ removed }, "purged expired rate-limit counters");
  };
}
