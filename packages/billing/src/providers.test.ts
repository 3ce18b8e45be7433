import { describe, expect, it } from "vitest";
import { chooseProviders } from "./providers";

describe("chooseProviders", () => {
  it("development without keys runs on the simulators", () => {
    expect(chooseProviders({ production: false })).toEqual({
      payments: "simulated",
      scheduling: "simulated",
    });
  });

  it("real keys switch to the real services, with their webhook secrets", () => {
    expect(
      chooseProviders({
        production: true,
        stripeSecretKey: "sk_live_x",
        stripeWebhookSecrets: ["whsec_1"],
        calcomApiKey: "cal_live_x",
        calcomWebhookSecrets: ["s"],
      }),
    ).toEqual({ payments: "real", scheduling: "real" });
  });

  it("production refuses to start on the simulators", () => {
    expect(() => chooseProviders({ production: true })).toThrow(
      /STRIPE_SECRET_KEY, CALCOM_API_KEY/,
    );
  });

  it("a real key without its webhook secret is refused, even in development", () => {
    expect(() => chooseProviders({ production: false, stripeSecretKey: "sk_test_x" })).toThrow(
      /STRIPE_WEBHOOK_SECRETS/,
    );
  });

  it("production refuses a Stripe test-mode key", () => {
    expect(() =>
      chooseProviders({
        production: true,
        stripeSecretKey: "sk_test_x",
        stripeWebhookSecrets: ["w"],
        calcomApiKey: "k",
        calcomWebhookSecrets: ["s"],
      }),
    ).toThrow(/test-mode key/);
  });
});
