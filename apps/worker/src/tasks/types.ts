import type {
  BillingConfig,
  PaymentPort,
  SchedulingPort,
  SubscriptionBillingPort,
} from "@an/billing";
import type { Db, JobName, JobPayload } from "@an/db";
import type { JobHelpers } from "graphile-worker";
import type { Transporter } from "nodemailer";
import type { Logger } from "pino";

/** What tasks need from the outside world, passed in so tests can give their own. */
export type WorkerDeps = {
  db: Db;
  log: Logger;
  /** Null when SMTP_URL is unset: messages stay in the outbox. */
  mailer: Transporter | null;
  mailFrom: string;
  /** The payment provider (Stripe or the simulator). */
  payments: PaymentPort;
  /** The scheduler (Cal.com or the simulated booking page). */
  scheduling: SchedulingPort;
  /** The platform's own subscriptions (Stripe Billing or the simulator). */
  subscriptions: SubscriptionBillingPort;
  billing: BillingConfig;
  /** How old a member's oldest unread chat message must be before a digest goes out. */
  chatDigestDelayMs: number;
  /** The clock; tests pass their own. */
  now: () => Date;
};

export type TaskHandler<N extends JobName> = (
  payload: JobPayload<N>,
  helpers: JobHelpers,
) => Promise<void>;
