import { randomUUID } from "node:crypto";
import { beatWorkerHeartbeat, type Db, releaseDeadWorkers, removeWorkerHeartbeat } from "@an/db";
import type { WorkerEvents } from "graphile-worker";
import type { Logger } from "pino";

export type Liveness = { processId: string; stop: () => Promise<void> };

/**
 * Heartbeat for this worker process, and the reaper for dead ones: every `intervalMs` it
 * records its graphile-worker pool and worker ids, and releases the job locks of processes that
 * stopped beating `staleSeconds` ago. So a worker killed with SIGKILL mid-job loses
 * nothing: another process picks its jobs up within about `staleSeconds`.
 */
export function startLiveness(input: {
  db: Db;
  /** The emitter passed to graphile-worker's `run({ events })`, before it starts. */
  events: WorkerEvents;
  log: Logger;
  intervalMs: number;
  staleSeconds: number;
}): Liveness {
  const processId = `${process.pid}-${randomUUID()}`;
  const workerIds = new Set<string>();
  // Jobs are locked by the pool's id when fetched in batches, by a worker's id otherwise:
  // record both.
  input.events.on("pool:create", ({ workerPool }) => {
    workerIds.add(workerPool.id);
    void beat();
  });
  input.events.on("worker:create", ({ worker }) => {
    workerIds.add(worker.workerId);
    void beat();
  });
  input.events.on("worker:release", ({ worker }) => {
    workerIds.delete(worker.workerId);
  });
  let stopped = false;
  // One beat at a time, each reading the ids when it runs: a slow first beat must not
  // overwrite a later one that already knows the pool.
  let chain: Promise<void> = Promise.resolve();
  function beat(): Promise<void> {
    chain = chain.then(beatOnce);
    return chain;
  }
  async function beatOnce() {
    if (stopped) return;
    try {
      await beatWorkerHeartbeat(input.db, { processId, workerIds: [...workerIds] });
      const released = await releaseDeadWorkers(input.db, { staleSeconds: input.staleSeconds });
      if (released.length > 0) {
        input.log.warn({ workerIds: released }, "released the jobs of dead worker processes");
      }
    } catch (error) {
      input.log.warn({ err: error }, "worker heartbeat failed; retrying on the next beat");
    }
  }
  const timer = setInterval(() => void beat(), input.intervalMs);
  timer.unref();
  void beat();
  return {
    processId,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await removeWorkerHeartbeat(input.db, { processId }).catch(() => undefined);
    },
  };
}
