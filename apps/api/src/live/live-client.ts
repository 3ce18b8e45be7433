import {
  createTRPCClient,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
} from "@trpc/client";
import { EventSource } from "eventsource";
import type { AppRouter } from "../trpc/router";

/**
 * A tRPC client as a browser or the assistant runs one against the live chat: subscriptions
 * over SSE through an EventSource ponyfill whose fetch sends the token in the Authorization
 * header (never in the URL). `origin` is asked on every (re)connect of a stream, so a test
 * or a benchmark can play the load balancer and send a reconnect to another instance;
 * queries and mutations go to the origin the client was made with.
 */
export function liveChatClient(opts: {
  origin: () => string;
  token: () => string;
}): TRPCClient<AppRouter> {
  const rewrite = (url: string | URL) => {
    const target = new URL(String(url));
    const origin = new URL(opts.origin());
    target.protocol = origin.protocol;
    target.host = origin.host;
    return target;
  };
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url: () => `${opts.origin()}/trpc`,
          EventSource,
          eventSourceOptions: () => ({
            fetch: (url, init) =>
              fetch(rewrite(url), {
                ...init,
                headers: { ...init.headers, authorization: `Bearer ${opts.token()}` },
              }),
          }),
        }),
        false: httpLink({
          url: `${opts.origin()}/trpc`,
          headers: () => ({ authorization: `Bearer ${opts.token()}` }),
        }),
      }),
    ],
  });
}
