import { userInfo } from "node:os";
import { createDb, type Db } from "@an/db";
import { openProcessDatabase } from "@an/db/embedded";
import { type ApiEnv, loadApiEnv } from "../env";
import { CliError } from "./commands";

/** Runs a CLI command against the configured (or embedded) database, with clean exits. */
export async function runCli(command: (db: Db, env: ApiEnv) => Promise<string>): Promise<void> {
  let code = 0;
  try {
    const env = loadApiEnv();
    const database = await openProcessDatabase(env, { migrate: true });
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
