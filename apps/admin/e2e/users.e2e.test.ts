import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createServer as createNetServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type ApiServer, createLogger, loadApiEnv, startApiServer } from "@an/api";
import { seedDemoData } from "@an/db";
import { loadWorkerEnv, startWorker, type WorkerHandle } from "@an/worker";
import pino from "pino";
import { createTestDatabase, type TestDatabase } from "@an/db/testing";
import { type Browser, chromium, type Page } from "playwright-core";
import { createServer, type ViteDevServer } from "vite";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";

const adminRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const artifactsDir = resolve(adminRoot, "../../artifacts/e2e");
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const ADMIN_EMAIL = "admin@demo.advisor.network";
const SAM = { id: "demo|client-sam", email: "sam@demo.advisor.network" };

let t: TestDatabase | undefined;
let api: ApiServer | undefined;
let vite: ViteDevServer | undefined;
let worker: WorkerHandle | undefined;
let browser: Browser | undefined;
let page: Page;
let consoleUrl: string;
const pageErrors: Error[] = [];

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

beforeAll(async () => {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium not found at ${chromiumPath}. The console's e2e tests drive a real browser: ` +
        "install it with `apt-get install -y chromium` (as root), or set CHROMIUM_PATH to an existing binary.",
    );
  }
  t = await createTestDatabase();
  await seedDemoData(t.db);

  const env = loadApiEnv({
    NODE_ENV: "development",
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
  });
  api = await startApiServer(env, t.url, createLogger("silent"));
  worker = await startWorker(
    loadWorkerEnv({ NODE_ENV: "development", LOG_LEVEL: "silent" }),
    t.url,
    pino({ level: "silent" }),
  );

  vite = await startConsole(api.url);
  const url = vite.resolvedUrls?.local[0];
  if (!url) throw new Error("the Vite dev server did not report its URL");
  consoleUrl = url.replace(/\/$/, "");

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
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(20_000);
  page.on("pageerror", (error) => pageErrors.push(error));
});

afterAll(async () => {
  await browser?.close();
  await vite?.close();
  await worker?.stop();
  await api?.close();
  await t?.drop();
});

describe("users & roles", () => {
  it("an admin grants the advisor role to a client", async () => {
    onTestFailed(async () => {
      await mkdir(artifactsDir, { recursive: true });
      await page.screenshot({
        path: join(artifactsDir, "users-roles-failure.png"),
        fullPage: true,
      });
    });

    await page.goto(`${consoleUrl}/sign-in`);
    await page.getByRole("button", { name: `(${ADMIN_EMAIL})` }).click();
    await page.waitForURL(`${consoleUrl}/users`);
    await page.getByRole("heading", { name: "Users & roles" }).waitFor();

    const samRow = page.getByRole("row").filter({ hasText: SAM.email });
    const samRoles = samRow.getByRole("list", { name: `Roles of ${SAM.email}` });
    await samRoles.waitFor();
    expect(await samRoles.getByRole("listitem").allTextContents()).toEqual(["client"]);

    await samRow
      .getByRole("combobox", { name: `Role to grant to ${SAM.email}` })
      .selectOption("advisor");
    await samRow.getByRole("button", { name: `Grant role to ${SAM.email}` }).click();

    await samRoles
      .getByRole("listitem")
      .filter({ hasText: /^advisor$/ })
      .waitFor();
    await page.getByText(`Granted advisor to ${SAM.email}.`).waitFor();
    expect((await samRoles.getByRole("listitem").allTextContents()).sort()).toEqual([
      "advisor",
      "client",
    ]);

    const grants = await t!.sql<{ role: string; granted_by: string | null }[]>`
      select role::text, granted_by from user_roles
       where user_id = ${SAM.id} and revoked_at is null
       order by role`;
    expect(grants.map((g) => ({ role: g.role, grantedBy: g.granted_by }))).toEqual(
      expect.arrayContaining([{ role: "advisor", grantedBy: "demo|admin" }]),
    );

    await mkdir(artifactsDir, { recursive: true });
    // Finish the notification's entrance transition so the capture shows it settled.
    await page.screenshot({
      path: join(artifactsDir, "users-roles.png"),
      fullPage: true,
      animations: "disabled",
    });

    // The detail drawer shows the grant in the role history and the audit trail.
    await samRow.getByRole("button", { name: `Details of ${SAM.email}` }).click();
    const audit = page.getByRole("table", { name: "Audit trail" });
    await audit
      .getByRole("row")
      .filter({ hasText: "role.granted" })
      .filter({ hasText: "demo|admin" })
      .waitFor();
    await page.keyboard.press("Escape");

    // The worker turned the grant's job into Sam's notification, shown in the outbox.
    await page.getByRole("link", { name: "Notifications outbox" }).click();
    const outbox = page.getByRole("table", { name: "Notifications outbox" });
    const message = outbox
      .getByRole("row")
      .filter({ hasText: "You now have the advisor role on Advisor Network" });
    for (let attempt = 0; (await message.count()) === 0 && attempt < 30; attempt++) {
      await page.getByRole("button", { name: /refresh/i }).click();
      await page.waitForTimeout(500);
    }
    await message.filter({ hasText: SAM.email }).waitFor();
    await page.screenshot({
      path: join(artifactsDir, "notifications-outbox.png"),
      fullPage: true,
      animations: "disabled",
    });

    expect(pageErrors).toEqual([]);
  });
});
