import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createProviders, type Providers, resolveBillingConfig } from "@an/billing";
import { createDb, pgSimulatorRuntime, type SyncCustomer } from "@an/db";
import pg from "pg";
import type { Logger } from "pino";
import { createRequestHandler } from "./app";
import { createChatHub } from "./live/chat-hub";
import { createLiveChat } from "./live/chat-stream";
import { type AuthConfig, createTokenVerifier, DEV_TOKEN_ISSUER } from "./auth/tokens";
import type { ApiEnv } from "./env";
import { createRateLimiters } from "./rate-limit";
import { attachmentUrls } from "./uploads/attachment-urls";
import { type FileStorage, localDiskStorage, s3Storage } from "./uploads/storage";
import type { DevAuthConfig } from "./trpc/context";

export type ApiServer = {
  port: number;
  url: string;
  /** This instance's providers (development seeding of the demo plans uses them). */
  providers: Providers;
  close: () => Promise<void>;
};

function authConfig(env: ApiEnv): AuthConfig | null {
  const common = { issuer: env.AUTH_JWT_ISSUER, audience: env.AUTH_JWT_AUDIENCE };
  if (env.AUTH_JWKS_URL) return { kind: "jwks", jwksUrl: env.AUTH_JWKS_URL, ...common };
  if (env.AUTH_JWT_SECRET) return { kind: "secret", secret: env.AUTH_JWT_SECRET, ...common };
  return null;
}

/** S3 when a bucket is configured, else the local upload folder served by the API. */
function storageFor(env: ApiEnv): FileStorage {
  if (env.S3_BUCKET && env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY && env.S3_PUBLIC_BASE_URL) {
    return s3Storage({
      bucket: env.S3_BUCKET,
      region: env.S3_REGION,
      endpoint: env.S3_ENDPOINT,
      accessKeyId: env.S3_ACCESS_KEY_ID,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY,
      publicBaseUrl: env.S3_PUBLIC_BASE_URL,
    });
  }
  const base = env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`;
  return localDiskStorage(env.UPLOAD_DIR, `${base.replace(/\/$/, "")}/uploads`);
}

/**
 * Dev sign-in mints HS256 tokens with the configured secret, so it exists only outside
 * production and only when tokens are verified with that secret.
 */
export function devAuthConfig(env: ApiEnv): DevAuthConfig {
  if (env.NODE_ENV === "production" || env.AUTH_JWKS_URL || !env.AUTH_JWT_SECRET)
    return { enabled: false };
  return {
    enabled: true,
    secret: env.AUTH_JWT_SECRET,
    ttlSeconds: env.DEV_TOKEN_TTL_SECONDS,
    issuer: env.AUTH_JWT_ISSUER ?? DEV_TOKEN_ISSUER,
    audience: env.AUTH_JWT_AUDIENCE,
  };
}

/**
 * Builds and starts one API instance on `databaseUrl`. Instances share nothing but the
 * database, so any number can run side by side.
 */
export async function startApiServer(
  env: ApiEnv,
  databaseUrl: string,
  log: Logger,
  /** Tests replace providers (a scripted Stripe Billing) and the billing sync. */
  overrides: { providers?: Partial<Providers>; billingSync?: SyncCustomer } = {},
): Promise<ApiServer> {
  const handle = createDb(databaseUrl, {
    max: env.DATABASE_POOL_SIZE,
    applicationName: "advisor-network:api",
  });
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 4,
    application_name: "advisor-network:api-ratelimit",
  });
  // One LISTEN connection per process fans chat notices out to this process's streams.
  const hub = createChatHub({ connectionString: databaseUrl, log });
  const live = createLiveChat(hub, {
    backlogCap: env.CHAT_STREAM_BACKLOG_CAP,
    accessRecheckMs: env.CHAT_STREAM_ACCESS_RECHECK_MS,
    typingIntervalMs: env.CHAT_TYPING_INTERVAL_MS,
  });
  const auth = authConfig(env);
  // Refuses to start in production on simulated providers or development secrets.
  const billing = resolveBillingConfig(env, {
    production: env.NODE_ENV === "production",
    defaultApiUrl: `http://127.0.0.1:${env.PORT}`,
  });
  const providers: Providers = {
    ...createProviders(billing, pgSimulatorRuntime(handle.db)),
    ...overrides.providers,
  };
  const handler = createRequestHandler({
    db: handle.db,
    log,
    verifyToken: auth ? createTokenVerifier(auth) : null,
    rateLimiters: createRateLimiters(pool, {
      signIn: {
        points: env.RATE_LIMIT_SIGN_IN,
        durationSeconds: env.RATE_LIMIT_SIGN_IN_WINDOW_SECONDS,
      },
      mutation: {
        points: env.RATE_LIMIT_MUTATIONS,
        durationSeconds: env.RATE_LIMIT_MUTATIONS_WINDOW_SECONDS,
      },
      chatSend: {
        points: env.RATE_LIMIT_CHAT_SENDS,
        durationSeconds: env.RATE_LIMIT_CHAT_SENDS_WINDOW_SECONDS,
      },
      serviceMutation: {
        points: env.RATE_LIMIT_ASSISTANT_MUTATIONS,
        durationSeconds: env.RATE_LIMIT_ASSISTANT_MUTATIONS_WINDOW_SECONDS,
      },
    }),
    devAuth: devAuthConfig(env),
    limits: {
      maxBodyBytes: env.MAX_BODY_BYTES,
      maxBatchSize: env.MAX_BATCH_SIZE,
      maxAvatarBytes: env.AVATAR_MAX_BYTES,
      maxChatAttachmentBytes: env.CHAT_ATTACHMENT_MAX_BYTES,
    },
    storage: storageFor(env),
    attachmentUrls: attachmentUrls({
      secret: env.ATTACHMENT_URL_SECRET,
      ttlSeconds: env.ATTACHMENT_URL_TTL_SECONDS,
      // Read at each signing: with PORT=0 the origin is known only once listening.
      baseUrl: () => env.PUBLIC_BASE_URL ?? billing.publicApiUrl,
    }),
    trustProxy: env.TRUST_PROXY,
    billing,
    providers,
    ...(overrides.billingSync ? { billingSync: overrides.billingSync } : {}),
    live,
  });
  const server = createServer(handler).listen(env.PORT, env.HOST);
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const port = (server.address() as AddressInfo).port;
  // With PORT=0 (tests) the origin is known only now; nothing has used it yet.
  if (!env.PUBLIC_API_URL) billing.publicApiUrl = `http://127.0.0.1:${port}`;
  if (!env.CLIENT_APP_URL) billing.clientAppUrl = billing.publicApiUrl;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    providers,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Live streams never finish on their own: in-flight requests get a moment, then every
      // connection is cut (a stream's client resumes on another instance from lastEventId).
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([
        closed,
        new Promise<void>((resolve) => {
          grace = setTimeout(resolve, 2_000);
        }),
      ]);
      clearTimeout(grace);
      server.closeAllConnections();
      await closed;
      await Promise.all([handle.close(), pool.end(), hub.close()]);
    },
  };
}
