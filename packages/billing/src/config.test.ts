import { describe, expect, it } from "vitest";
import {
  DEV_CALCOM_WEBHOOK_SECRET,
  DEV_STRIPE_CONNECT_WEBHOOK_SECRET,
  parseBillingEnv,
  resolveBillingConfig,
} from "./config";
import { ProviderConfigError } from "./providers";

const realProduction = {
  STRIPE_SECRET_KEY: "sk_live_x",
  STRIPE_WEBHOOK_SECRETS: "whsec_platform",
  CALCOM_API_KEY: "cal_live_x",
  CALCOM_WEBHOOK_SECRET: "calcom-secret",
  BOOKING_TOKEN_SECRET: "a-real-booking-token-secret-0123456789",
};
const resolve = (env: Record<string, string>, production: boolean) =>
  resolveBillingConfig(parseBillingEnv(env), { production, defaultApiUrl: "https://api.test" });

describe("the Connect endpoint's webhook secrets", () => {
  it.each([
    ["missing", {}],
    [
      "the development default",
      { STRIPE_CONNECT_WEBHOOK_SECRETS: DEV_STRIPE_CONNECT_WEBHOOK_SECRET },
    ],
  ])("production with real Stripe refuses them %s", (_name, extra) => {
    expect(() => resolve({ ...realProduction, ...extra }, true)).toThrow(ProviderConfigError);
    expect(() => resolve({ ...realProduction, ...extra }, true)).toThrow(
      /STRIPE_CONNECT_WEBHOOK_SECRETS/,
    );
  });

  it("production keeps them apart from the platform endpoint's", () => {
    const config = resolve(
      { ...realProduction, STRIPE_CONNECT_WEBHOOK_SECRETS: "whsec_connect_new, whsec_connect_old" },
      true,
    );
    expect(config.stripe.webhookSecrets).toEqual(["whsec_platform"]);
    expect(config.stripe.connectWebhookSecrets).toEqual(["whsec_connect_new", "whsec_connect_old"]);
  });

  it("development on the simulators signs and checks with the development default", () => {
    expect(resolve({}, false).stripe.connectWebhookSecrets).toEqual([
      DEV_STRIPE_CONNECT_WEBHOOK_SECRET,
    ]);
  });

  it("reads the payout settings, with their defaults", () => {
    const config = resolve({ CONNECT_ACCOUNT_COUNTRY: "GB", SIM_STRIPE_RATE_LIMIT: "100" }, false);
    // The payout minimum is no setting: it is the operator's, per currency (`payouts` rules).
    expect(config.connect).toEqual({
      country: "GB",
      requestsPerSecond: 20,
      maxAttempts: 8,
    });
    expect(config.simulator.stripeRateLimit).toBe(100);
  });
});

describe("the Cal.com webhook's secrets", () => {
  it.each([
    [
      "the list alone (a roll under way: new, then old)",
      { CALCOM_WEBHOOK_SECRETS: "cal-new, cal-old" },
      ["cal-new", "cal-old"],
    ],
    ["the older single variable alone", { CALCOM_WEBHOOK_SECRET: "cal-only" }, ["cal-only"]],
    [
      "both: the single one joins the list",
      { CALCOM_WEBHOOK_SECRETS: "cal-new", CALCOM_WEBHOOK_SECRET: "cal-old" },
      ["cal-new", "cal-old"],
    ],
    [
      "both naming the same secret: listed once",
      { CALCOM_WEBHOOK_SECRETS: "cal-new,cal-old", CALCOM_WEBHOOK_SECRET: "cal-old" },
      ["cal-new", "cal-old"],
    ],
  ])("reads %s", (_name, env, expected) => {
    const { CALCOM_WEBHOOK_SECRET: _single, ...real } = realProduction;
    const connect = { STRIPE_CONNECT_WEBHOOK_SECRETS: "whsec_connect" };
    expect(resolve({ ...real, ...connect, ...env }, true).calcom.webhookSecrets).toEqual(expected);
  });

  it("real Cal.com without any secret is refused, naming the variable", () => {
    const { CALCOM_WEBHOOK_SECRET: _single, ...real } = realProduction;
    expect(() => resolve({ ...real, STRIPE_CONNECT_WEBHOOK_SECRETS: "whsec_c" }, true)).toThrow(
      /CALCOM_WEBHOOK_SECRETS/,
    );
  });

  it.each(["CALCOM_WEBHOOK_SECRETS", "CALCOM_WEBHOOK_SECRET"])(
    "production refuses the published development secret in %s, even next to a real one",
    (name) => {
      const env = {
        ...realProduction,
        STRIPE_CONNECT_WEBHOOK_SECRETS: "whsec_connect",
        CALCOM_WEBHOOK_SECRETS: "cal-new",
        [name]:
          name === "CALCOM_WEBHOOK_SECRETS"
            ? `cal-new,${DEV_CALCOM_WEBHOOK_SECRET}`
            : DEV_CALCOM_WEBHOOK_SECRET,
      };
      expect(() => resolve(env, true)).toThrow(/development Cal.com webhook secret/);
    },
  );

  it("development on the simulator signs and checks with the development default", () => {
    expect(resolve({}, false).calcom.webhookSecrets).toEqual([DEV_CALCOM_WEBHOOK_SECRET]);
  });
});
