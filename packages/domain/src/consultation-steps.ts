import * as ledger from "./ledger";
import { type JournalEntry, type LedgerError, type MoneyStage } from "./ledger";
import { type Money } from "./money";
import {
  computeRefund,
  type PaidSplit,
  type RefundOutcome,
  type RefundRequest,
} from "./refund-policy";
import { err, ok, type Result } from "./result";
import { type ConsultationNotice, type NoticeAudience, noticeFor } from "./consultation-notice";
import type {
  Actor,
  Consultation,
  ConsultationEvent,
  ConsultationEventType,
  Effect,
  EventOf,
  RefundExceeded,
  TransitionErrorCode,
} from "./consultation-types";
import type { ConsultationStatus } from "./vocabulary";

// The building blocks of the transition table's rows: one step's shape, the refund and
// release postings, the hold window. Internal to the machine (not exported from the package).

export type Step = {
  readonly status: ConsultationStatus;
  readonly patch?: Partial<Omit<Consultation, "status" | "appliedEventIds">>;
  readonly effects: readonly Effect[];
};
export type Failure = {
  code: TransitionErrorCode;
  message: string;
  refundExceeded?: RefundExceeded;
};
export type RunResult = Result<Step, Failure>;

/** One row of the transition table. `to` lists every possible next state; "same" = stays put. */
export type TransitionRow = {
  readonly event: ConsultationEventType;
  readonly from: readonly ConsultationStatus[];
  readonly actors: readonly Actor[];
  readonly to: readonly (ConsultationStatus | "same")[];
  /** An admin has to decide this (drives `needsAdminAttention`). */
  readonly adminDecision?: boolean;
  /** Only an async advice pass accepts this event. */
  readonly passOnly?: boolean;
  /** Guard + effects. Method syntax so rows can narrow the event type. */
  run(c: Consultation, e: ConsultationEvent, now: Date): RunResult;
};

export const HOUR_MS = 3_600_000;

export function row<T extends ConsultationEventType>(
  def: Omit<TransitionRow, "event" | "run"> & {
    event: T;
    run(c: Consultation, e: EventOf<T>, now: Date): RunResult;
  },
): TransitionRow {
  return def;
}

export const fail = (code: TransitionErrorCode, message: string): Result<never, Failure> =>
  err({ code, message });
export const notify = (to: NoticeAudience, template: ConsultationNotice): Effect => ({
  type: "notify",
  to,
  template,
});
export const later = (a: Date, b: Date): Date => (a.getTime() >= b.getTime() ? a : b);
export const zeroSplit = (s: PaidSplit): PaidSplit => ({
  price: { amount: 0, currency: s.price.currency },
  platformFee: { amount: 0, currency: s.price.currency },
  advisorShare: { amount: 0, currency: s.price.currency },
});
export const sameMoney = (a: Money, b: Money) => a.currency === b.currency && a.amount === b.amount;

export function posted(entry: Result<JournalEntry, LedgerError>): Result<Effect[], Failure> {
  if (!entry.ok) return fail("LEDGER_REJECTED", entry.error.message);
  return ok(entry.value.lines.length > 0 ? [{ type: "post_ledger", entry: entry.value }] : []);
}

/** Where the money is, given the state a consultation is (or will resume) in. */
export function stageOf(status: ConsultationStatus): MoneyStage {
  return status === "released" ? "released" : status === "paid_out" ? "paid_out" : "held";
}

/**
 * Posts a refund decision: the refund (from wherever the money now is) and, when
 * `settle`, the release of what the client doesn't get back, so held funds reach zero.
 */
export function refundEffects(
  c: Consultation,
  outcome: RefundOutcome,
  stage: MoneyStage,
  settle: boolean,
): Result<Effect[], Failure> {
  const effects: Effect[] = [];
  const refundEntry = posted(
    ledger.refund({
      consultationId: c.id,
      advisorId: c.advisorId,
      fromAdvisorShare: outcome.refundFromAdvisorShare,
      fromPlatformFee: outcome.refundFromPlatformFee,
      stage,
    }),
  );
  if (!refundEntry.ok) return refundEntry;
  effects.push(...refundEntry.value);
  if (outcome.refund.amount > 0) effects.push({ type: "refund_payment", amount: outcome.refund });
  if (stage === "paid_out" && outcome.refundFromAdvisorShare.amount > 0) {
    effects.push({ type: "reverse_transfer", amount: outcome.refundFromAdvisorShare });
  }
  if (settle && stage === "held") {
    const releaseEntry = posted(
      ledger.release({
        consultationId: c.id,
        advisorId: c.advisorId,
        advisorShare: outcome.advisorShareKept,
        platformFee: outcome.platformFeeKept,
      }),
    );
    if (!releaseEntry.ok) return releaseEntry;
    effects.push(...releaseEntry.value);
  }
  return ok(effects);
}

export function decideRefund(
  c: Consultation,
  request: RefundRequest,
): Result<RefundOutcome, Failure> {
  const outcome = computeRefund(c.refundable, c.refundPolicy, request);
  if (outcome.ok) return outcome;
  const e = outcome.error;
  return e.code === "REFUND_EXCEEDS_REFUNDABLE"
    ? err({
        code: "REFUND_REJECTED",
        message: e.message,
        refundExceeded: { code: e.code, requested: e.requested, refundable: e.refundable },
      })
    : fail("REFUND_REJECTED", e.message);
}

export const keptSplit = (o: RefundOutcome): PaidSplit => ({
  price: {
    amount: o.advisorShareKept.amount + o.platformFeeKept.amount,
    currency: o.refund.currency,
  },
  platformFee: o.platformFeeKept,
  advisorShare: o.advisorShareKept,
});

export function releaseEffects(c: Consultation): Result<Effect[], Failure> {
  const entry = posted(
    ledger.release({
      consultationId: c.id,
      advisorId: c.advisorId,
      advisorShare: c.refundable.advisorShare,
      platformFee: c.refundable.platformFee,
    }),
  );
  return entry.ok
    ? ok([...entry.value, notify("advisor", noticeFor(c.kind, "earnings_released"))])
    : entry;
}

export function holdOpen(c: Consultation, now: Date, what: string): Result<null, Failure> {
  if (c.holdEndsAt && now.getTime() >= c.holdEndsAt.getTime()) {
    return fail(
      "TOO_LATE",
      `${what} must be made before the hold window closed at ${c.holdEndsAt.toISOString()}`,
    );
  }
  return ok(null);
}

/** Resuming `completed` after a no-show or chargeback: the hold window continues, at least until now. */
export function resumeHold(
  c: Consultation,
  now: Date,
): { patch: { holdEndsAt: Date }; effects: Effect[] } {
  const holdEndsAt = later(c.holdEndsAt ?? now, now);
  return {
    patch: { holdEndsAt },
    effects: [{ type: "schedule_timer", timer: "hold_window_elapsed", at: holdEndsAt }],
  };
}

export function noShowRejected(c: Consultation, now: Date): RunResult {
  const hold = resumeHold(c, now);
  return ok({
    status: "completed",
    patch: hold.patch,
    effects: [
      ...hold.effects,
      notify("client", "no_show_rejected"),
      notify("advisor", "no_show_rejected"),
    ],
  });
}

export function complete(c: Consultation, now: Date): RunResult {
  if (c.status === "completed") return ok({ status: "completed", effects: [] }); // the other clock signal
  const holdEndsAt = new Date(later(now, c.endsAt).getTime() + c.holdWindowHours * HOUR_MS);
  const completed = noticeFor(c.kind, "consultation_completed");
  return ok({
    status: "completed",
    patch: { holdEndsAt },
    effects: [
      { type: "schedule_timer", timer: "hold_window_elapsed", at: holdEndsAt },
      notify("client", completed),
      notify("advisor", completed),
    ],
  });
}

/**
 * The meeting ended while a chargeback opened before its end is pending: the money stays
 * frozen, but the consultation took place, so a won chargeback resumes it as completed
 * with the hold window that started at the end — as if the end had been seen first.
 */
export function endDuringChargeback(c: Consultation, now: Date): RunResult {
  const d = c.dispute;
  if (d?.kind !== "chargeback" || d.resumeStatus !== "confirmed") {
    return ok({ status: "disputed", effects: [] });
  }
  const holdEndsAt = new Date(later(now, c.endsAt).getTime() + c.holdWindowHours * HOUR_MS);
  return ok({
    status: "disputed",
    patch: { dispute: { ...d, resumeStatus: "completed" }, holdEndsAt },
    effects: [],
  });
}
