import {
  type BillingConfig,
  createSimulatedPayments,
  createSimulatedScheduling,
  createSimulatedSubscriptions,
  type Providers,
  type SimulatorRuntime,
} from "@an/billing";
import { type Db, pgSimulatorRuntime } from "@an/db";
import express, { Router } from "express";
import type { Logger } from "pino";
import { billingPages } from "./billing-pages";
import { bookingPages } from "./booking-pages";
import { checkoutPages } from "./checkout-pages";
import { connectPages } from "./connect-pages";

export type SimulatorRouteDeps = {
  db: Db;
  log: Logger;
  billing: BillingConfig;
  providers: Providers;
  now: () => Date;
};

/**
 * The simulators' state in PostgreSQL and their webhooks delivered through the job queue,
 * exactly as the worker builds them: a page action here and a refund in the worker change
 * the same simulated Stripe.
 */
export function simulatorRuntime(deps: Pick<SimulatorRouteDeps, "db" | "now">): SimulatorRuntime {
  return { ...pgSimulatorRuntime(deps.db), now: deps.now };
}

/**
 * The simulated checkout, Connect onboarding and booking pages (development only): server-rendered HTML with
 * plain forms. Only the simulated providers get pages, and never in production, whatever
 * the billing configuration says.
 */
export function simulatorRoutes(deps: SimulatorRouteDeps): Router {
  // `resolveBillingConfig` already refuses simulators in production; this is the second
  // lock, independent of how the configuration was built.
  if (process.env.NODE_ENV === "production") {
    throw new Error("The payment and booking simulators must never be mounted in production.");
  }
  const router = Router();
  const runtime = simulatorRuntime(deps);
  // Form bodies on these routes only; the rest of the API takes JSON (and webhooks raw bytes).
  const form = express.urlencoded({ extended: false, limit: "16kb", parameterLimit: 50 });
  if (deps.billing.choice.scheduling === "simulated") {
    router.use(
      bookingPages({
        db: deps.db,
        scheduling: createSimulatedScheduling(deps.billing, runtime),
        now: deps.now,
        form,
      }),
    );
  }
  if (deps.billing.choice.payments === "simulated") {
    const payments = createSimulatedPayments(deps.billing, runtime);
    router.use(checkoutPages({ payments, form }));
    router.use(connectPages({ payments, form }));
    router.use(
      billingPages({ subscriptions: createSimulatedSubscriptions(deps.billing, runtime), form }),
    );
  }
  return router;
}
