import { migrateDatabase } from "@an/db";
import { DEFAULT_EMBEDDED_DATA_DIR, DEFAULT_EMBEDDED_PORT, resolveDatabase } from "@an/db/embedded";
import { loadApiEnv } from "./env";
import { createLogger } from "./logger";
import { startApiServer } from "./server";

const env = loadApiEnv();
const log = createLogger(env.LOG_LEVEL);

const database = await resolveDatabase({
  databaseUrl: env.DATABASE_URL,
  production: env.NODE_ENV === "production",
  dataDir: process.env.EMBEDDED_PG_DIR ?? DEFAULT_EMBEDDED_DATA_DIR,
  port: Number(process.env.EMBEDDED_PG_PORT ?? DEFAULT_EMBEDDED_PORT),
});
if (process.env.MIGRATE_ON_START !== "false") await migrateDatabase(database.url);

const server = await startApiServer(env, database.url, log);
log.info(
  { port: server.port, embeddedDatabase: database.embedded },
  `API listening on http://localhost:${server.port}`,
);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "shutting down: finishing in-flight requests");
  await server.close();
  await database.stop?.();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
