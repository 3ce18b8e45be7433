// `npm start`: the whole system on one machine — PostgreSQL (embedded unless DATABASE_URL
// is set), migrations and demo data, then the API, the worker and the console.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createLogFormatState, formatLogLine } from "@an/api/log-format";
import { createDb, DEMO_USERS, seedDemoData, seedDemoMarketplace } from "@an/db";
import { databaseEnvShape, openProcessDatabase } from "@an/db/embedded";
import { z } from "zod";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// A local .env (see .env.example) applies to every process started from here.
if (existsSync(join(root, ".env"))) process.loadEnvFile(join(root, ".env"));
const apiPort = Number(process.env.PORT ?? 3000);
const adminPort = Number(process.env.ADMIN_PORT ?? 5173);
const production = process.env.NODE_ENV === "production";

const say = (line: string) => process.stdout.write(`${line}\n`);

say("Starting Advisor Network…");
const database = await openProcessDatabase(
  z
    .object(databaseEnvShape)
    .extend({ NODE_ENV: z.string().default("development") })
    .parse(process.env),
  { migrate: true },
);
say(
  database.embedded
    ? `• Embedded PostgreSQL ready (data in .data/postgres)`
    : `• Using DATABASE_URL`,
);
say("• Migrations applied");
if (!production) {
  const handle = createDb(database.url, { max: 1 });
  await seedDemoData(handle.db);
  await seedDemoMarketplace(handle.db);
  await handle.close();
  say("• Demo users, skills, two approved advisors and one pending application seeded");
}

// Development: one readable line per log entry (quiet health checks, repeated polls once a
// minute). Production: the processes' JSON, untouched, for log pipelines.
const logFormat = production ? null : createLogFormatState();
const children: ChildProcess[] = [];
function launch(name: string, cwd: string, args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, args, {
    cwd: join(root, cwd),
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const prefix = `[${name}] `;
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = "";
    stream.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        const shown = logFormat ? formatLogLine(line, logFormat) : line;
        if (shown !== null) process.stdout.write(prefix + shown + "\n");
      }
    });
  }
  child.on("exit", (code, signal) => {
    if (!stopping) {
      say(`${prefix}exited (${signal ?? code}); stopping everything.`);
      void stop(1);
    }
  });
  children.push(child);
  return child;
}

const tsx = join(root, "node_modules", "tsx", "dist", "cli.mjs");
const shared = {
  DATABASE_URL: database.url,
  MIGRATE_ON_START: "false",
  // The simulators' pages and webhook deliveries go to the API; after checkout the client
  // returns to the console's sandbox.
  PUBLIC_API_URL: process.env.PUBLIC_API_URL ?? `http://localhost:${apiPort}`,
  CLIENT_APP_URL: process.env.CLIENT_APP_URL ?? `http://localhost:${adminPort}/sandbox`,
};
launch("api", "apps/api", [tsx, "src/main.ts"], { ...shared, PORT: String(apiPort) });
launch("worker", "apps/worker", [tsx, "src/main.ts"], shared);
const vite = join(root, "apps", "admin", "node_modules", "vite", "bin", "vite.js");
launch("console", "apps/admin", [vite, "--port", String(adminPort), "--strictPort"], {
  API_URL: `http://127.0.0.1:${apiPort}`,
  ADMIN_PORT: String(adminPort),
});

await waitFor(`http://127.0.0.1:${apiPort}/readyz`, 60_000);
await waitFor(`http://127.0.0.1:${adminPort}/`, 60_000);

say("");
say("Advisor Network is running:");
say(
  `  API        http://localhost:${apiPort}   (health: /healthz, readiness: /readyz, tRPC: /trpc)`,
);
say(`  Console    http://localhost:${adminPort}`);
say(
  `  Worker     running; without SMTP_URL, messages stay in the outbox (Console → Notifications)`,
);
if (!production) {
  say("");
  say("Sign in: open the console and pick a demo user, or mint a token for API calls:");
  for (const user of DEMO_USERS) {
    const label = user.roles.includes("admin")
      ? "admin"
      : user.roles.includes("advisor")
        ? "advisor"
        : "client";
    say(`  ${label.padEnd(8)} ${user.email.padEnd(30)} npm run -s dev:token -- ${user.email}`);
  }
  say(
    `  e.g.  TOKEN=$(npm run -s dev:token -- ${DEMO_USERS[0]?.email ?? "EMAIL"}); ` +
      `curl -H "Authorization: Bearer $TOKEN" http://localhost:${apiPort}/trpc/auth.getMe`,
  );
}
say("");
say("Press Ctrl+C to stop.");

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
          setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
        }),
    ),
  );
  await database.stop?.();
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

async function waitFor(url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not come up within ${timeoutMs / 1000}s`);
}
