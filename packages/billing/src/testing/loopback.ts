import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as it reached the loopback server, byte for byte. */
export type RecordedRequest = {
  method: string;
  /** The path without the query string, e.g. `/v1/checkout/sessions`. */
  path: string;
  query: URLSearchParams;
  /** Lower-cased names, as node parses them. */
  headers: IncomingHttpHeaders;
  rawBody: string;
};

/** The body parsed as `application/x-www-form-urlencoded` (Stripe's v1 request format). */
export function formOf(request: RecordedRequest): URLSearchParams {
  return new URLSearchParams(request.rawBody);
}

/** The body parsed as JSON (Cal.com's request format). */
export function jsonOf(request: RecordedRequest): unknown {
  return JSON.parse(request.rawBody) as unknown;
}

/** A single header value (the first one when repeated). */
export function headerOf(request: RecordedRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * What the server answers: a status with headers and a body (objects are sent as JSON), or
 * `{ destroy: true }` to drop the connection without answering (a network failure).
 */
export type ScriptedResponse =
  { status: number; headers?: Record<string, string>; body?: unknown } | { destroy: true };

export type LoopbackHandler = (
  request: RecordedRequest,
) => ScriptedResponse | Promise<ScriptedResponse>;

export type Loopback = {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  port: number;
  /** Every request received so far, in arrival order. */
  requests: RecordedRequest[];
  /** Queues one-shot responses, used in order before the handler. */
  enqueue(...responses: ScriptedResponse[]): void;
  /** Replaces the handler used once the queue is empty. */
  respond(handler: LoopbackHandler): void;
  /** Stops the server and drops open (keep-alive) connections. */
  close(): Promise<void>;
};

const unscripted: LoopbackHandler = (request) => ({
  status: 501,
  body: {
    error: { message: `loopback: no scripted response for ${request.method} ${request.path}` },
  },
});

/**
 * An HTTP server on 127.0.0.1 (random port) that records every request and replies with
 * scripted responses: the seam for contract tests that run the real Stripe SDK or our
 * Cal.com client against something local, with no interception of node's HTTP stack.
 */
export async function startLoopback(handler: LoopbackHandler = unscripted): Promise<Loopback> {
  const requests: RecordedRequest[] = [];
  const queue: ScriptedResponse[] = [];
  let current = handler;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://loopback");
      const recorded: RecordedRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        rawBody: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(recorded);
      const next = queue.shift();
      Promise.resolve(next ?? current(recorded))
        .then((response) => {
          if ("destroy" in response) {
            req.socket.destroy();
            return;
          }
          const isText = typeof response.body === "string";
          const body =
            response.body === undefined
              ? ""
              : isText
                ? response.body
                : JSON.stringify(response.body);
          res.writeHead(response.status, {
            "content-type": isText ? "text/plain" : "application/json",
            ...response.headers,
          });
          res.end(body);
        })
        .catch((error: unknown) => {
          res.writeHead(500, { "content-type": "text/plain" });
          res.end(`loopback handler failed: ${String(error)}`);
        });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    enqueue: (...responses) => queue.push(...responses),
    respond: (next) => {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
