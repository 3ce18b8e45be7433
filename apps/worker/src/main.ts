import { migrateDatabase } from "@an/db";
import { DEFAULT_EMBEDDED_DATA_DIR, DEFAULT_EMBEDDED_PORT, resolveDatabase } from "@an/db/embedded";
import pino from "pino";
import { loadWorkerEnv } from "./env";
import { startWorker } from "./runner";

const env = loadWorkerEnv();
const log = pino({
  level: env.LOG_LEVEL,
  base: { service: "worker" },
  timestamp: pino.stdTimeFunctions.isoTime,
});

const database = await resolveDatabase({
  databaseUrl: env.DATABASE_URL,
  production: env.NODE_ENV === "production",
  dataDir: process.env.EMBEDDED_PG_DIR ?? DEFAULT_EMBEDDED_DATA_DIR,
  port: Number(process.env.EMBEDDED_PG_PORT ?? DEFAULT_EMBEDDED_PORT),
});
if (process.env.MIGRATE_ON_START !== "false") await migrateDatabase(database.url);

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
