import { digestChatMember, findChatDigestCandidates } from "@an/db";
import type { TaskHandler, WorkerDeps } from "./types";

/** Members looked at per run; the rest wait for the next minute. */
const BATCH = 500;

/**
 * Crontab, every minute: writes one email digest for each member whose unread messages
 * have waited `chatDigestDelayMs`, each in its own short transaction so one member's
 * failure or lock never holds up the others. Safe under any number of workers: a member
 * row another worker holds is skipped, and a digest moves `digestedSeq` past its stretch.
 */
export function chatDigests(deps: WorkerDeps): TaskHandler<"chat_digests"> {
  return async () => {
    const now = deps.now();
    const candidates = await findChatDigestCandidates(deps.db, {
      cutoff: new Date(now.getTime() - deps.chatDigestDelayMs),
      limit: BATCH,
    });
    const counts: Record<string, number> = {};
    for (const candidate of candidates) {
      const outcome = await deps.db.transaction((tx) =>
        digestChatMember(tx, { ...candidate, now, delayMs: deps.chatDigestDelayMs }),
      );
      counts[outcome.kind] = (counts[outcome.kind] ?? 0) + 1;
    }
    if (candidates.length > 0)
      deps.log.info({ candidates: candidates.length, ...counts }, "chat digests");
  };
}
