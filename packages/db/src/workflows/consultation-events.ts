import {
  applyCancellationBeforePayment,
  applyEvent,
  applyPaymentBeforeCancellation,
  type Consultation,
  type ConsultationEvent,
  type ConsultationStatus,
  type Effect,
  type TransitionError,
} from "@an/domain";
import type { Executor } from "../client";
import {
  type ConsultationRow,
  type EventOrigin,
  lockConsultation,
  toMachine,
  writeConsultationState,
} from "../queries/consultations";
import {
  findAppliedPaymentEventId,
  findUnpaidCancellation,
  insertConsultationEvent,
  wasEventApplied,
} from "../queries/consultation-events";
import { notifyProjectAccess } from "../queries/messages";
import { listPaidTimes } from "../queries/payments";
import { findFirstAdvisorReplyAt } from "../queries/passes";
import { performEffects } from "./consultation-effects";

/**
 * The machine's view of a locked row; an async pass also needs its first advisor reply in
 * the chat (it decides the no-reply refund and the cancellation refund).
 */
export async function machineOf(tx: Executor, row: ConsultationRow): Promise<Consultation> {
  const reply =
    row.kind === "async_pass"
      ? await findFirstAdvisorReplyAt(tx, { consultationId: row.id })
      : null;
  return toMachine(row, [], reply);
}

export type ApplyOutcome =
  | {
      kind: "applied";
      from: ConsultationStatus;
      consultation: ConsultationRow;
      effects: readonly Effect[];
    }
  | { kind: "duplicate"; consultation: ConsultationRow }
  | { kind: "refused"; consultation: ConsultationRow; error: TransitionError }
  | { kind: "not_found" };

/**
 * Applies one domain event to a stored consultation inside the caller's transaction: locks
 * the row, runs the domain machine, writes the new state and the timeline row, and performs
 * every effect the machine returned in the same transaction (ledger postings, timers,
 * notifications, refund rows + their provider jobs, a payout's withdrawal, open checkouts'
 * expiry, the calendar booking's cancellation). Replaying an event id already applied changes
 * nothing; a refused event changes nothing but is recorded on the timeline (unless
 * `recordRefusal` is false, e.g. for a timer that fired early).
 */
export async function applyConsultationEvent(
  tx: Executor,
  input: {
    consultationId: string;
    event: ConsultationEvent;
    now: Date;
    origin: EventOrigin;
    recordRefusal?: boolean;
    /**
     * When the event happened at its provider (a Cal.com `createdAt`), if that is known and
     * not after `now`. The machine decides by it (a cancellation's refund tier, a
     * reschedule's "not started yet"), so the outcome doesn't depend on when we got to it;
     * the timeline keeps it as `data.occurredAt`. Defaults to `now`.
     */
    occurredAt?: Date;
  },
): Promise<ApplyOutcome> {
  const { event, now } = input;
  const occurredAt = input.occurredAt ?? now;
  const origin: EventOrigin = input.occurredAt
    ? {
        ...input.origin,
        data: { ...(input.origin.data ?? {}), occurredAt: occurredAt.toISOString() },
      }
    : input.origin;
  const row = await lockConsultation(tx, { id: input.consultationId });
  if (!row) return { kind: "not_found" };
  if (await wasEventApplied(tx, { consultationId: row.id, eventId: event.id })) {
    return { kind: "duplicate", consultation: row };
  }

  const result = applyEvent(await machineOf(tx, row), event, occurredAt);
  if (!result.ok) {
    if (input.recordRefusal !== false) {
      await insertConsultationEvent(tx, {
        consultationId: row.id,
        event,
        origin,
        fromStatus: row.status,
        toStatus: null,
        reason: result.error.message,
        data: { code: result.error.code, ...(origin.data ?? {}) },
        at: now,
      });
    }
    return { kind: "refused", consultation: row, error: result.error };
  }
  const updated = await recordTransition(tx, {
    row,
    next: result.value.consultation,
    event,
    effects: result.value.effects,
    occurredAt,
    now,
    origin,
  });
  return {
    kind: "applied",
    from: row.status,
    consultation: updated,
    effects: result.value.effects,
  };
}

/**
 * The one write of an applied event: the consultation's new state, its timeline row, and
 * the machine's effects performed, in that order.
 */
async function recordTransition(
  tx: Executor,
  input: {
    row: ConsultationRow;
    next: Consultation;
    event: ConsultationEvent;
    effects: readonly Effect[];
    occurredAt: Date;
    now: Date;
    origin: EventOrigin;
  },
): Promise<ConsultationRow> {
  const { row, event, now, origin } = input;
  const updated = await writeConsultationState(tx, {
    row,
    next: input.next,
    occurredAt: input.occurredAt,
    now,
  });
  // The advisor's chat on the project opens or closes with this engagement's status and
  // window: their live streams re-check access now rather than at their next periodic check.
  if (
    updated.projectId &&
    (updated.status !== row.status ||
      updated.startsAt.getTime() !== row.startsAt.getTime() ||
      updated.endsAt.getTime() !== row.endsAt.getTime())
  ) {
    await notifyProjectAccess(tx, { projectId: updated.projectId, userId: updated.advisorId });
  }
  await insertConsultationEvent(tx, {
    consultationId: row.id,
    event,
    origin,
    fromStatus: row.status,
    toStatus: input.next.status,
    reason: origin.reason ?? null,
    data: origin.data ?? null,
    at: now,
  });
  await performEffects(tx, {
    consultation: updated,
    eventId: event.id,
    now,
    effects: input.effects,
    origin,
  });
  return updated;
}

/** What replaying an event before one we applied first came to. */
export type ReplayOutcome =
  | Exclude<ApplyOutcome, { kind: "applied" }>
  | { kind: "applied"; consultation: ConsultationRow; effects: readonly Effect[] }
  /** The events didn't happen in the other order: the caller goes its usual way. */
  | { kind: "not_applicable"; consultation: ConsultationRow };

/**
 * A payment that happened at the provider (`paidAt`) before the cancellation we applied
 * first, while the consultation looked unpaid: applied as "paid, then cancelled" — the
 * capture, then the refund the frozen policy gives the same canceller at the
 * cancellation's own time (see `applyPaymentBeforeCancellation`). `not_applicable` when
 * the consultation wasn't cancelled unpaid or the payment came after the cancellation
 * (then it is a late payment, refunded in full by the caller).
 */
export async function applyPaymentBeforeUnpaidCancellation(
  tx: Executor,
  input: {
    consultationId: string;
    event: Extract<ConsultationEvent, { type: "payment_succeeded" }>;
    paidAt: Date;
    now: Date;
    origin: EventOrigin;
  },
): Promise<ReplayOutcome> {
  const { event } = input;
  const row = await lockConsultation(tx, { id: input.consultationId });
  if (!row) return { kind: "not_found" };
  if (await wasEventApplied(tx, { consultationId: row.id, eventId: event.id })) {
    return { kind: "duplicate", consultation: row };
  }
  if (row.status !== "cancelled") return { kind: "not_applicable", consultation: row };
  const cancellation = await findUnpaidCancellation(tx, { consultationId: row.id });
  // A tie counts as paid first, as `applyCancellationBeforeLatePayment` sees it too.
  if (!cancellation || input.paidAt.getTime() > cancellation.at.getTime()) {
    return { kind: "not_applicable", consultation: row };
  }
  const result = applyPaymentBeforeCancellation(await machineOf(tx, row), event, input.paidAt, {
    id: cancellation.eventId,
    actor: cancellation.actor,
    at: cancellation.at,
  });
  if (!result.ok) return { kind: "refused", consultation: row, error: result.error };
  const origin: EventOrigin = {
    ...input.origin,
    reason: input.origin.reason ?? `paid before the ${cancellation.actor} cancelled`,
    data: {
      ...(input.origin.data ?? {}),
      occurredAt: input.paidAt.toISOString(),
      paidBeforeCancellation: cancellation.eventId,
      cancelledAt: cancellation.at.toISOString(),
    },
  };
  const updated = await recordTransition(tx, {
    row,
    next: result.value.consultation,
    event,
    effects: result.value.effects,
    occurredAt: input.paidAt,
    now: input.now,
    origin,
  });
  return { kind: "applied", consultation: updated, effects: result.value.effects };
}

/**
 * A cancellation that happened at the provider (`cancelledAt`) before every payment the
 * consultation has (we applied the payment first): applied as "cancelled unpaid, then paid
 * late" — the whole payment is refunded (see `applyCancellationBeforePayment`). Returns the
 * late payment's domain event id with the outcome, so the caller can flag it like any late
 * payment. `not_applicable` when a payment happened before the cancellation.
 */
export async function applyCancellationBeforeLatePayment(
  tx: Executor,
  input: {
    consultationId: string;
    event: Extract<ConsultationEvent, { type: "cancelled" }>;
    cancelledAt: Date;
    now: Date;
    origin: EventOrigin;
  },
): Promise<ReplayOutcome & { paymentEventId?: string | null }> {
  const { event } = input;
  const row = await lockConsultation(tx, { id: input.consultationId });
  if (!row) return { kind: "not_found" };
  if (await wasEventApplied(tx, { consultationId: row.id, eventId: event.id })) {
    return { kind: "duplicate", consultation: row };
  }
  if (row.status !== "confirmed") return { kind: "not_applicable", consultation: row };
  const paid = await listPaidTimes(tx, { consultationId: row.id });
  const cancelledFirst =
    paid.length > 0 &&
    paid.every((paidAt) => paidAt !== null && paidAt.getTime() > input.cancelledAt.getTime());
  if (!cancelledFirst) return { kind: "not_applicable", consultation: row };
  const result = applyCancellationBeforePayment(await machineOf(tx, row), event);
  if (!result.ok) return { kind: "refused", consultation: row, error: result.error };
  const paymentEventId = await findAppliedPaymentEventId(tx, { consultationId: row.id });
  const origin: EventOrigin = {
    ...input.origin,
    data: {
      ...(input.origin.data ?? {}),
      occurredAt: input.cancelledAt.toISOString(),
      cancelledBeforePayment: paymentEventId,
    },
  };
  const updated = await recordTransition(tx, {
    row,
    next: result.value.consultation,
    event,
    effects: result.value.effects,
    occurredAt: input.cancelledAt,
    now: input.now,
    origin,
  });
  return { kind: "applied", consultation: updated, effects: result.value.effects, paymentEventId };
}
