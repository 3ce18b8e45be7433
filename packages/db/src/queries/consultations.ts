import { and, eq, sql } from "drizzle-orm";
import {
  type Consultation,
  type ConsultationEvent,
  type ConsultationStatus,
  type CurrencyCode,
  type Actor,
  type Effect,
  applyCancellationBeforePayment,
  applyEvent,
  applyPaymentBeforeCancellation,
  newConsultation,
  type TimerName,
  type TransitionError,
} from "@an/domain";
import type { Executor } from "../client";
import { type ConsultationNotice, enqueueJob } from "../jobs";
import {
  bookingIntents,
  bookingUidAliases,
  consultationEvents,
  consultations,
  payments,
  refunds,
  userRoles,
} from "../schema";
import { postJournalEntry } from "./ledger";
import { withdrawUnsentPayoutItem } from "../workflows/payout-items";
import { requestTransferReversal } from "../workflows/transfer-reversals";

export type ConsultationRow = typeof consultations.$inferSelect;

/** Where an event came from and why, for the timeline. */
export type EventOrigin = {
  /** e.g. `webhook:stripe:<webhook event id>`, `procedure:consultations.cancel`, `timer:scheduled_end`. */
  source: string;
  actorUserId?: string | null;
  reason?: string | null;
  data?: Record<string, unknown> | null;
};

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

/** The graphile-worker job key of a consultation's timer: rescheduling replaces it. */
export const timerJobKey = (consultationId: string, timer: TimerName) =>
  `consultation:${consultationId}:${timer}`;

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

async function wasApplied(tx: Executor, consultationId: string, eventId: string) {
  const [row] = await tx
    .select({ id: consultationEvents.id })
    .from(consultationEvents)
    .where(
      and(
        eq(consultationEvents.consultationId, consultationId),
        eq(consultationEvents.eventId, eventId),
        eq(consultationEvents.applied, true),
      ),
    );
  return row !== undefined;
}

/**
 * Applies one domain event to a stored consultation inside the caller's transaction: locks
 * the row, runs the domain machine, writes the new state and the timeline row, and performs
 * the effects as data in the same transaction (ledger postings, timers, notifications,
 * refund rows + their provider jobs). Replaying an event id already applied changes
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
  if (await wasApplied(tx, row.id, event.id)) return { kind: "duplicate", consultation: row };

  const result = applyEvent(toMachine(row, []), event, occurredAt);
  if (!result.ok) {
    if (input.recordRefusal !== false) {
      await tx.insert(consultationEvents).values({
        consultationId: row.id,
        eventId: event.id,
        type: event.type,
        actor: event.actor,
        actorUserId: origin.actorUserId ?? null,
        source: origin.source,
        fromStatus: row.status,
        toStatus: null,
        applied: false,
        reason: result.error.message,
        data: { code: result.error.code, ...(origin.data ?? {}) },
        at: now,
      });
    }
    return { kind: "refused", consultation: row, error: result.error };
  }

  const next = result.value.consultation;
  if (row.status === "released" && event.type !== "payout_sent") {
    // Whatever happens to released money (refund, dispute, chargeback) must not race a
    // payout of it: an unsent item is withdrawn first; one being sent makes this wait.
    await withdrawUnsentPayoutItem(tx, {
      consultationId: row.id,
      now,
      reason: `withdrawn: ${event.type} (${event.id})`,
    });
  }
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
      completedAt: next.status === "completed" && !row.completedAt ? occurredAt : row.completedAt,
      updatedAt: now,
    })
    .where(eq(consultations.id, row.id))
    .returning();
  await tx.insert(consultationEvents).values({
    consultationId: row.id,
    eventId: event.id,
    type: event.type,
    actor: event.actor,
    actorUserId: origin.actorUserId ?? null,
    source: origin.source,
    fromStatus: row.status,
    toStatus: next.status,
    applied: true,
    reason: origin.reason ?? null,
    data: origin.data ?? null,
    at: now,
  });
  await performEffects(tx, {
    consultation: updated!,
    eventId: event.id,
    effects: result.value.effects,
    origin,
  });
  if (
    row.status === "awaiting_payment" &&
    next.status !== "awaiting_payment" &&
    next.status !== "confirmed"
  ) {
    await expireOpenPayments(tx, row.id);
  }
  return {
    kind: "applied",
    from: row.status,
    consultation: updated!,
    effects: result.value.effects,
  };
}

/** What replaying an event before one we applied first came to. */
export type ReplayOutcome =
  | Exclude<ApplyOutcome, { kind: "applied" }>
  | { kind: "applied"; consultation: ConsultationRow; effects: readonly Effect[] }
  /** The events didn't happen in the other order: the caller goes its usual way. */
  | { kind: "not_applicable"; consultation: ConsultationRow };

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
async function findUnpaidCancellation(
  tx: Executor,
  consultationId: string,
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
        eq(consultationEvents.consultationId, consultationId),
        eq(consultationEvents.type, "cancelled"),
        eq(consultationEvents.applied, true),
        eq(consultationEvents.fromStatus, "awaiting_payment"),
      ),
    )
    .limit(1);
  return row ? { eventId: row.eventId, actor: row.actor, at: occurredAtOf(row) } : null;
}

async function recordReplay(
  tx: Executor,
  input: {
    row: ConsultationRow;
    next: Consultation;
    event: ConsultationEvent;
    effects: readonly Effect[];
    now: Date;
    origin: EventOrigin;
  },
): Promise<ConsultationRow> {
  const { row, next, event, now, origin } = input;
  const [updated] = await tx
    .update(consultations)
    .set({
      status: next.status,
      refundablePrice: next.refundable.price.amount,
      refundableFee: next.refundable.platformFee.amount,
      refundableShare: next.refundable.advisorShare.amount,
      updatedAt: now,
    })
    .where(eq(consultations.id, row.id))
    .returning();
  await tx.insert(consultationEvents).values({
    consultationId: row.id,
    eventId: event.id,
    type: event.type,
    actor: event.actor,
    actorUserId: origin.actorUserId ?? null,
    source: origin.source,
    fromStatus: row.status,
    toStatus: next.status,
    applied: true,
    reason: origin.reason ?? null,
    data: origin.data ?? null,
    at: now,
  });
  await performEffects(tx, {
    consultation: updated!,
    eventId: event.id,
    effects: input.effects,
    origin,
  });
  return updated!;
}

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
  if (await wasApplied(tx, row.id, event.id)) return { kind: "duplicate", consultation: row };
  if (row.status !== "cancelled") return { kind: "not_applicable", consultation: row };
  const cancellation = await findUnpaidCancellation(tx, row.id);
  // A tie counts as paid first, as `applyCancellationBeforeLatePayment` sees it too.
  if (!cancellation || input.paidAt.getTime() > cancellation.at.getTime()) {
    return { kind: "not_applicable", consultation: row };
  }
  const result = applyPaymentBeforeCancellation(toMachine(row, []), event, input.paidAt, {
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
  const updated = await recordReplay(tx, {
    row,
    next: result.value.consultation,
    event,
    effects: result.value.effects,
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
  if (await wasApplied(tx, row.id, event.id)) return { kind: "duplicate", consultation: row };
  if (row.status !== "confirmed") return { kind: "not_applicable", consultation: row };
  const paid = await tx
    .select({ paidAt: payments.paidAt })
    .from(payments)
    .where(and(eq(payments.consultationId, row.id), eq(payments.status, "paid")));
  const cancelledFirst =
    paid.length > 0 &&
    paid.every((p) => p.paidAt !== null && p.paidAt.getTime() > input.cancelledAt.getTime());
  if (!cancelledFirst) return { kind: "not_applicable", consultation: row };
  const result = applyCancellationBeforePayment(toMachine(row, []), event);
  if (!result.ok) return { kind: "refused", consultation: row, error: result.error };
  const [payment] = await tx
    .select({ eventId: consultationEvents.eventId })
    .from(consultationEvents)
    .where(
      and(
        eq(consultationEvents.consultationId, row.id),
        eq(consultationEvents.type, "payment_succeeded"),
        eq(consultationEvents.applied, true),
      ),
    )
    .limit(1);
  const origin: EventOrigin = {
    ...input.origin,
    data: {
      ...(input.origin.data ?? {}),
      occurredAt: input.cancelledAt.toISOString(),
      cancelledBeforePayment: payment?.eventId ?? null,
    },
  };
  const updated = await recordReplay(tx, {
    row,
    next: result.value.consultation,
    event,
    effects: result.value.effects,
    now: input.now,
    origin,
  });
  return {
    kind: "applied",
    consultation: updated,
    effects: result.value.effects,
    paymentEventId: payment?.eventId ?? null,
  };
}

/** Queues expiry of any checkout session still open for the consultation. */
export async function expireOpenPayments(tx: Executor, consultationId: string): Promise<void> {
  const open = await tx
    .select({ id: payments.id })
    .from(payments)
    .where(and(eq(payments.consultationId, consultationId), eq(payments.status, "open")));
  for (const p of open) await enqueueJob(tx, "expire_checkout", { paymentId: p.id });
}

async function adminIds(tx: Executor): Promise<string[]> {
  const rows = await tx
    .select({ userId: userRoles.userId })
    .from(userRoles)
    .where(and(eq(userRoles.role, "admin"), sql`${userRoles.revokedAt} is null`));
  return rows.map((r) => r.userId);
}

/** Enqueues a consultation notice to the client, the advisor or every admin. */
export async function notifyAboutConsultation(
  tx: Executor,
  input: {
    consultation: Pick<ConsultationRow, "id" | "clientId" | "advisorId">;
    to: "client" | "advisor" | "admins";
    notice: ConsultationNotice;
    /** Makes the message unique: the same key twice sends once. */
    cause: string;
    amount?: number;
    url?: string;
    reason?: string;
  },
): Promise<void> {
  const { consultation: c } = input;
  const recipients =
    input.to === "client"
      ? [{ userId: c.clientId, role: "client" as const }]
      : input.to === "advisor"
        ? [{ userId: c.advisorId, role: "advisor" as const }]
        : (await adminIds(tx)).map((userId) => ({ userId, role: "admin" as const }));
  for (const r of recipients) {
    await enqueueJob(tx, "send_notification", {
      userId: r.userId,
      dedupeKey: `consultation:${c.id}:${input.cause}:${input.notice}:${r.userId}`.slice(0, 200),
      template: "consultation_notice",
      params: {
        notice: input.notice,
        role: r.role,
        consultationId: c.id,
        ...(input.amount !== undefined ? { amount: input.amount } : {}),
        ...(input.url ? { url: input.url } : {}),
        ...(input.reason ? { reason: input.reason.slice(0, 2000) } : {}),
      },
    });
  }
}

async function performEffects(
  tx: Executor,
  input: {
    consultation: ConsultationRow;
    eventId: string;
    effects: readonly Effect[];
    origin: EventOrigin;
  },
): Promise<void> {
  const { consultation: c, eventId, origin } = input;
  const refunded = input.effects
    .filter((e) => e.type === "refund_payment")
    .reduce((total, e) => total + e.amount.amount, 0);
  let index = 0;
  for (const effect of input.effects) {
    index += 1;
    switch (effect.type) {
      case "post_ledger":
        await postJournalEntry(tx, {
          entry: effect.entry,
          dedupeKey: `consultation:${c.id}:${eventId}:${index}`,
          memo: origin.reason ?? null,
        });
        break;
      case "schedule_timer":
        await enqueueJob(
          tx,
          "consultation_timer",
          { consultationId: c.id, timer: effect.timer, at: effect.at.toISOString() },
          { runAt: effect.at, jobKey: timerJobKey(c.id, effect.timer), maxAttempts: 25 },
        );
        break;
      case "cancel_timer":
        await tx.execute(
          sql`select graphile_worker.remove_job(${timerJobKey(c.id, effect.timer)})`,
        );
        break;
      case "notify":
        await notifyAboutConsultation(tx, {
          consultation: c,
          to: effect.to,
          notice: effect.template as ConsultationNotice,
          cause: eventId,
          ...(refunded > 0 ? { amount: refunded } : {}),
          ...(origin.reason ? { reason: origin.reason } : {}),
        });
        break;
      case "refund_payment": {
        const [refund] = await tx
          .insert(refunds)
          .values({
            consultationId: c.id,
            amount: effect.amount.amount,
            currency: effect.amount.currency,
            reason: origin.reason ?? eventId,
            eventId,
            requestedBy: origin.actorUserId ?? null,
          })
          .onConflictDoNothing()
          .returning({ id: refunds.id });
        if (refund) await enqueueJob(tx, "refund_payment", { refundId: refund.id });
        break;
      }
      case "reverse_transfer":
        // The refund entry booked the advisor's part as a receivable; the reversal settles
        // it, or, if the advisor's balance can't cover it, later payouts net it.
        await requestTransferReversal(tx, {
          consultation: c,
          amount: effect.amount,
          dedupeKey: `consultation:${c.id}:${eventId}`,
          reason: origin.reason ?? eventId,
        });
        break;
    }
  }
}

export type BookingFromIntent =
  | { kind: "created"; consultation: ConsultationRow }
  | { kind: "duplicate"; consultationId: string }
  | { kind: "intent_used"; consultationId: string }
  | { kind: "intent_not_found" }
  | { kind: "invalid"; message: string };

/**
 * Turns a booking intent into a consultation awaiting payment, once: locks the intent, so
 * a repeated `BOOKING_CREATED` finds the consultation already made (duplicate) and a second
 * booking reusing the token is reported (`intent_used`). Schedules the payment-expiry
 * timer and queues the checkout session, all in the caller's transaction.
 */
export async function createConsultationFromIntent(
  tx: Executor,
  input: {
    intentId: string;
    bookingUid: string;
    startsAt: Date;
    endsAt: Date;
    now: Date;
    /** How long the client has to pay; clamped to Stripe's 30 min – 24 h. */
    paymentWindowMinutes: number;
    origin: EventOrigin;
  },
): Promise<BookingFromIntent> {
  const existing = await findConsultationIdByBookingUid(tx, { uid: input.bookingUid });
  if (existing) return { kind: "duplicate", consultationId: existing };
  const [intent] = await tx
    .select()
    .from(bookingIntents)
    .where(eq(bookingIntents.id, input.intentId))
    .for("update");
  if (!intent) return { kind: "intent_not_found" };
  if (intent.consultationId) {
    const again = await findConsultationIdByBookingUid(tx, { uid: input.bookingUid });
    if (again) return { kind: "duplicate", consultationId: again };
    return { kind: "intent_used", consultationId: intent.consultationId };
  }
  const windowMinutes = Math.min(24 * 60, Math.max(30, input.paymentWindowMinutes));
  const paymentExpiresAt = new Date(input.now.getTime() + windowMinutes * 60_000);
  const q = intent.quote;
  const currency = q.currency as CurrencyCode;
  const id = crypto.randomUUID();
  const made = newConsultation({
    id,
    advisorId: intent.advisorId,
    paid: {
      price: { amount: q.price, currency },
      platformFee: { amount: q.platformFee, currency },
      advisorShare: { amount: q.advisorShare, currency },
    },
    refundPolicy: intent.refundPolicy,
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    paymentExpiresAt,
    holdWindowHours: intent.holdWindowHours,
  });
  if (!made.ok) return { kind: "invalid", message: made.error.message };
  const [row] = await tx
    .insert(consultations)
    .values({
      id,
      clientId: intent.clientId,
      advisorId: intent.advisorId,
      status: "awaiting_payment",
      startsAt: input.startsAt,
      endsAt: input.endsAt,
      durationMinutes: Math.round((input.endsAt.getTime() - input.startsAt.getTime()) / 60_000),
      currency: q.currency,
      price: q.price,
      platformFee: q.platformFee,
      advisorShare: q.advisorShare,
      refundablePrice: q.price,
      refundableFee: q.platformFee,
      refundableShare: q.advisorShare,
      hourlyRate: q.hourlyRate,
      quoteRules: q.rules,
      refundPolicy: intent.refundPolicy,
      holdWindowHours: intent.holdWindowHours,
      paymentExpiresAt,
      bookingUid: input.bookingUid,
      project: intent.project,
    })
    .returning();
  await tx.insert(bookingUidAliases).values({ uid: input.bookingUid, consultationId: id });
  await tx
    .update(bookingIntents)
    .set({ consultationId: id })
    .where(eq(bookingIntents.id, intent.id));
  await tx.insert(consultationEvents).values({
    consultationId: id,
    eventId: `booked:${input.bookingUid}`,
    type: "booked",
    actor: "system",
    actorUserId: intent.clientId,
    source: input.origin.source,
    fromStatus: null,
    toStatus: "awaiting_payment",
    applied: true,
    reason: input.origin.reason ?? null,
    data: { intentId: intent.id, bookingUid: input.bookingUid, ...(input.origin.data ?? {}) },
    at: input.now,
  });
  await performEffects(tx, {
    consultation: row!,
    eventId: `booked:${input.bookingUid}`,
    effects: made.value.effects,
    origin: input.origin,
  });
  await enqueueJob(tx, "create_checkout", { consultationId: id });
  return { kind: "created", consultation: row! };
}
