import { getWebhookEvent, markWebhookEventProcessed } from "@an/db";
import type { WorkerDeps } from "../tasks/types";
import { planCalcomEvent } from "./calcom";
import { DeferProcessing, type Handler, type Outcome, type ProcessingContext } from "./outcome";
import { planStripeEvent } from "./stripe";
import { planStripeConnectEvent } from "./stripe-connect";

export type ProcessResult =
  | (Outcome & { kind: "done" })
  | { kind: "deferred"; reason: string; lastAttempt: boolean }
  | { kind: "failed"; reason: string }
  | { kind: "missing" };

/**
 * Processes one stored delivery, safe to run any number of times: provider calls first,
 * then one transaction that applies the consultation change (through the event service,
 * idempotent by domain event id) together with the delivery's verdict. An event about
 * something we don't know yet is marked `deferred` in its own transaction and reported as
 * such, so the caller throws and graphile-worker retries with backoff; on the last attempt
 * it is marked `failed` instead (an admin can replay it).
 */
export async function processWebhookDelivery(
  deps: WorkerDeps,
  input: { webhookEventId: string; lastAttempt: boolean },
): Promise<ProcessResult> {
  const { db } = deps;
  const row = await getWebhookEvent(db, { id: input.webhookEventId });
  if (!row) return { kind: "missing" };
  const fail = async (reason: string): Promise<ProcessResult> => {
    await markWebhookEventProcessed(db, { id: row.id, status: "failed", outcome: reason });
    return { kind: "failed", reason };
  };
  if (row.body === null) return fail("body purged: nothing left to process");
  let body: unknown;
  try {
    body = JSON.parse(row.body);
  } catch {
    return fail("body is not JSON");
  }
  const now = deps.now();
  const plan =
    row.provider === "stripe"
      ? await planStripeEvent(body, deps)
      : row.provider === "stripe_connect"
        ? await planStripeConnectEvent(body, deps)
        : planCalcomEvent(body, row.receivedAt);
  if (!plan.ok) return fail(`unreadable ${row.provider} event: ${plan.reason}`);

  const ctx: ProcessingContext = {
    deps,
    now,
    webhookEventId: row.id,
    source: `webhook:${row.provider}:${row.id}`,
  };
  const handler: Handler = plan.handler;
  try {
    const outcome = await db.transaction(async (tx) => {
      const result = await handler(tx, ctx);
      await markWebhookEventProcessed(tx, {
        id: row.id,
        status: result.status,
        outcome: result.outcome.slice(0, 2000),
        consultationId: result.consultationId ?? null,
        ...(result.details ? { details: result.details } : {}),
      });
      return result;
    });
    return { ...outcome, kind: "done" };
  } catch (error) {
    if (!(error instanceof DeferProcessing)) throw error;
    await markWebhookEventProcessed(db, {
      id: row.id,
      status: input.lastAttempt ? "failed" : "deferred",
      outcome: input.lastAttempt
        ? `gave up waiting: ${error.message}`.slice(0, 2000)
        : `deferred: ${error.message}`.slice(0, 2000),
      consultationId: error.consultationId,
    });
    return { kind: "deferred", reason: error.message, lastAttempt: input.lastAttempt };
  }
}
