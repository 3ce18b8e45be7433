import type { BillingConfig } from "@an/billing";
import { createWebhookIngestBatcher, type Db, isDataException } from "@an/db";
import type { IncomingMessage, ServerResponse } from "node:http";
import zlib from "node:zlib";
import express, { type NextFunction, type Request, type Response, Router } from "express";
import type { Logger } from "pino";
import { requestIdOf } from "../http/request-id";
import {
  type DeliveryOutcome,
  type DeliveryRefusal,
  parseCalcomDelivery,
  parseStripeDelivery,
} from "./deliveries";

export type WebhookRouteDeps = { db: Db; log: Logger; billing: BillingConfig; now: () => Date };

const PATHS = {
  stripe: "/webhooks/stripe",
  stripe_connect: "/webhooks/stripe/connect",
  calcom: "/webhooks/calcom",
} as const;
type Provider = keyof typeof PATHS;

/** Larger than any Stripe event or Cal.com booking payload; the rest is someone else's. */
const MAX_BODY = "1mb";
/** MAX_BODY in bytes, as body-parser reads it. */
const MAX_BODY_BYTES = 1024 * 1024;

/** What a delivery is answered: a status and a JSON body. */
type Answer = { status: number; body: unknown };

/** The parts of a request the webhook handling reads, from Express or plain Node alike. */
type Delivery = {
  body: Buffer;
  header: (name: string) => string | undefined;
  log: Logger;
  requestId: string;
};

export type WebhookIngest = {
  /** The routes on the Express app: every request the fast path leaves. */
  routes: Router;
  /**
   * Answers a plain-JSON webhook POST (no Content-Encoding, a Content-Length within the
   * limit, an exact route path) straight from Node's HTTP server, before Express: Express's
   * own per-request work was more than a third of the API's CPU per delivery under load
   * (bench/webhooks.ts). False when it leaves the request to Express, having read
   * nothing; those requests get the very same handling there.
   */
  fastPath: (req: IncomingMessage, res: ServerResponse) => boolean;
};

/**
 * `POST /webhooks/stripe`, `POST /webhooks/stripe/connect` and `POST /webhooks/calcom`. The body is read raw on these
 * paths only (whatever its Content-Type), the signature checked on those exact bytes,
 * then the delivery is stored and its processing queued in one statement and answered
 * 200 at once: providers retry slow or failed answers, and Cal.com mostly doesn't retry
 * at all. Refusals are 400 with a reason and store nothing. Never 410 (Cal.com disables
 * the webhook on it), never a redirect.
 */
export function webhookIngest(deps: WebhookRouteDeps): WebhookIngest {
  const route = Router();
  const raw = express.raw({ type: () => true, limit: MAX_BODY });
  // Group commit: under load many deliveries share one transaction (see the batcher).
  // One batcher for both ways in, so they share its batches.
  const batcher = createWebhookIngestBatcher(deps.db);

  const parsers: Record<Provider, (d: Delivery) => DeliveryOutcome> = {
    stripe: (d) =>
      parseStripeDelivery(
        d.body,
        d.header("stripe-signature"),
        deps.billing.stripe.webhookSecrets,
        deps.now(),
      ),
    // The Connect endpoint (`account.updated`, `payout.*` of connected accounts) has its
    // own secrets: a body signed with the platform endpoint's secret is refused here, and
    // the other way round, so neither endpoint's events can be passed off as the other's.
    stripe_connect: (d) =>
      parseStripeDelivery(
        d.body,
        d.header("stripe-signature"),
        deps.billing.stripe.connectWebhookSecrets,
        deps.now(),
        "stripe_connect",
      ),
    calcom: (d) =>
      parseCalcomDelivery(
        d.body,
        d.header("x-cal-signature-256"),
        deps.billing.calcom.webhookSecrets,
      ),
  };

  /** The answer to one delivery; throws only for what isn't the sender's doing (a 500). */
  async function accept(provider: Provider, d: Delivery): Promise<Answer> {
    const outcome = parsers[provider](d);
    if (!outcome.ok) return refuse(d, provider, outcome);
    if ("ping" in outcome) {
      d.log.info({ provider, type: "PING" }, "webhook ping answered");
      return { status: 200, body: { received: true, duplicate: false } };
    }
    let result;
    try {
      result = await batcher.ingest(outcome.event);
    } catch (error) {
      // The database refused this delivery's own values (the batcher isolates a failing
      // row, so this is about this delivery alone): sending it again can't help.
      if (!isDataException(error)) throw error;
      d.log.warn({ provider, err: error }, "webhook refused: the database can't store it");
      return refuse(d, provider, {
        ok: false,
        code: "WEBHOOK_BODY_INVALID",
        message: "The delivery holds values that can't be stored; it is refused.",
      });
    }
    d.log.info(
      {
        provider,
        type: outcome.event.eventType,
        duplicate: result.duplicate,
        webhookEventId: result.id,
      },
      "webhook received",
    );
    return { status: 200, body: { received: true, duplicate: result.duplicate } };
  }

  for (const provider of Object.keys(PATHS) as Provider[]) {
    route.post(PATHS[provider], raw, async (req: Request, res: Response) => {
      const answer = await accept(provider, {
        body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
        header: (name) => req.header(name),
        log: req.log,
        requestId: res.locals.requestId as string,
      });
      res.status(answer.status).json(answer.body);
    });
  }

  // Errors from reading the body (too large, aborted, not in its Content-Encoding, an
  // unknown encoding): a JSON 4xx with the reason, like every other refusal. Anything
  // else goes on to the app's 500.
  route.use(
    Object.values(PATHS),
    (error: unknown, req: Request, res: Response, next: NextFunction) => {
      const refusal = bodyReadRefusal(error, req.header("content-encoding"));
      if (!refusal) return next(error);
      req.log.warn({ reason: refusal.message }, "webhook refused: unreadable body");
      res.status(refusal.status).json({
        error: {
          code: refusal.code,
          message: refusal.message,
          requestId: res.locals.requestId as string,
        },
      });
    },
  );

  const byPath = new Map<string, Provider>(
    (Object.keys(PATHS) as Provider[]).map((provider) => [PATHS[provider], provider]),
  );
  const fastPath = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== "POST") return false;
    const url = req.url ?? "";
    const query = url.indexOf("?");
    const provider = byPath.get(query === -1 ? url : url.slice(0, query));
    if (!provider) return false;
    // Anything but a plain, announced, small enough body goes the way that can decode,
    // refuse and explain it (body-parser's, on the Express route).
    const encoding = req.headers["content-encoding"];
    if (encoding !== undefined && encoding.trim().toLowerCase() !== "identity") return false;
    const length = req.headers["content-length"];
    if (length === undefined || !/^\d{1,7}$/.test(length) || Number(length) > MAX_BODY_BYTES) {
      return false;
    }
    const requestId = requestIdOf(req);
    res.setHeader("X-Request-Id", requestId);
    const log = deps.log.child({ requestId });
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    // A sender that goes away mid-body can't be answered; there's nothing to store.
    req.on("error", () => res.destroy());
    req.on("end", () => {
      const d: Delivery = {
        body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks),
        header: (name) => {
          const value = req.headers[name];
          return Array.isArray(value) ? value.join(", ") : value;
        },
        log,
        requestId,
      };
      accept(provider, d).then(
        (answer) => sendJson(res, answer),
        (error: unknown) => {
          // As the app's error handler answers the same failure on the Express route.
          log.error({ err: error }, "unhandled error");
          sendJson(res, { status: 500, body: { error: { code: "INTERNAL", requestId } } });
        },
      );
    });
    return true;
  };

  return { routes: route, fastPath };
}

function sendJson(res: ServerResponse, answer: Answer) {
  if (res.headersSent || res.destroyed) return;
  const json = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(json),
  });
  res.end(json);
}

function refuse(d: Delivery, provider: Provider, refusal: DeliveryRefusal): Answer {
  // The reason helps whoever set up the endpoint; it never includes a secret.
  d.log.warn({ provider, code: refusal.code, reason: refusal.message }, "webhook refused");
  return {
    status: 400,
    body: { error: { code: refusal.code, message: refusal.message, requestId: d.requestId } },
  };
}

/** What body-parser can undo: `identity`, and these (zstd where this Node has it). */
const SUPPORTED_ENCODINGS = [
  "gzip",
  "deflate",
  "br",
  ...("createZstdDecompress" in zlib ? ["zstd"] : []),
];

/**
 * The answer to an error body-parser raised while reading a webhook body, or null when
 * the error isn't one (it goes on to the app's 500). body-parser marks its own errors with
 * a `type`; a body that isn't in its declared Content-Encoding surfaces as zlib's error
 * with a 4xx status and no type.
 */
function bodyReadRefusal(
  error: unknown,
  contentEncoding: string | undefined,
): { status: number; code: string; message: string } | null {
  if (typeof error !== "object" || error === null) return null;
  const { type, status, message } = error as {
    type?: unknown;
    status?: unknown;
    message?: unknown;
  };
  if (typeof status !== "number" || status < 400 || status > 499) return null;
  // Echoed in the answer, so kept short: the header is the sender's, any length.
  const encoding = (contentEncoding ?? "identity").trim().toLowerCase().slice(0, 64);
  if (type === "entity.too.large") {
    return {
      status: 413,
      code: "WEBHOOK_BODY_TOO_LARGE",
      message: `The body is larger than ${MAX_BODY}.`,
    };
  }
  if (type === "encoding.unsupported") {
    return {
      status: 415,
      code: "WEBHOOK_BODY_ENCODING_UNSUPPORTED",
      message: `Content-Encoding "${encoding}" is not supported; send the body as is (identity) or as ${SUPPORTED_ENCODINGS.join(", ")}.`,
    };
  }
  if (typeof type === "string") {
    return {
      status: 400,
      code: "WEBHOOK_BODY_UNREADABLE",
      message: `The body could not be read (${type}).`,
    };
  }
  const detail = typeof message === "string" && message ? `: ${message}` : "";
  return {
    status: 400,
    code: "WEBHOOK_BODY_UNREADABLE",
    message:
      encoding === "identity"
        ? `The body could not be read${detail}.`
        : `Content-Encoding is ${encoding}, but the body is not valid ${encoding} data${detail}.`,
  };
}
