import type { AppRouter } from "@an/api/router";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { getLocale, getToken } from "./session";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** The API's batch limit (MAX_BATCH_SIZE); a bigger batch would be refused whole. */
const MAX_BATCH_ITEMS = 10;

/**
 * A tRPC client of the API. Every request carries the bearer token `token()` returns (by
 * default the operator's stored one) and the picked locale, read per request so signing in or
 * switching language applies at once. The sandbox passes its demo client's token instead.
 */
export function createApiClient(token: () => string | null = getToken) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: "/trpc",
        maxItems: MAX_BATCH_ITEMS,
        headers() {
          const bearer = token();
          return {
            "X-Locale": getLocale(),
            ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}),
          };
        },
      }),
    ],
  });
}

/** What the console shows about a failed call. */
export type ApiFailure = {
  /** Already in the caller's language when the API produced it. */
  message: string;
  /** The API's heading for what happened (a conflict, input to fix), in the same language. */
  title: string | null;
  requestId: string | null;
  httpStatus: number | null;
  appCode: string | null;
};

/** Reads the API's error shape (`data.appCode`, `data.requestId`) off any thrown value. */
export function describeError(error: unknown): ApiFailure {
  if (error instanceof TRPCClientError) {
    const typed = error as TRPCClientError<AppRouter>;
    const data = typed.data;
    return {
      message: typed.message,
      title: data?.title ?? null,
      requestId: data?.requestId ?? null,
      httpStatus: data?.httpStatus ?? null,
      appCode: data?.appCode ?? null,
    };
  }
  return {
    message: error instanceof Error ? error.message : String(error),
    title: null,
    requestId: null,
    httpStatus: null,
    appCode: null,
  };
}

/** True for a 401: the token is missing, expired or no longer accepted. */
export function isUnauthorized(error: unknown): boolean {
  return describeError(error).httpStatus === 401;
}
