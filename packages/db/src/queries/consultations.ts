import { and, eq, sql } from "drizzle-orm";
import type {
  Actor,
  Consultation,
  ConsultationEvent,
  ConsultationStatus,
  CurrencyCode,
  TimerName,
} from "@an/domain";
import type { Executor } from "../client";
import { bookingUidAliases, consultationEvents, consultations } from "../schema";

export type ConsultationRow = typeof consultations.$inferSelect;

/** Where an event came from and why, for the timeline. */
export type EventOrigin = {
  /** e.g. `webhook:stripe:<webhook event id>`, `procedure:consultations.cancel`, `timer:scheduled_end`. */
  source: string;
  actorUserId?: string | null;
  reason?: string | null;
  data?: Record<string, unknown> | null;
};

/** The graphile-worker job key of a consultation's timer: rescheduling replaces it. */
export const timerJobKey = (consultationId: string, timer: TimerName) =>
  `consultation:${consultationId}:${timer}`;

/** Removes a consultation's pending timer job, if any. */
export async function removeTimerJob(
  tx: Executor,
  params: { consultationId: string; timer: TimerName },
): Promise<void> {
  await tx.execute(
    sql`select graphile_worker.remove_job(${timerJobKey(params.consultationId, params.timer)})`,
  );
}

/** Locks the consultation row for the rest of the transaction (events apply one at a time). */
export async function lockConsultation(
  tx: Executor,
  params: { id: string },
): Promise<ConsultationRow | null> {
  const [row] = await tx
    .select()
    .from(consultations)
    .where(eq(consultations.id, params.id))
    .for("update");
  return row ?? null;
}

/** The consultation a Cal.com uid belongs to, following reschedule aliases. */
export async function findConsultationIdByBookingUid(
  ex: Executor,
  params: { uid: string },
): Promise<string | null> {
  const [row] = await ex
    .select({ id: bookingUidAliases.consultationId })
    .from(bookingUidAliases)
    .where(eq(bookingUidAliases.uid, params.uid));
  return row?.id ?? null;
}

/** The domain machine's view of a stored consultation. */
export function toMachine(row: ConsultationRow, appliedEventIds: readonly string[]): Consultation {
  const currency = row.currency as CurrencyCode;
  const m = (amount: number) => ({ amount, currency });
  return {
    id: row.id,
    advisorId: row.advisorId,
    status: row.status,
    paid: {
      price: m(row.price),
      platformFee: m(row.platformFee),
      advisorShare: m(row.advisorShare),
    },
    refundable: {
      price: m(row.refundablePrice),
      platformFee: m(row.refundableFee),
      advisorShare: m(row.refundableShare),
    },
    refundPolicy: row.refundPolicy,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    paymentExpiresAt: row.paymentExpiresAt ?? row.startsAt,
    holdWindowHours: row.holdWindowHours,
    holdEndsAt: row.holdEndsAt,
    dispute: row.dispute ? { ...row.dispute, amount: m(row.dispute.amount) } : null,
    transferId: row.transferId,
    appliedEventIds,
  };
}

/** A new consultation row (and nothing else: its timeline and effects are the caller's). */
export async function insertConsultation(
  tx: Executor,
  values: typeof consultations.$inferInsert,
): Promise<ConsultationRow> {
  const [row] = await tx.insert(consultations).values(values).returning();
  return row!;
}

/**
 * Writes the machine's new state of a consultation: status, what is still refundable, the
 * times, the open dispute and the transfer; `completedAt` is set once, at `occurredAt`.
 */
export async function writeConsultationState(
  tx: Executor,
  input: { row: ConsultationRow; next: Consultation; occurredAt: Date; now: Date },
): Promise<ConsultationRow> {
  const { row, next } = input;
  const [updated] = await tx
    .update(consultations)
    .set({
      status: next.status,
      refundablePrice: next.refundable.price.amount,
      refundableFee: next.refundable.platformFee.amount,
      refundableShare: next.refundable.advisorShare.amount,
      startsAt: next.startsAt,
      endsAt: next.endsAt,
      holdEndsAt: next.holdEndsAt,
      dispute: next.dispute ? { ...next.dispute, amount: next.dispute.amount.amount } : null,
      transferId: next.transferId,
      completedAt:
        next.status === "completed" && !row.completedAt ? input.occurredAt : row.completedAt,
      updatedAt: input.now,
    })
    .where(eq(consultations.id, row.id))
    .returning();
  return updated!;
}

/** Whether the consultation's timeline has `eventId` applied. */
export async function wasEventApplied(
  ex: Executor,
  params: { consultationId: string; eventId: string },
): Promise<boolean> {
  const [row] = await ex
    .select({ id: consultationEvents.id })
    .from(consultationEvents)
    .where(
      and(
        eq(consultationEvents.consultationId, params.consultationId),
        eq(consultationEvents.eventId, params.eventId),
        eq(consultationEvents.applied, true),
      ),
    );
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
    /** A machine event, or `booked` (the consultation's first row). */
    event: { id: string; type: ConsultationEvent["type"] | "booked"; actor: Actor };
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
      and(
        eq(consultationEvents.consultationId, params.consultationId),
        eq(consultationEvents.type, "cancelled"),
        eq(consultationEvents.applied, true),
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
    .where(
      and(
        eq(consultationEvents.consultationId, params.consultationId),
        eq(consultationEvents.type, "payment_succeeded"),
        eq(consultationEvents.applied, true),
      ),
    )
    .limit(1);
  return payment?.eventId ?? null;
}
