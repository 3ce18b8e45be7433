import { eq, sql } from "drizzle-orm";
import type { Consultation, CurrencyCode, TimerName } from "@an/domain";
import type { Executor } from "../client";
import { bookingUidAliases, consultations } from "../schema";

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
export function toMachine(
  row: ConsultationRow,
  appliedEventIds: readonly string[],
  /** An async pass's first advisor reply (see `findFirstAdvisorReplyAt`); ignored for bookings. */
  firstAdvisorReplyAt: Date | null = null,
): Consultation {
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
    kind: row.kind,
    ...(row.kind === "async_pass" ? { firstAdvisorReplyAt } : {}),
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
