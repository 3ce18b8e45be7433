import type { AppRouter } from "@an/api/router";
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
} from "@trpc/client";
import { EventSource } from "eventsource";
import { getLocale } from "./session";

/** The API's batch limit (MAX_BATCH_SIZE), as in lib/trpc.ts. */
const MAX_BATCH_ITEMS = 10;

/**
 * A browser tRPC client for the live chat, acting as `token()`'s user (read per request and
 * per (re)connect). Subscriptions go over SSE through the `eventsource` ponyfill, whose fetch
 * sends the token in the Authorization header: the browser's own EventSource can't send
 * headers, and a token in the URL would end up in logs and history. The stream's events
 * carry their `seq` as the event id, so the link's reconnects resume from the last one
 * received (`lastEventId`) with nothing lost or repeated; on a `resync` event the caller
 * refetches the history. Queries and mutations are batched over HTTP like `createApiClient`'s.
 */
export function createLiveClient(token: () => string | null): TRPCClient<AppRouter> {
  const headers = (): Record<string, string> => {
    const bearer = token();
    return {
      "X-Locale": getLocale(),
      ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}),
    };
  };
  // Absolute: the ponyfill resolves URLs on its own, and the console proxies /trpc to the API.
  const url = `${window.location.origin}/trpc`;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url,
          EventSource,
          eventSourceOptions: () => ({
            fetch: (input, init) =>
              fetch(input, { ...init, headers: { ...init.headers, ...headers() } }),
          }),
        }),
        false: httpBatchLink({ url, maxItems: MAX_BATCH_ITEMS, headers }),
      }),
    ],
  });
}
