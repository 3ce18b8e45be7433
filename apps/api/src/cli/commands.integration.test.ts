import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { useTestDatabase } from "@an/db/testing";
import { findUserByEmail, seedDemoData, verifyServiceCredential } from "@an/db";
import { describe, expect, it } from "vitest";
import { loadApiEnv } from "../env";
import { createTokenVerifier } from "../auth/tokens";
import { adminGrant, assistantKey, devToken } from "./commands";

const t = useTestDatabase((db) => seedDemoData(db.db));

describe("admin:grant", () => {
  it("grants admin once, audited with the operator; running it again changes nothing", async () => {
    const first = await adminGrant(t.db, {
      email: "SAM@demo.advisor.network",
      operator: "ops-anna",
    });
    expect(first).toEqual({ changed: true, userId: "demo|client-sam", role: "admin" });
    const again = await adminGrant(t.db, {
      email: "sam@demo.advisor.network",
      operator: "ops-anna",
    });
    expect(again.changed).toBe(false);
    expect((await findUserByEmail(t.db, { email: "sam@demo.advisor.network" }))?.roles).toEqual([
      "client",
      "admin",
    ]);
    const audit = await t.db.execute<{ actor_label: string }>(
      sql`select actor_label from audit_log where subject_id = 'demo|client-sam' and action = 'role.granted' and actor_label like 'cli:%'`,
    );
    expect(audit).toEqual([{ actor_label: "cli:admin-grant:ops-anna" }]);
  });

  it("explains what to do for an unknown email or role", async () => {
    await expect(adminGrant(t.db, { email: "ghost@example.com", operator: "x" })).rejects.toThrow(
      /must sign in once/,
    );
    await expect(
      adminGrant(t.db, { email: "sam@demo.advisor.network", role: "owner", operator: "x" }),
    ).rejects.toThrow(/Unknown role 'owner'/);
  });
});

describe("assistant:key", () => {
  it("issues an assistant key the API accepts, audited with the operator, never storing the key", async () => {
    const issued = await assistantKey(t.db, { name: "assistant (prod)", operator: "ops-anna" });
    expect(await verifyServiceCredential(t.db, issued.key)).toEqual({
      id: issued.id,
      scope: "assistant",
      name: "assistant (prod)",
      lastUsedAt: null,
    });
    const audit = await t.db.execute<{ actor_label: string; after: unknown }>(
      sql`select actor_label, after from audit_log where subject_id = ${issued.id}`,
    );
    expect(audit).toEqual([
      {
        actor_label: "cli:assistant-key:ops-anna",
        after: { name: "assistant (prod)", scope: "assistant", prefix: issued.prefix },
      },
    ]);
  });

  it("explains a bad name", async () => {
    await expect(assistantKey(t.db, { name: "  ", operator: "x" })).rejects.toThrow(
      /1 to 100 printable characters/,
    );
  });
});

describe("dev:token", () => {
  it("mints a token the API accepts, in development", async () => {
    const env = loadApiEnv({ NODE_ENV: "development" });
    const { token } = await devToken(t.db, env, { email: "lucas@demo.advisor.network" });
    const verify = createTokenVerifier({
      kind: "secret",
      secret: env.AUTH_JWT_SECRET!,
      issuer: "advisor-network-dev",
    });
    expect((await verify(token)).sub).toBe("demo|advisor-lucas");
  });

  it("`npm run -s dev:token -- EMAIL` prints the token alone on stdout, so TOKEN=$(…) works", async () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "development", DATABASE_URL: t.url };
    // Not inherited from the test runner: the command must not depend on them.
    delete env.npm_config_loglevel;
    const child = spawn("npm", ["run", "-s", "dev:token", "--", "lucas@demo.advisor.network"], {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.on("close", done));
    expect({ code, stderr }).toMatchObject({ code: 0 });
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const verify = createTokenVerifier({
      kind: "secret",
      secret: loadApiEnv({ NODE_ENV: "development" }).AUTH_JWT_SECRET!,
      issuer: "advisor-network-dev",
    });
    expect((await verify(stdout.trim())).sub).toBe("demo|advisor-lucas");
    // What a person needs besides the token still reaches them, on stderr.
    expect(stderr).toContain("Authorization: Bearer");
  }, 120_000);

  it("refuses in production", async () => {
    const env = loadApiEnv({
      NODE_ENV: "production",
      DATABASE_URL: t.url,
      AUTH_JWT_SECRET: "p".repeat(48),
      ATTACHMENT_URL_SECRET: "a".repeat(48),
    });
    await expect(devToken(t.db, env, { email: "lucas@demo.advisor.network" })).rejects.toThrow(
      /NODE_ENV is production/,
    );
  });
});
