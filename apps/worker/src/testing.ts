import { type BillingConfig, parseBillingEnv, resolveBillingConfig } from "@an/billing";
import { fakeSubscriptions } from "@an/billing/testing";
import type { Db } from "@an/db";
import pino from "pino";
import { buildWorkerDeps } from "./deps";
import type { WorkerDeps } from "./tasks/types";

/** Billing configuration for tests: simulated providers, development secrets. */
export function testBillingConfig(
  overrides: Partial<BillingConfig> = {},
  env: Record<string, string | undefined> = {},
): BillingConfig {
  return {
    ...resolveBillingConfig(parseBillingEnv(env), {
      production: false,
      defaultApiUrl: "http://127.0.0.1:9",
    }),
    ...overrides,
  };
}

/**
 * Worker dependencies on a test database, simulated providers unless given; Stripe
 * Billing is a scripted fake whose state the test sets (`fakeSubscriptions`).
 */
export function testWorkerDeps(
  db: Db,
  overrides: Partial<Parameters<typeof buildWorkerDeps>[0]> = {},
): WorkerDeps {
  return buildWorkerDeps({
    db,
    log: pino({ level: "silent" }),
    billing: testBillingConfig(),
    subscriptions: fakeSubscriptions(),
    ...overrides,
  });
}
