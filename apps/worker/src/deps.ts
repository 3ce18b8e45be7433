import {
  type BillingConfig,
  createProviders,
  type PaymentPort,
  type SchedulingPort,
  type SubscriptionBillingPort,
} from "@an/billing";
import { type Db, pgSimulatorRuntime } from "@an/db";
import { DEFAULT_CHAT_DIGEST_DELAY_MS } from "@an/domain";
import type { Transporter } from "nodemailer";
import type { Logger } from "pino";
import type { WorkerDeps } from "./tasks/types";

/**
 * Builds the worker's dependencies. The simulated providers keep their state in
 * PostgreSQL and deliver their webhooks through a job, like the real ones do over HTTP.
 */
export function buildWorkerDeps(input: {
  db: Db;
  log: Logger;
  billing: BillingConfig;
  mailer?: Transporter | null;
  mailFrom?: string;
  now?: () => Date;
  /** Defaults to the domain's five minutes. */
  chatDigestDelayMs?: number;
  /** Tests may swap in their own provider (e.g. the real adapter against a loopback server). */
  payments?: PaymentPort;
  scheduling?: SchedulingPort;
  subscriptions?: SubscriptionBillingPort;
}): WorkerDeps {
  const now = input.now ?? (() => new Date());
  const providers = createProviders(input.billing, {
    ...pgSimulatorRuntime(input.db),
    now,
  });
  return {
    db: input.db,
    log: input.log,
    mailer: input.mailer ?? null,
    mailFrom: input.mailFrom ?? "Advisor Network <no-reply@advisor.network>",
    payments: input.payments ?? providers.payments,
    scheduling: input.scheduling ?? providers.scheduling,
    subscriptions: input.subscriptions ?? providers.subscriptions,
    billing: input.billing,
    chatDigestDelayMs: input.chatDigestDelayMs ?? DEFAULT_CHAT_DIGEST_DELAY_MS,
    now,
  };
}
