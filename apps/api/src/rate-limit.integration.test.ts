import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApiServer } from "./server";
import { loadApiEnv } from "./env";
import { createLogger } from "./logger";
import { call, startTestApi, type TestApi, tokenFor } from "./testing";
import type { ApiServer } from "./server";

/** Two API instances on different ports over one database, as in production. */
let first: TestApi;
let second: ApiServer;
const limits = {
  RATE_LIMIT_MUTATIONS: "4",
  RATE_LIMIT_MUTATIONS_WINDOW_SECONDS: "60",
  RATE_LIMIT_SIGN_IN: "3",
  RATE_LIMIT_SIGN_IN_WINDOW_SECONDS: "60",
};

beforeAll(async () => {
  first = await startTestApi({ env: limits });
  const env = loadApiEnv({
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    ...limits,
  });
  second = await startApiServer(env, first.db.url, createLogger("silent"));
});
afterAll(async () => {
  await second.close();
  await first.close();
  await first.db.drop();
});

describe("two API instances behave as one", () => {
  it("serve the same data: a grant through one is seen through the other", async () => {
    const admin = await tokenFor({ id: "demo|admin" });
    const granted = await call(first.url, "mutation", "users.grantRole", {
      token: admin,
      input: { userId: "demo|client-diego", role: "advisor" },
    });
    expect(granted.status).toBe(200);
    const diego = await tokenFor({ id: "demo|client-diego" });
    const me = await call(second.url, "query", "auth.getMe", { token: diego });
    expect(me.body.result?.data).toMatchObject({ roles: ["client", "advisor"] });
  });

  it("share the mutation rate limit: the budget spent on one is gone on the other", async () => {
    const token = await tokenFor({ id: "demo|client-sam" });
    const attempt = (url: string) =>
      call(url, "mutation", "sandbox.signIn", {
        token,
        input: { email: "sam@demo.advisor.network" },
        headers: { "x-locale": "fr" },
      });
    // Sam spends his 4 mutations alternating instances (sign-in limit is per IP, checked after).
    const statuses: number[] = [];
    for (const url of [first.url, second.url, first.url])
      statuses.push((await attempt(url)).status);
    expect(statuses).toEqual([200, 200, 200]);
    const fourth = await attempt(second.url);
    // The 4th mutation is within the mutation budget but over the shared sign-in budget of 3.
    expect(fourth.status).toBe(429);
    expect(fourth.body.error?.data.appCode).toBe("RATE_LIMITED");
    expect(Number(fourth.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(fourth.body.error?.message).toMatch(
      /^Trop de requêtes\. Réessayez dans \d+ secondes\.$/,
    );
    const fifth = await attempt(first.url);
    expect(fifth.status).toBe(429);
    expect(fifth.headers.get("retry-after")).toMatch(/^\d+$/);
  });

  it("count mutations per user across instances, answering 429 with Retry-After", async () => {
    const token = await tokenFor({ id: "demo|admin" });
    const grant = (url: string) =>
      call(url, "mutation", "users.grantRole", {
        token,
        input: { userId: "demo|client-sam", role: "client" },
      });
    // The admin already spent 1 mutation above; 3 more fit in the budget of 4.
    const statuses = [];
    for (const url of [second.url, first.url, second.url, first.url])
      statuses.push((await grant(url)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    // Queries aren't mutations: reads still work while writes are throttled.
    const list = await call(second.url, "query", "users.list", { token });
    expect(list.status).toBe(200);
  });
});
