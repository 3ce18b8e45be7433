/**
 * Which payment and scheduling providers a process talks to. With no keys, development
 * runs on the simulated providers; real keys switch to Stripe and Cal.com. Production
 * must never run on the simulators, so it refuses to start without real keys.
 */
export type ProviderMode = "real" | "simulated";

export type ProviderSettings = {
  production: boolean;
  stripeSecretKey?: string | undefined;
  stripeWebhookSecrets?: readonly string[] | undefined;
  calcomApiKey?: string | undefined;
  calcomWebhookSecrets?: readonly string[] | undefined;
};

export type ProviderChoice = { payments: ProviderMode; scheduling: ProviderMode };

export class ProviderConfigError extends Error {}

/** Picks real or simulated providers from configuration; throws on an unsafe mix. */
export function chooseProviders(settings: ProviderSettings): ProviderChoice {
  const missing: string[] = [];
  const payments: ProviderMode = settings.stripeSecretKey ? "real" : "simulated";
  const scheduling: ProviderMode = settings.calcomApiKey ? "real" : "simulated";
  if (payments === "real" && !settings.stripeWebhookSecrets?.length)
    missing.push("STRIPE_WEBHOOK_SECRETS");
  if (scheduling === "real" && !settings.calcomWebhookSecrets?.length)
    missing.push("CALCOM_WEBHOOK_SECRETS");
  if (settings.production) {
    if (payments === "simulated") missing.push("STRIPE_SECRET_KEY");
    if (scheduling === "simulated") missing.push("CALCOM_API_KEY");
  }
  if (settings.stripeSecretKey?.startsWith("sk_test_") && settings.production) {
    throw new ProviderConfigError(
      "STRIPE_SECRET_KEY is a test-mode key, but NODE_ENV is production.",
    );
  }
  if (missing.length > 0) {
    throw new ProviderConfigError(
      `${settings.production ? "Production" : "This configuration"} needs ${missing.join(", ")}: ` +
        `the simulated providers are for development only, and real ones need their webhook secrets.`,
    );
  }
  return { payments, scheduling };
}
