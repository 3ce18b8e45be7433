export { createApp, type AppDeps } from "./app";
export { startApiServer, devAuthConfig, type ApiServer } from "./server";
export { loadApiEnv, DEV_JWT_SECRET, type ApiEnv } from "./env";
export { createLogger } from "./logger";
export { appRouter, createCaller, type AppRouter } from "./trpc/router";
export { createContextInner } from "./trpc/context";
export { signDevToken } from "./auth/tokens";
