import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type ApiServer, createLogger, loadApiEnv, startApiServer } from "@an/api";
import type { AppRouter } from "@an/api/router";
import { tokenFor } from "@an/api/testing";
import { DEMO_USERS, seedDemoData } from "@an/db";
import { createTestDatabase, type TestDatabase } from "@an/db/testing";
import { loadWorkerEnv, startWorker, type WorkerHandle } from "@an/worker";
import { createTRPCClient, httpBatchLink, type TRPCClient } from "@trpc/client";
import pino from "pino";
import { type Browser, chromium, errors, type Page } from "playwright-core";
import { createServer, type ViteDevServer } from "vite";
import { afterAll, beforeAll, expect, onTestFailed } from "vitest";

const adminRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** Where the e2e tests leave their screenshots, at the repository root. */
export const artifactsDir = resolve(adminRoot, "../../artifacts/e2e");
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const ADMIN_EMAIL = "admin@demo.advisor.network";

/**
 * The whole console stack for one test file, over its own cloned database seeded with the
 * demo users: the real API, the worker, the console's Vite dev server and a headless
 * Chromium page.
 */
export type Stack = {
  t: TestDatabase;
  apiUrl: string;
  /** The console's origin, without a trailing slash. */
  consoleUrl: string;
  page: Page;
  /** Uncaught errors in the page; a test asserts there were none. */
  pageErrors: Error[];
};

/** A port free on 127.0.0.1 right now. Vite reads port 0 as "use the default" (5173). */
async function freePort(): Promise<number> {
  const probe = createNetServer();
  await new Promise<void>((resolve, reject) => {
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", resolve);
  });
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no TCP port was assigned");
  return address.port;
}

/** The Vite dev server for the console, proxying /trpc to `apiUrl`. */
async function startConsole(apiUrl: string): Promise<ViteDevServer> {
  // vite.config.ts reads API_URL when it loads, so it is set only around createServer.
  const previous = process.env.API_URL;
  process.env.API_URL = apiUrl;
  try {
    const server = await createServer({
      root: adminRoot,
      configFile: join(adminRoot, "vite.config.ts"),
      server: { port: await freePort(), strictPort: true, hmr: false },
      logLevel: "warn",
      clearScreen: false,
    });
    await server.listen();
    return server;
  } finally {
    if (previous === undefined) delete process.env.API_URL;
    else process.env.API_URL = previous;
  }
}

/**
 * Starts the stack before the file's first test and stops it after the last. `setup` runs
 * after seeding, before anything is started (fixtures written straight to the database).
 * Fails, never skips, when Chromium is missing. The returned object stands for the stack
 * once the hooks have run.
 */
export function useStack(setup?: (t: TestDatabase) => Promise<void>): Stack {
  let current: Stack | null = null;
  let api: ApiServer | undefined;
  let worker: WorkerHandle | undefined;
  let vite: ViteDevServer | undefined;
  let browser: Browser | undefined;
  let t: TestDatabase | undefined;
  let uploadDir: string | undefined;

  beforeAll(async () => {
    if (!existsSync(chromiumPath)) {
      throw new Error(
        `Chromium not found at ${chromiumPath}. The console's e2e tests drive a real browser: ` +
          "install it with `apt-get install -y chromium` (as root), or set CHROMIUM_PATH to an existing binary.",
      );
    }
    t = await createTestDatabase();
    await seedDemoData(t.db);
    await setup?.(t);

    uploadDir = await mkdtemp(join(tmpdir(), "an-admin-e2e-uploads-"));
    const env = loadApiEnv({
      NODE_ENV: "development",
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "silent",
      UPLOAD_DIR: uploadDir,
    });
    api = await startApiServer(env, t.url, createLogger("silent"));
    worker = await startWorker(
      // The simulated Stripe and Cal.com deliver their webhooks from the worker to this API.
      loadWorkerEnv({ NODE_ENV: "development", LOG_LEVEL: "silent", PUBLIC_API_URL: api.url }),
      t.url,
      pino({ level: "silent" }),
    );

    vite = await startConsole(api.url);
    const url = vite.resolvedUrls?.local[0];
    if (!url) throw new Error("the Vite dev server did not report its URL");

    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(20_000);
    const pageErrors: Error[] = [];
    page.on("pageerror", (error) => pageErrors.push(error));
    current = { t, apiUrl: api.url, consoleUrl: url.replace(/\/$/, ""), page, pageErrors };
  });

  afterAll(async () => {
    await browser?.close();
    await vite?.close();
    await worker?.stop();
    await api?.close();
    await t?.drop();
    if (uploadDir) await rm(uploadDir, { recursive: true, force: true });
  });

  return new Proxy({} as Stack, {
    get(_target, key) {
      if (!current) throw new Error("The stack exists only inside tests and hooks.");
      return current[key as keyof Stack];
    },
  });
}

/** Where signing in lands: the first item of the console's menu. */
export const HOME_PATH = "/consultations";

/** Signs in through the dev sign-in page as the demo admin and opens `path`. */
export async function signInAsAdmin(stack: Stack, path: string): Promise<void> {
  const { page, consoleUrl } = stack;
  await page.goto(`${consoleUrl}/sign-in`);
  await page.getByRole("button", { name: `(${ADMIN_EMAIL})` }).click();
  await page.waitForURL((url) => url.pathname === HOME_PATH);
  if (path !== HOME_PATH) await page.goto(`${consoleUrl}${path}`);
}

/** A typed API client acting as one of the demo users (or any user row, by id and email). */
export async function apiClientFor(
  stack: Stack,
  user: { id: string; email: string },
): Promise<TRPCClient<AppRouter>> {
  const demo = DEMO_USERS.find((u) => u.id === user.id);
  const token = await tokenFor({ ...demo, ...user });
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${stack.apiUrl}/trpc`,
        headers: { authorization: `Bearer ${token}` },
      }),
    ],
  });
}

/** Saves a full-page screenshot of `name` under artifacts/e2e/ once animations settle. */
export async function screenshot(stack: Stack, name: string): Promise<void> {
  await mkdir(artifactsDir, { recursive: true });
  // From the top: a scrolled page would leave the fixed header in the middle of the picture.
  await stack.page.evaluate(() => window.scrollTo(0, 0));
  await captureFullPage(stack.page, join(artifactsDir, `${name}.png`), { animations: "disabled" });
}

/**
 * Saves a full-page screenshot of `page` at `path`. Chromium captures on the compositor's
 * next frame, and once in CI no frame came for 40 s on a page that still answered scripts:
 * the picture, an artifact rather than an assertion, failed the test. So a capture that
 * times out is retried once after a resize has forced a new frame; a second timeout fails.
 */
export async function captureFullPage(
  page: Page,
  path: string,
  options: { animations?: "disabled" } = {},
): Promise<void> {
  const take = (timeout: number) => page.screenshot({ ...options, path, fullPage: true, timeout });
  try {
    await take(15_000);
  } catch (error) {
    if (!(error instanceof errors.TimeoutError)) throw error;
    const size = page.viewportSize();
    if (size) {
      await page.setViewportSize({ ...size, height: size.height + 1 });
      await page.setViewportSize(size);
    }
    await take(45_000);
  }
}

/** Keeps a `<name>-failure.png` screenshot if the running test fails. */
export function screenshotOnFailure(stack: Stack, name: string): void {
  onTestFailed(async () => {
    await mkdir(artifactsDir, { recursive: true });
    await captureFullPage(stack.page, join(artifactsDir, `${name}-failure.png`));
  });
}

/** No uncaught error reached the page during the test. */
export function expectNoPageErrors(stack: Stack): void {
  expect(stack.pageErrors).toEqual([]);
}
