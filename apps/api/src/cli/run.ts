import { userInfo } from "node:os";
import { createDb, type Db, migrateDatabase } from "@an/db";
import { DEFAULT_EMBEDDED_DATA_DIR, DEFAULT_EMBEDDED_PORT, resolveDatabase } from "@an/db/embedded";
import { type ApiEnv, loadApiEnv } from "../env";
import { CliError } from "./commands";

/** Runs a CLI command against the configured (or embedded) database, with clean exits. */
export async function runCli(command: (db: Db, env: ApiEnv) => Promise<string>): Promise<void> {
  let code = 0;
  try {
    const env = loadApiEnv();
    const database = await resolveDatabase({
      databaseUrl: env.DATABASE_URL,
      production: env.NODE_ENV === "production",
      dataDir: process.env.EMBEDDED_PG_DIR ?? DEFAULT_EMBEDDED_DATA_DIR,
      port: Number(process.env.EMBEDDED_PG_PORT ?? DEFAULT_EMBEDDED_PORT),
    });
    await migrateDatabase(database.url);
    const handle = createDb(database.url, { max: 2, applicationName: "advisor-network:cli" });
    try {
      process.stdout.write(`${await command(handle.db, env)}\n`);
    } finally {
      await handle.close();
      await database.stop?.();
    }
  } catch (error) {
    process.stderr.write(`${error instanceof CliError ? error.message : String(error)}\n`);
    code = 1;
  }
  process.exit(code);
}

export const operator = () => {
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
};
