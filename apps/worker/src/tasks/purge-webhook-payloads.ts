import { purgeWebhookPayloads as purgeBodies } from "@an/db";
import type { TaskHandler, WorkerDeps } from "./types";

/** Rows per statement: short transactions, so the purge never holds many locks at once. */
export const PURGE_BATCH_SIZE = 500;

/**
 * Crontab: drops the raw bodies of webhook deliveries received more than the retention
 * period ago (WEBHOOK_RETENTION_DAYS), batch after batch until none is left. Hashes,
 * statuses and outcomes stay for the audit trail.
 */
export function purgeWebhookPayloads(deps: WorkerDeps): TaskHandler<"purge_webhook_payloads"> {
  return async () => {
    const olderThan = new Date(
      deps.now().getTime() - deps.billing.webhookRetentionDays * 86_400_000,
    );
    let purged = 0;
    for (;;) {
      const count = await purgeBodies(deps.db, { olderThan, limit: PURGE_BATCH_SIZE });
      purged += count;
      if (count < PURGE_BATCH_SIZE) break;
    }
    if (purged > 0) {
      deps.log.info(
        { purged, olderThan, retentionDays: deps.billing.webhookRetentionDays },
        "purged webhook bodies",
      );
    }
  };
}
