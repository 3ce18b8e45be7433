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
};

export type TaskHandler<N extends JobName> = (
  payload: JobPayload<N>,
  helpers: JobHelpers,
) => Promise<void>;
