import { createDb, seedDemoPlans } from "@an/db";
import { openProcessDatabase } from "@an/db/embedded";
import { loadApiEnv } from "./env";
import { createLogger } from "./logger";
import { startApiServer } from "./server";

const env = loadApiEnv();
const log = createLogger(env.LOG_LEVEL);

const database = await openProcessDatabase(env);

const server = await startApiServer(env, database.url, log);
log.info(
  { port: server.port, embeddedDatabase: database.embedded },
  `API listening on http://localhost:${server.port}`,
);

// The demo plans need the provider for their products and prices, so they are seeded here
// (where the simulated Stripe lives) rather than with the demo users. Idempotent.
if (env.NODE_ENV !== "production" && server.providers.subscriptions.mode === "simulated") {
  const seeding = createDb(database.url, { max: 1 });
  try {
    await seedDemoPlans(seeding.db, server.providers.subscriptions);
    log.info("demo plans seeded");
  } catch (error) {
    log.warn({ err: error }, "demo plans not seeded");
  } finally {
    await seeding.close();
  }
}

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
