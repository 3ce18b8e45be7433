import { billingEnvShape } from "@an/billing";
import { databaseEnvShape } from "@an/db/embedded";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { DEV_ATTACHMENT_URL_SECRET } from "./uploads/attachment-urls";

/** `<repo>/.data/uploads`, git-ignored, for development. */
const DEFAULT_UPLOAD_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "..",
  ".data",
  "uploads",
);

/** Development default for AUTH_JWT_SECRET; production refuses to start with it. */
export const DEV_JWT_SECRET = "dev-only-secret-change-me-in-production-0123456789";

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().default("0.0.0.0"),
    ...databaseEnvShape,
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
    LOG_LEVEL: z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
      .default("info"),
    /** HS256 shared secret of the identity provider (or of dev sign-in). */
    AUTH_JWT_SECRET: z
      .string()
      .min(32, "AUTH_JWT_SECRET must be at least 32 characters")
      .optional(),
    /** JWKS endpoint of the identity provider (Auth0, Supabase, …); wins over the secret. */
    AUTH_JWKS_URL: z.string().url().optional(),
    AUTH_JWT_ISSUER: z.string().optional(),
    AUTH_JWT_AUDIENCE: z.string().optional(),
    /** Dev sign-in token lifetime, seconds. */
    DEV_TOKEN_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .max(7 * 24 * 3600)
      .default(12 * 3600),
    /** Largest accepted JSON body. */
    MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(50 * 1024 * 1024)
      .default(1024 * 1024),
    /** Largest avatar upload. */
    AVATAR_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(20 * 1024 * 1024)
      .default(2 * 1024 * 1024),
    /** Largest chat attachment (each; a message carries at most 5). */
    CHAT_ATTACHMENT_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(50 * 1024 * 1024)
      .default(10 * 1024 * 1024),
    /** Signs chat attachment download links (HMAC-SHA256); production needs its own. */
    ATTACHMENT_URL_SECRET: z
      .string()
      .min(32, "ATTACHMENT_URL_SECRET must be at least 32 characters")
      .optional(),
    /** How long a signed chat attachment link works, seconds. */
    ATTACHMENT_URL_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(60)
      .max(7 * 24 * 3600)
      .default(3600),
    /** Where uploads go without S3: a folder the API serves at /uploads. */
    UPLOAD_DIR: z.string().default(DEFAULT_UPLOAD_DIR),
    /** The API's public origin, for upload URLs. */
    PUBLIC_BASE_URL: z.string().url().optional(),
    /** S3-compatible storage for uploads; all of bucket, region and keys, or none. */
    S3_BUCKET: z.string().optional(),
    S3_REGION: z.string().default("auto"),
    S3_ENDPOINT: z.string().url().optional(),
    S3_ACCESS_KEY_ID: z.string().optional(),
    S3_SECRET_ACCESS_KEY: z.string().optional(),
    S3_PUBLIC_BASE_URL: z.string().url().optional(),
    /** Most calls in one tRPC batch. */
    MAX_BATCH_SIZE: z.coerce.number().int().min(1).max(100).default(10),
    /** Mutations per user (or IP when signed out) per window. */
    RATE_LIMIT_MUTATIONS: z.coerce.number().int().min(1).default(60),
    RATE_LIMIT_MUTATIONS_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
    /** Chat messages per author per window (every API instance shares the count). */
    RATE_LIMIT_CHAT_SENDS: z.coerce.number().int().min(1).default(30),
    RATE_LIMIT_CHAT_SENDS_WINDOW_SECONDS: z.coerce.number().int().min(1).default(10),
    /** Mutations per service credential (the assistant's API key) per window. */
    RATE_LIMIT_ASSISTANT_MUTATIONS: z.coerce.number().int().min(1).default(600),
    RATE_LIMIT_ASSISTANT_MUTATIONS_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
    /** Sign-in attempts per IP per window. */
    RATE_LIMIT_SIGN_IN: z.coerce.number().int().min(1).default(10),
    RATE_LIMIT_SIGN_IN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
    /** Express "trust proxy" setting, so rate limits key on the real client IP behind a proxy. */
    TRUST_PROXY: z.string().default("loopback"),
    /** Live chat: missed messages past which a reconnecting stream gets `resync` instead. */
    CHAT_STREAM_BACKLOG_CAP: z.coerce.number().int().min(1).max(10_000).default(500),
    /**
     * Live chat: the safety-net interval at which a stream re-reads its member's access, ms.
     * Revocations, suspensions and engagement changes are announced and expiries scheduled,
     * so this only bounds how long a change made outside the workflows goes unseen.
     */
    CHAT_STREAM_ACCESS_RECHECK_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
    /** Live chat: least time between two typing notices of one member in one conversation, ms. */
    CHAT_TYPING_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
    ...billingEnvShape,
  })
  .superRefine((env, ctx) => {
    if (
      env.S3_BUCKET &&
      !(env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY && env.S3_PUBLIC_BASE_URL)
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["S3_BUCKET"],
        message:
          "S3 storage needs S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY and S3_PUBLIC_BASE_URL too",
      });
    }
    if (env.NODE_ENV !== "production") return;
    if (!env.DATABASE_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["DATABASE_URL"],
        message: "DATABASE_URL is required in production",
      });
    }
    if (!env.AUTH_JWKS_URL && (!env.AUTH_JWT_SECRET || env.AUTH_JWT_SECRET === DEV_JWT_SECRET)) {
      ctx.addIssue({
        code: "custom",
        path: ["AUTH_JWT_SECRET"],
        message:
          "production needs AUTH_JWKS_URL or a real AUTH_JWT_SECRET (not the development default)",
      });
    }
    if (!env.ATTACHMENT_URL_SECRET || env.ATTACHMENT_URL_SECRET === DEV_ATTACHMENT_URL_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["ATTACHMENT_URL_SECRET"],
        message: "production needs a real ATTACHMENT_URL_SECRET (not the development default)",
      });
    }
  });

export type ApiEnv = z.infer<typeof schema> & {
  AUTH_JWT_SECRET: string | undefined;
  ATTACHMENT_URL_SECRET: string;
};

/**
 * Parses the API's environment. Throws one readable error listing every bad variable, so
 * a misconfigured deployment fails at start, not on the first request.
 */
export function loadApiEnv(source: NodeJS.ProcessEnv = process.env): ApiEnv {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(
      (i) => `  - ${i.path.join(".") || "(env)"}: ${i.message}`,
    );
    throw new Error(`Invalid API configuration:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  // Development without an identity provider signs its own tokens with the documented default.
  const secret =
    env.AUTH_JWT_SECRET ??
    (env.NODE_ENV === "production" || env.AUTH_JWKS_URL ? undefined : DEV_JWT_SECRET);
  return {
    ...env,
    AUTH_JWT_SECRET: secret,
    // Production has its own (checked above); elsewhere the documented default signs links.
    ATTACHMENT_URL_SECRET: env.ATTACHMENT_URL_SECRET ?? DEV_ATTACHMENT_URL_SECRET,
  };
}
