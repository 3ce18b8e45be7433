import { billingEnvShape } from "@an/billing";
import { databaseEnvShape } from "@an/db/embedded";
import { z } from "zod";

const schema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  ...databaseEnvShape,
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Jobs run at once by this process. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(50).default(5),
  /** e.g. smtp://user:pass@smtp.example.com:587. Unset: messages stay in the outbox. */
  SMTP_URL: z.string().url().optional(),
  MAIL_FROM: z.string().default("Advisor Network <no-reply@advisor.network>"),
  /** How often this process records that it is alive. */
  WORKER_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(300).default(5),
  /** A process silent this long is dead: its jobs are released to the others. */
  WORKER_STALE_SECONDS: z.coerce.number().int().min(2).max(3600).default(30),
  /**
   * How long a member's oldest unread chat message waits before they get an email digest
   * (they may read it meanwhile, and then get none).
   */
  CHAT_DIGEST_DELAY_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
  /** The API's port, for the simulators' webhook deliveries when PUBLIC_API_URL is unset. */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  ...billingEnvShape,
});

export type WorkerEnv = z.infer<typeof schema>;

/** Parses the worker's environment, naming every bad variable at once. */
export function loadWorkerEnv(source: NodeJS.ProcessEnv = process.env): WorkerEnv {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) => `  - ${i.path.join(".") || "(env)"}: ${i.message}`,
    );
    throw new Error(`Invalid worker configuration:\n${lines.join("\n")}`);
  }
  if (parsed.data.NODE_ENV === "production" && !parsed.data.DATABASE_URL) {
    throw new Error("Invalid worker configuration:\n  - DATABASE_URL: required in production");
  }
  return parsed.data;
}
