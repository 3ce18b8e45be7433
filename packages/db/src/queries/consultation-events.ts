import { and, eq, type SQL, sql } from "drizzle-orm";
import type { Actor, ConsultationEvent, ConsultationStatus } from "@an/domain";
import type { Executor } from "../client";
import { consultationEvents } from "../schema";
import type { EventOrigin } from "./consultations";

/** The consultation's applied timeline rows that also meet `conditions`. */
const applied = (consultationId: string, ...conditions: SQL[]) =>
  and(
    eq(consultationEvents.consultationId, consultationId),
    eq(consultationEvents.applied, true),
    ...conditions,
  );

/** Whether a chargeback for this Stripe dispute was applied to the consultation. */
export async function wasChargebackOpened(
  ex: Executor,
  params: { consultationId: string; disputeId: string },
): Promise<boolean> {
  const [row] = await ex
    .select({ id: consultationEvents.id })
    .from(consultationEvents)
    .where(
      applied(
        params.consultationId,
        eq(consultationEvents.type, "chargeback_opened"),
        sql`${consultationEvents.data}->>'disputeId' = ${params.disputeId}`,
      ),
    )
    .limit(1);
  return row !== undefined;
}

/** Whether the consultation's timeline has `eventId` applied. */
export async function wasEventApplied(
  ex: Executor,
  params: { consultationId: string; eventId: string },
): Promise<boolean> {
  const [row] = await ex
    .select({ id: consultationEvents.id })
    .from(consultationEvents)
    .where(applied(params.consultationId, eq(consultationEvents.eventId, params.eventId)));
  return row !== undefined;
}

/**
 * One timeline row: an event applied (`toStatus` set) or refused (`toStatus` null, with
 * the refusal's message as `reason`).
 */
export async function insertConsultationEvent(
  tx: Executor,
  input: {
    consultationId: string;
    /** A machine event, or `booked` / `purchased` (a booking's or a pass's first row). */
    event: { id: string; type: ConsultationEvent["type"] | "booked" | "purchased"; actor: Actor };
    origin: EventOrigin;
    fromStatus: ConsultationStatus | null;
    toStatus: ConsultationStatus | null;
    reason: string | null;
    data: Record<string, unknown> | null;
    at: Date;
  },
): Promise<void> {
  await tx.insert(consultationEvents).values({
    consultationId: input.consultationId,
    eventId: input.event.id,
    type: input.event.type,
    actor: input.event.actor,
    actorUserId: input.origin.actorUserId ?? null,
    source: input.origin.source,
    fromStatus: input.fromStatus,
    toStatus: input.toStatus,
    applied: input.toStatus !== null,
    reason: input.reason,
    data: input.data,
    at: input.at,
  });
}

/** When a timeline row's event happened at its provider (`data.occurredAt`), else when we applied it. */
const occurredAtOf = (row: { at: Date; data: unknown }): Date => {
  const recorded = (row.data as { occurredAt?: unknown } | null)?.occurredAt;
  const d = typeof recorded === "string" ? new Date(recorded) : null;
  return d && Number.isFinite(d.getTime()) ? d : row.at;
};

/**
 * The cancellation we applied while the consultation still awaited payment, with who
 * cancelled and when it happened at the provider; null if it wasn't cancelled unpaid.
 */
export async function findUnpaidCancellation(
  tx: Executor,
  params: { consultationId: string },
): Promise<{ eventId: string; actor: Actor; at: Date } | null> {
  const [row] = await tx
    .select({
      eventId: consultationEvents.eventId,
      actor: consultationEvents.actor,
      at: consultationEvents.at,
      data: consultationEvents.data,
    })
    .from(consultationEvents)
    .where(
      applied(
        params.consultationId,
        eq(consultationEvents.type, "cancelled"),
        eq(consultationEvents.fromStatus, "awaiting_payment"),
      ),
    )
    .limit(1);
  return row ? { eventId: row.eventId, actor: row.actor, at: occurredAtOf(row) } : null;
}

/** The id of the consultation's applied payment event, if it has one. */
export async function findAppliedPaymentEventId(
  tx: Executor,
  params: { consultationId: string },
): Promise<string | null> {
  const [payment] = await tx
    .select({ eventId: consultationEvents.eventId })
    .from(consultationEvents)
    .where(applied(params.consultationId, eq(consultationEvents.type, "payment_succeeded")))
    .limit(1);
  return payment?.eventId ?? null;
}
