import { openProcessDatabase } from "@an/db/embedded";
import pino from "pino";
import { loadWorkerEnv } from "./env";
import { startWorker } from "./runner";

const env = loadWorkerEnv();
const log = pino({
  level: env.LOG_LEVEL,
  base: { service: "worker" },
  timestamp: pino.stdTimeFunctions.isoTime,
});

const database = await openProcessDatabase(env);

const worker = await startWorker(env, database.url, log);
log.info({ smtp: Boolean(env.SMTP_URL), concurrency: env.WORKER_CONCURRENCY }, "worker started");

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "worker shutting down: letting running jobs finish");
  await worker.stop();
  await database.stop?.();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
