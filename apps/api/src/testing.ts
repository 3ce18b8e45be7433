import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestDatabase, type TestDatabase } from "@an/db/testing";
import { seedDemoData } from "@an/db";
import { signDevToken } from "./auth/tokens";
import { DEV_JWT_SECRET, loadApiEnv } from "./env";
import { createLogger } from "./logger";
import { type ApiServer, startApiServer } from "./server";

export type TestApi = ApiServer & { db: TestDatabase; uploadDir: string };

/**
 * A real API instance on a free port over its own cloned database, seeded with the demo
 * users. `env` overrides configuration (rate limits, say).
 */
export async function startTestApi(
  options: {
    env?: Record<string, string>;
    db?: TestDatabase;
    seed?: boolean;
    /** Replaces providers (a scripted Stripe Billing, say) and the billing sync. */
    overrides?: Parameters<typeof startApiServer>[3];
  } = {},
): Promise<TestApi> {
  const db = options.db ?? (await createTestDatabase());
  if (options.seed ?? true) await seedDemoData(db.db);
  const uploads = await mkdtemp(join(tmpdir(), "an-uploads-"));
  const env = loadApiEnv({
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    UPLOAD_DIR: uploads,
    ...options.env,
  });
  const server = await startApiServer(
    env,
    db.url,
    createLogger(process.env.TEST_LOG_LEVEL ?? "silent"),
    options.overrides,
  );
  return { ...server, db, uploadDir: uploads };
}

/** An HS256 token as the dev identity provider would mint it. */
export async function tokenFor(
  user: { id: string; email?: string | null; firstName?: string | null; lastName?: string | null },
  options: { ttlSeconds?: number; now?: Date; secret?: string } = {},
): Promise<string> {
  const { token } = await signDevToken(
    options.secret ?? DEV_JWT_SECRET,
    {
      id: user.id,
      email: user.email ?? null,
      firstName: user.firstName ?? null,
      lastName: user.lastName ?? null,
    },
    { ttlSeconds: options.ttlSeconds ?? 3600, now: options.now },
  );
  return token;
}

export type CallOptions = {
  token?: string;
  headers?: Record<string, string>;
  input?: unknown;
};

/** Calls one procedure over HTTP the way the tRPC client does; returns status, headers and JSON. */
export async function call(
  baseUrl: string,
  type: "query" | "mutation",
  path: string,
  options: CallOptions = {},
) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let response: Response;
  if (type === "query") {
    const qs =
      options.input === undefined
        ? ""
        : `?input=${encodeURIComponent(JSON.stringify(options.input))}`;
    response = await fetch(`${baseUrl}/trpc/${path}${qs}`, { headers });
  } else {
    response = await fetch(`${baseUrl}/trpc/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(options.input ?? {}),
    });
  }
  const body = (await response.json()) as {
    result?: { data: unknown };
    error?: {
      message: string;
      data: {
        appCode: string;
        httpStatus: number;
        requestId: string;
        fieldErrors: Record<string, string[]> | null;
      };
    };
  };
  return { status: response.status, headers: response.headers, body };
}

/**
 * A procedure's data as `user` (a fresh token each time), for lifecycle tests that follow
 * money through the real HTTP API; any non-2xx answer throws with the path and the error.
 */
export async function callAs<T>(
  api: TestApi,
  user: { id: string },
  path: string,
  input: unknown,
  type: "query" | "mutation",
): Promise<T> {
  const res = await call(api.url, type, path, { token: await tokenFor(user), input });
  if (res.status >= 300)
    throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body.error)}`);
  return res.body.result!.data as T;
}

/** Posts an HTML form to the API (the simulated provider pages), not following redirects. */
export function postForm(api: TestApi, path: string, fields: Record<string, string>) {
  return fetch(path.startsWith("http") ? path : `${api.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
}

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/**
 * A real worker process (apps/worker) on the test API's database, for tests that follow
 * webhooks and jobs end to end. `env` adds settings (a hold window, say); kill it after.
 */
export function spawnTestWorker(api: TestApi, env: Record<string, string> = {}): ChildProcess {
  return spawn(
    process.execPath,
    ["--import", join(repoRoot, "node_modules", "tsx", "dist", "esm", "index.mjs"), "src/main.ts"],
    {
      cwd: join(repoRoot, "apps", "worker"),
      env: {
        ...process.env,
        NODE_ENV: "test",
        DATABASE_URL: api.db.url,
        MIGRATE_ON_START: "false",
        LOG_LEVEL: "silent",
        PUBLIC_API_URL: api.url,
        WORKER_CONCURRENCY: "4",
        ...env,
      },
      stdio: "ignore",
    },
  );
}

/** Polls `read` until it gives something truthy (what the worker did), or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  read: () => Promise<T | null | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
