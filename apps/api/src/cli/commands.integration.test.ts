import { sql } from "drizzle-orm";
import { useTestDatabase } from "@an/db/testing";
import { findUserByEmail, seedDemoData } from "@an/db";
import { describe, expect, it } from "vitest";
import { loadApiEnv } from "../env";
import { createTokenVerifier } from "../auth/tokens";
import { adminGrant, devToken } from "./commands";

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

  it("refuses in production", async () => {
    const env = loadApiEnv({
      NODE_ENV: "production",
      DATABASE_URL: t.url,
      AUTH_JWT_SECRET: "p".repeat(48),
    });
    await expect(devToken(t.db, env, { email: "lucas@demo.advisor.network" })).rejects.toThrow(
      /NODE_ENV is production/,
    );
  });
});
