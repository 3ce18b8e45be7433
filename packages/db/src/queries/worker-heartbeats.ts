import { eq, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { workerHeartbeats } from "../schema";

/** Records that a worker process is alive and which graphile-worker workers it runs. */
export async function beatWorkerHeartbeat(
  ex: Executor,
  params: { processId: string; workerIds: string[] },
): Promise<void> {
  await ex
    .insert(workerHeartbeats)
    .values({ processId: params.processId, workerIds: params.workerIds })
    .onConflictDoUpdate({
      target: workerHeartbeats.processId,
      set: { workerIds: params.workerIds, heartbeatAt: sql`now()` },
    });
}

/** Removes a process's heartbeat on a clean shutdown. */
export async function removeWorkerHeartbeat(ex: Executor, params: { processId: string }) {
  await ex.delete(workerHeartbeats).where(eq(workerHeartbeats.processId, params.processId));
}

/**
 * Releases the job locks of worker processes that stopped beating more than `staleSeconds`
 * ago (crashed or killed), so their jobs run again now rather than after graphile-worker's
 * 4-hour lock expiry, and forgets those processes. Returns the released worker ids.
 * Tasks are idempotent, so a job that had half-run is safe to run again.
 */
export async function releaseDeadWorkers(
  ex: Executor,
  params: { staleSeconds: number },
): Promise<string[]> {
  const rows = await ex.execute<{ worker_ids: string[] }>(sql`
    delete from worker_heartbeats
    where heartbeat_at < now() - make_interval(secs => ${params.staleSeconds})
    returning worker_ids
  `);
  const ids = rows.flatMap((r) => r.worker_ids);
  if (ids.length > 0) {
    await ex.execute(sql`select graphile_worker.force_unlock_workers(${ids}::text[])`);
  }
  return ids;
}
