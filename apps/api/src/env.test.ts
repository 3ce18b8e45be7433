import { describe, expect, it } from "vitest";
import { DEV_JWT_SECRET, loadApiEnv } from "./env";
import { devAuthConfig } from "./server";
import { DEV_ATTACHMENT_URL_SECRET } from "./uploads/attachment-urls";

describe("API configuration", () => {
  it("development runs with documented defaults and dev sign-in on", () => {
    const env = loadApiEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.AUTH_JWT_SECRET).toBe(DEV_JWT_SECRET);
    expect(devAuthConfig(env).enabled).toBe(true);
    expect(env.ATTACHMENT_URL_SECRET).toBe(DEV_ATTACHMENT_URL_SECRET);
  });

  it("production refuses to start without a database or real secrets", () => {
    expect(() => loadApiEnv({ NODE_ENV: "production" })).toThrow(
      /DATABASE_URL is required in production/,
    );
    expect(() =>
      loadApiEnv({
        NODE_ENV: "production",
        DATABASE_URL: "postgres://db/x",
        AUTH_JWT_SECRET: DEV_JWT_SECRET,
      }),
    ).toThrow(/not the development default/);
    const real = {
      NODE_ENV: "production",
      DATABASE_URL: "postgres://db/x",
      AUTH_JWT_SECRET: "p".repeat(48),
    };
    expect(() => loadApiEnv(real)).toThrow(/ATTACHMENT_URL_SECRET/);
    expect(() => loadApiEnv({ ...real, ATTACHMENT_URL_SECRET: DEV_ATTACHMENT_URL_SECRET })).toThrow(
      /real ATTACHMENT_URL_SECRET/,
    );
    expect(
      loadApiEnv({ ...real, ATTACHMENT_URL_SECRET: "a".repeat(48) }).ATTACHMENT_URL_SECRET,
    ).toBe("a".repeat(48));
  });

  it("production never enables dev sign-in", () => {
    const env = loadApiEnv({
      NODE_ENV: "production",
      DATABASE_URL: "postgres://db/x",
      AUTH_JWT_SECRET: "p".repeat(48),
      ATTACHMENT_URL_SECRET: "a".repeat(48),
    });
    expect(devAuthConfig(env)).toEqual({ enabled: false });
  });

  it("a JWKS provider turns dev sign-in off: it can't mint that provider's tokens", () => {
    expect(devAuthConfig(loadApiEnv({ AUTH_JWKS_URL: "https://idp.example/jwks.json" }))).toEqual({
      enabled: false,
    });
  });

  it("names every bad variable at once", () => {
    expect(() => loadApiEnv({ PORT: "abc", MAX_BATCH_SIZE: "0" })).toThrow(
      /PORT[\s\S]*MAX_BATCH_SIZE/,
    );
  });
});
