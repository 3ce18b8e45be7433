import type { BillingConfig, Providers } from "@an/billing";
import type { Db } from "@an/db";
import { Router } from "express";
import type { Logger } from "pino";

export type SimulatorRouteDeps = {
  db: Db;
  log: Logger;
  billing: BillingConfig;
  providers: Providers;
  now: () => Date;
};

/** The simulated checkout and booking pages (development only). */
export function simulatorRoutes(deps: SimulatorRouteDeps): Router {
  void deps;
  return Router();
}
