import type { BillingConfig } from "@an/billing";
import { createWebhookIngestBatcher, type Db } from "@an/db";
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
      const result = await batcher.ingest(outcome.event);
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
        deps.billing.calcom.webhookSecret,
      ),
    ),
  );

  // Errors from reading the body (too large, aborted, unknown encoding): a JSON 4xx with
  // the reason, like every other refusal. Anything else goes on to the app's 500.
  route.use(
    Object.values(PATHS),
    (error: unknown, req: Request, res: Response, next: NextFunction) => {
      const type = bodyErrorType(error);
      if (!type) return next(error);
      const tooLarge = type === "entity.too.large";
      req.log.warn({ reason: type }, "webhook refused: unreadable body");
      res.status(tooLarge ? 413 : 400).json({
        error: {
          code: tooLarge ? "WEBHOOK_BODY_TOO_LARGE" : "WEBHOOK_BODY_UNREADABLE",
          message: tooLarge
            ? `The body is larger than ${MAX_BODY}.`
            : `The body could not be read (${type}).`,
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

/** body-parser's error `type` (`entity.too.large`, `request.aborted`, …), if it is one. */
function bodyErrorType(error: unknown): string | null {
  if (typeof error !== "object" || error === null || !("type" in error)) return null;
  const { type } = error;
  return typeof type === "string" && "status" in error ? type : null;
}
