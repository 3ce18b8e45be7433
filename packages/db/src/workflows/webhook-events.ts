import { err, ok, type Result } from "@an/domain";
import type { Executor } from "../client";
import { type Actor, writeAudit } from "../queries/audit";
import { requeueWebhookEvent, type WebhookEventRow } from "../queries/webhook-events";

/** Why a replay was refused: no such delivery, or its body is purged. */
export type WebhookReplayError = {
  code: "WEBHOOK_EVENT_NOT_FOUND" | "WEBHOOK_BODY_PURGED";
  ref: string;
};

/**
 * An admin's replay of a stored delivery, with the reason, audited
 * (`webhook_event.replay`): the delivery goes back to `received` and its processing is
 * queued again (see {@link requeueWebhookEvent}).
 */
export async function replayWebhookEvent(
  tx: Executor,
  params: {
    id: string;
    reason: string;
    actor: Actor & { kind: "user" };
    requestId?: string | null;
  },
): Promise<Result<WebhookEventRow, WebhookReplayError>> {
  const result = await requeueWebhookEvent(tx, { id: params.id, by: params.actor.userId });
  if (!result.ok) return err({ code: result.code, ref: params.id });
  await writeAudit(tx, {
    actor: params.actor,
    action: "webhook_event.replay",
    subjectType: "webhook_event",
    subjectId: params.id,
    before: { status: result.previousStatus },
    after: { status: result.event.status, reason: params.reason },
    requestId: params.requestId ?? null,
  });
  return ok(result.event);
}
