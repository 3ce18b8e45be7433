import { z } from "zod";
import { chooseProviders, type ProviderChoice, ProviderConfigError } from "./providers";

/** Development defaults: the simulators sign with these; production refuses them. */
export const DEV_STRIPE_WEBHOOK_SECRET = "whsec_dev_simulated_stripe_0123456789";
export const DEV_STRIPE_CONNECT_WEBHOOK_SECRET = "whsec_dev_simulated_stripe_connect_0123456789";
export const DEV_CALCOM_WEBHOOK_SECRET = "dev-simulated-calcom-secret-0123456789";
export const DEV_BOOKING_TOKEN_SECRET = "dev-only-booking-token-secret-0123456789";

/**
 * Fixed development exchange rates of the simulated Stripe: one unit of the currency in USD
 * (rounded from real mid-market rates; nothing depends on their exact values).
 */
export const SIM_USD_RATES: Readonly<Record<string, string>> = {
  USD: "1",
  EUR: "1.08",
  GBP: "1.27",
  CAD: "0.73",
  AUD: "0.66",
  AED: "0.2723",
  SAR: "0.2666",
  EGP: "0.0203",
  MAD: "0.0995",
  JPY: "0.0067",
  KWD: "3.25",
};

const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  );

/**
 * Environment variables for payments and bookings, shared by the API and the worker
 * (each app parses them in its own env.ts; packages never read process.env).
 */
export const billingEnvShape = {
  /** Real Stripe when set; the simulated provider otherwise (development only). */
  STRIPE_SECRET_KEY: z.string().optional(),
  /** Comma-separated `whsec_…` of the platform endpoint: its current one, and during a roll the old one. */
  STRIPE_WEBHOOK_SECRETS: list,
  /** Comma-separated `whsec_…` of the Connect endpoint (`account.updated` etc.), own route. */
  STRIPE_CONNECT_WEBHOOK_SECRETS: list,
  /**
   * Comma-separated ISO codes the platform's Stripe balance holds; the first is the default
   * settlement currency. A charge in another currency is converted into the default (at the
   * rate on its balance transaction) and its payouts are transferred in it.
   */
  STRIPE_SETTLEMENT_CURRENCIES: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const codes = (v ?? "USD,EUR")
        .split(",")
        .map((s) => s.trim().toUpperCase())
        .filter((s) => s.length > 0);
      if (codes.length === 0 || codes.some((c) => !/^[A-Z]{3}$/.test(c))) {
        ctx.addIssue({
          code: "custom",
          message: "STRIPE_SETTLEMENT_CURRENCIES must list ISO 4217 codes, e.g. USD,EUR",
        });
        return z.NEVER;
      }
      return [...new Set(codes)];
    }),
  /** Country of new Express accounts (ISO 3166-1 alpha-2). */
  CONNECT_ACCOUNT_COUNTRY: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .default("US"),
  /** Requests per second payout runs may send to the provider, shared by all workers. */
  PAYOUT_REQUESTS_PER_SECOND: z.coerce.number().positive().max(1000).default(20),
  /** Attempts per transfer before it is marked failed for an admin to retry. */
  PAYOUT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  /** Simulated Stripe only: answer 429 with Retry-After above this many requests/s (0 = no limit). */
  SIM_STRIPE_RATE_LIMIT: z.coerce.number().int().min(0).default(0),
  /** Only for tests against a loopback server: e.g. http://127.0.0.1:12111. */
  STRIPE_API_BASE: z.url().optional(),
  /** Real Cal.com when set; the simulated booking page otherwise. */
  CALCOM_API_KEY: z.string().optional(),
  CALCOM_API_URL: z.url().default("https://api.cal.com"),
  /** Where booking pages live: `<base>/<event type slug path>`. */
  CALCOM_BOOKING_BASE_URL: z.url().default("https://cal.com"),
  /**
   * Comma-separated secrets of the Cal.com webhook: its current one, and during a roll the
   * previous one (a delivery signed with any of them is accepted). The first signs the
   * simulator's deliveries.
   */
  CALCOM_WEBHOOK_SECRETS: list,
  /** The older single-secret name; still read, and accepted alongside CALCOM_WEBHOOK_SECRETS. */
  CALCOM_WEBHOOK_SECRET: z.string().optional(),
  /** Signs the booking token carried through Cal.com's metadata. */
  BOOKING_TOKEN_SECRET: z.string().min(32).optional(),
  /** How long a prepared booking link stays valid. */
  BOOKING_TOKEN_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60)
    .default(120),
  /** Time a client has to pay after booking (Stripe allows 30 min – 24 h). */
  PAYMENT_WINDOW_MINUTES: z.coerce.number().int().min(30).max(1440).default(60),
  /** Raw webhook bodies are dropped after this many days (hashes and outcomes stay). */
  WEBHOOK_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** The API's public origin: webhook routes, simulator pages and checkout return URLs. */
  PUBLIC_API_URL: z.url().optional(),
  /** Where clients land after checkout (success/cancel pages). */
  CLIENT_APP_URL: z.url().optional(),
};

const billingEnvSchema = z.object(billingEnvShape);
export type BillingEnv = z.output<typeof billingEnvSchema>;

export type BillingConfig = {
  choice: ProviderChoice;
  stripe: {
    secretKey: string | null;
    webhookSecrets: string[];
    /** The Connect endpoint's secrets (a separate route). */
    connectWebhookSecrets: string[];
    apiBase: string | null;
  };
  connect: {
    country: string;
    requestsPerSecond: number;
    maxAttempts: number;
  };
  /** What the platform's Stripe balance holds; `currencies[0]` is the default settlement currency. */
  settlement: { currencies: string[] };
  simulator: {
    stripeRateLimit: number;
    /**
     * The simulated Stripe's exchange rates: minor-unit-free decimal strings, major units of
     * the key's currency in USD (tests can change them on the simulator).
     */
    exchangeRates: Record<string, string>;
  };
  calcom: {
    apiKey: string | null;
    apiUrl: string;
    bookingBaseUrl: string;
    /** Every secret a delivery may be signed with (never empty); the first is the current one. */
    webhookSecrets: string[];
  };
  bookingTokenSecret: string;
  bookingTokenTtlMinutes: number;
  paymentWindowMinutes: number;
  webhookRetentionDays: number;
  publicApiUrl: string;
  clientAppUrl: string;
};

/** Parses just the billing variables (tests and scripts; apps parse them in their env.ts). */
export function parseBillingEnv(source: Record<string, string | undefined>): BillingEnv {
  return billingEnvSchema.parse(source);
}

/**
 * Resolves the billing configuration: real or simulated providers, and secrets (with the
 * documented development defaults outside production). Throws `ProviderConfigError` naming
 * what production is missing.
 */
export function resolveBillingConfig(
  env: BillingEnv,
  options: { production: boolean; defaultApiUrl: string },
): BillingConfig {
  const choice = chooseProviders({
    production: options.production,
    stripeSecretKey: env.STRIPE_SECRET_KEY,
    stripeWebhookSecrets: env.STRIPE_WEBHOOK_SECRETS,
    calcomApiKey: env.CALCOM_API_KEY,
    calcomWebhookSecrets: calcomWebhookSecretsOf(env),
  });
  if (
    options.production &&
    (!env.BOOKING_TOKEN_SECRET || env.BOOKING_TOKEN_SECRET === DEV_BOOKING_TOKEN_SECRET)
  ) {
    throw new ProviderConfigError("Production needs a real BOOKING_TOKEN_SECRET (32+ characters).");
  }
  if (
    options.production &&
    choice.payments === "real" &&
    (env.STRIPE_CONNECT_WEBHOOK_SECRETS.length === 0 ||
      env.STRIPE_CONNECT_WEBHOOK_SECRETS.includes(DEV_STRIPE_CONNECT_WEBHOOK_SECRET))
  ) {
    // Without its own secret the Connect route would accept bodies signed with the
    // published development secret: anyone could mark an account as able to receive transfers.
    throw new ProviderConfigError(
      "Production needs STRIPE_CONNECT_WEBHOOK_SECRETS (the Connect endpoint's whsec_…).",
    );
  }
  if (options.production && calcomWebhookSecretsOf(env).includes(DEV_CALCOM_WEBHOOK_SECRET)) {
    // The development secret is published: with it in the list, anyone could sign bookings.
    throw new ProviderConfigError(
      "Production refuses the development Cal.com webhook secret in CALCOM_WEBHOOK_SECRETS.",
    );
  }
  const stripeSecrets =
    env.STRIPE_WEBHOOK_SECRETS.length > 0
      ? env.STRIPE_WEBHOOK_SECRETS
      : [DEV_STRIPE_WEBHOOK_SECRET];
  const publicApiUrl = (env.PUBLIC_API_URL ?? options.defaultApiUrl).replace(/\/$/, "");
  return {
    choice,
    stripe: {
      secretKey: env.STRIPE_SECRET_KEY ?? null,
      webhookSecrets: stripeSecrets,
      connectWebhookSecrets:
        env.STRIPE_CONNECT_WEBHOOK_SECRETS.length > 0
          ? env.STRIPE_CONNECT_WEBHOOK_SECRETS
          : [DEV_STRIPE_CONNECT_WEBHOOK_SECRET],
      apiBase: env.STRIPE_API_BASE ?? null,
    },
    connect: {
      country: env.CONNECT_ACCOUNT_COUNTRY,
      requestsPerSecond: env.PAYOUT_REQUESTS_PER_SECOND,
      maxAttempts: env.PAYOUT_MAX_ATTEMPTS,
    },
    settlement: { currencies: env.STRIPE_SETTLEMENT_CURRENCIES },
    simulator: { stripeRateLimit: env.SIM_STRIPE_RATE_LIMIT, exchangeRates: { ...SIM_USD_RATES } },
    calcom: {
      apiKey: env.CALCOM_API_KEY ?? null,
      apiUrl: env.CALCOM_API_URL.replace(/\/$/, ""),
      bookingBaseUrl: env.CALCOM_BOOKING_BASE_URL.replace(/\/$/, ""),
      webhookSecrets:
        calcomWebhookSecretsOf(env).length > 0
          ? calcomWebhookSecretsOf(env)
          : [DEV_CALCOM_WEBHOOK_SECRET],
    },
    bookingTokenSecret: env.BOOKING_TOKEN_SECRET ?? DEV_BOOKING_TOKEN_SECRET,
    bookingTokenTtlMinutes: env.BOOKING_TOKEN_TTL_MINUTES,
    paymentWindowMinutes: env.PAYMENT_WINDOW_MINUTES,
    webhookRetentionDays: env.WEBHOOK_RETENTION_DAYS,
    publicApiUrl,
    clientAppUrl: (env.CLIENT_APP_URL ?? publicApiUrl).replace(/\/$/, ""),
  };
}

/** CALCOM_WEBHOOK_SECRETS, then the single CALCOM_WEBHOOK_SECRET when it isn't already listed. */
function calcomWebhookSecretsOf(env: BillingEnv): string[] {
  const single = env.CALCOM_WEBHOOK_SECRET?.trim();
  return single && !env.CALCOM_WEBHOOK_SECRETS.includes(single)
    ? [...env.CALCOM_WEBHOOK_SECRETS, single]
    : env.CALCOM_WEBHOOK_SECRETS;
}
