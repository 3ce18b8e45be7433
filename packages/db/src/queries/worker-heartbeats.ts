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
 * 4-hour lock expiry, and forgets those processes. Also releases locks held that long by
 * an id no live process claims (a process killed before its first heartbeat landed).
 * Returns the released ids. Tasks are idempotent, so a half-run job is safe to run again.
 */
export async function releaseDeadWorkers(
  ex: Executor,
  params: { staleSeconds: number },
): Promise<string[]> {
  // One statement: find the dead, forget them and release their locks together.
  const rows = await ex.execute<{ ids: string[] }>(sql`
    with dead as (
      delete from worker_heartbeats
      where heartbeat_at < now() - make_interval(secs => ${params.staleSeconds})
      returning worker_ids
    ),
    orphans as (
      select distinct j.locked_by as id
      from graphile_worker._private_jobs j
      where j.locked_by is not null
        and j.locked_at < now() - make_interval(secs => ${params.staleSeconds})
        and not exists (
          select 1 from worker_heartbeats h
          where j.locked_by = any(h.worker_ids)
            and h.heartbeat_at >= now() - make_interval(secs => ${params.staleSeconds})
        )
    ),
    released as (
      select coalesce(
        array(select unnest(worker_ids) from dead union select id from orphans),
        '{}'::text[]
      ) as ids
    )
    select ids, graphile_worker.force_unlock_workers(ids) is null as done from released
  `);
  const ids = rows[0]?.ids ?? [];
  return ids;
}
