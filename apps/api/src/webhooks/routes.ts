import type { BillingConfig } from "@an/billing";
import { createWebhookIngestBatcher, type Db, isDataException } from "@an/db";
import zlib from "node:zlib";
import express, { type NextFunction, type Request, type Response, Router } from "express";
import type { Logger } from "pino";
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

/**
 * `POST /webhooks/stripe`, `POST /webhooks/stripe/connect` and `POST /webhooks/calcom`. The body is read raw on these
 * paths only (whatever its Content-Type), the signature checked on those exact bytes,
 * then the delivery is stored and its processing queued in one statement and answered
 * 200 at once: providers retry slow or failed answers, and Cal.com mostly doesn't retry
 * at all. Refusals are 400 with a reason and store nothing. Never 410 (Cal.com disables
 * the webhook on it), never a redirect.
 */
export function webhookRoutes(deps: WebhookRouteDeps): Router {
  const route = Router();
  const raw = express.raw({ type: () => true, limit: MAX_BODY });
  // Group commit: under load many deliveries share one transaction (see the batcher).
  const batcher = createWebhookIngestBatcher(deps.db);

  const handle =
    (provider: Provider, parse: (body: Buffer, req: Request) => DeliveryOutcome) =>
    async (req: Request, res: Response) => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const outcome = parse(body, req);
      if (!outcome.ok) return refuse(req, res, provider, outcome);
      if ("ping" in outcome) {
        req.log.info({ provider, type: "PING" }, "webhook ping answered");
        return res.status(200).json({ received: true, duplicate: false });
      }
      let result;
      try {
        result = await batcher.ingest(outcome.event);
      } catch (error) {
        // The database refused this delivery's own values (the batcher isolates a failing
        // row, so this is about this delivery alone): sending it again can't help.
        if (!isDataException(error)) throw error;
        req.log.warn({ provider, err: error }, "webhook refused: the database can't store it");
        return refuse(req, res, provider, {
          ok: false,
          code: "WEBHOOK_BODY_INVALID",
          message: "The delivery holds values that can't be stored; it is refused.",
        });
      }
      req.log.info(
        {
          provider,
          type: outcome.event.eventType,
          duplicate: result.duplicate,
          webhookEventId: result.id,
        },
        "webhook received",
      );
      res.status(200).json({ received: true, duplicate: result.duplicate });
    };

  route.post(
    PATHS.stripe,
    raw,
    handle("stripe", (body, req) =>
      parseStripeDelivery(
        body,
        req.header("stripe-signature"),
        deps.billing.stripe.webhookSecrets,
        deps.now(),
      ),
    ),
  );
  // The Connect endpoint (`account.updated`, `payout.*` of connected accounts) has its own
  // secrets: a body signed with the platform endpoint's secret is refused here, and the
  // other way round, so neither endpoint's events can be passed off as the other's.
  route.post(
    PATHS.stripe_connect,
    raw,
    handle("stripe_connect", (body, req) =>
      parseStripeDelivery(
        body,
        req.header("stripe-signature"),
        deps.billing.stripe.connectWebhookSecrets,
        deps.now(),
        "stripe_connect",
      ),
    ),
  );
  route.post(
    PATHS.calcom,
    raw,
    handle("calcom", (body, req) =>
      parseCalcomDelivery(
        body,
        req.header("x-cal-signature-256"),
        deps.billing.calcom.webhookSecrets,
      ),
    ),
  );

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
  return route;
}

function refuse(req: Request, res: Response, provider: Provider, refusal: DeliveryRefusal) {
  // The reason helps whoever set up the endpoint; it never includes a secret.
  req.log.warn({ provider, code: refusal.code, reason: refusal.message }, "webhook refused");
  res.status(400).json({
    error: {
      code: refusal.code,
      message: refusal.message,
      requestId: res.locals.requestId as string,
    },
  });
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
