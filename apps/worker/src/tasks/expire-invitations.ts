import { expireInvitations } from "@an/db";
import type { TaskHandler, WorkerDeps } from "./types";

/** Invitations expired per transaction: short transactions, so row locks are held briefly. */
export const EXPIRE_BATCH_SIZE = 100;

/**
 * Crontab, every minute: expires invitations past their expiry, in batches, each batch in
 * its own transaction (membership removed, streams told, advisor notified, audited).
 * Idempotent: an expired invitation is no longer picked up.
 */
export function expireInvitationsTask(deps: WorkerDeps): TaskHandler<"expire_invitations"> {
  return async () => {
    const now = deps.now();
    let total = 0;
    for (;;) {
      const expired = await deps.db.transaction((tx) =>
        expireInvitations(tx, { now, limit: EXPIRE_BATCH_SIZE }),
      );
      total += expired;
      if (expired < EXPIRE_BATCH_SIZE) break;
    }
    if (total > 0) deps.log.info({ expired: total }, "expired invitations");
  };
}
