import { resolveBillingConfig } from "@an/billing";
import { createDb } from "@an/db";
import { EventEmitter } from "node:events";
import { parseCrontab, run, type Runner, type WorkerEvents } from "graphile-worker";
import { createTransport } from "nodemailer";
import type { Logger } from "pino";
import type { WorkerEnv } from "./env";
import { buildWorkerDeps } from "./deps";
import { graphileLogger } from "./graphile-logger";
import { startLiveness } from "./liveness";
import { CRONTAB, createTaskList } from "./tasks";

export type WorkerHandle = { runner: Runner; stop: () => Promise<void> };

/**
 * Starts a graphile-worker runner. Any number of these can run against one database: jobs
 * are claimed with SKIP LOCKED, so each runs once.
 */
export async function startWorker(
  env: WorkerEnv,
  databaseUrl: string,
  log: Logger,
): Promise<WorkerHandle> {
  const handle = createDb(databaseUrl, {
    max: env.WORKER_CONCURRENCY + 2,
    applicationName: "advisor-network:worker",
  });
  const mailer = env.SMTP_URL ? createTransport(env.SMTP_URL) : null;
  const events: WorkerEvents = new EventEmitter();
  const liveness = startLiveness({
    db: handle.db,
    events,
    log,
    intervalMs: env.WORKER_HEARTBEAT_SECONDS * 1000,
    staleSeconds: env.WORKER_STALE_SECONDS,
  });
  const runner = await run({
    events,
    logger: graphileLogger(log),
    connectionString: databaseUrl,
    concurrency: env.WORKER_CONCURRENCY,
    taskList: createTaskList(
      buildWorkerDeps({
        db: handle.db,
        log,
        mailer,
        mailFrom: env.MAIL_FROM,
        chatDigestDelayMs: env.CHAT_DIGEST_DELAY_SECONDS * 1000,
        billing: resolveBillingConfig(env, {
          production: env.NODE_ENV === "production",
          defaultApiUrl: `http://127.0.0.1:${env.PORT}`,
        }),
      }),
    ),
    parsedCronItems: parseCrontab(CRONTAB),
    // We stop the runner ourselves, after in-flight jobs finish.
    noHandleSignals: true,
    pollInterval: 1000,
  });
  return {
    runner,
    stop: async () => {
      await runner.stop();
      await liveness.stop();
      mailer?.close();
      await handle.close();
    },
  };
}
