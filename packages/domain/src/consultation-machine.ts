import type { ConsultationNotice, NoticeAudience } from "./consultation-notice";
import * as ledger from "./ledger";
import { type JournalEntry, type LedgerError, type MoneyStage } from "./ledger";
import { type Money } from "./money";
import {
  type Canceller,
  computeRefund,
  type PaidSplit,
  type RefundOutcome,
  type RefundPolicy,
  type RefundRequest,
  validatePaidSplit,
  validateRefundPolicy,
} from "./refund-policy";
import { err, ok, type Result } from "./result";
import type { PartyRole } from "./roles";

/** Consultation states; the DB enum reuses this list. */
export const CONSULTATION_STATES = [
  "awaiting_payment",
  "payment_expired",
  "confirmed",
  "reschedule_requested",
  "completed",
  "released",
  "paid_out",
  "cancelled",
  "no_show_client",
  "no_show_advisor",
  "disputed",
  "refunded",
] as const;
export type ConsultationStatus = (typeof CONSULTATION_STATES)[number];

/** Event names; the event log's enum reuses this list. */
export const CONSULTATION_EVENTS = [
  "payment_succeeded",
  "payment_failed",
  "payment_expired",
  "reschedule_requested",
  "rescheduled",
  "cancelled",
  "meeting_ended",
  "scheduled_end_reached",
  "no_show_reported",
  "no_show_resolved",
  "dispute_opened",
  "dispute_resolved",
  "hold_window_elapsed",
  "payout_sent",
  "chargeback_opened",
  "chargeback_won",
  "chargeback_lost",
  "admin_refund",
] as const;
export type ConsultationEventType = (typeof CONSULTATION_EVENTS)[number];

/** Who causes an event: people, or `system` (webhooks, timers, payout runs). */
export const ACTORS = ["client", "advisor", "admin", "system"] as const;
export type Actor = (typeof ACTORS)[number];

export const TIMERS = ["payment_expiry", "scheduled_end", "hold_window_elapsed"] as const;
export type TimerName = (typeof TIMERS)[number];

/** A client's complaint (an admin decides) or a chargeback (the bank decides). */
export const DISPUTE_KINDS = ["client", "chargeback"] as const;
export type DisputeKind = (typeof DISPUTE_KINDS)[number];

/** An open dispute: a client's complaint (admin decides) or a chargeback (the bank decides). */
export type OpenDispute = {
  readonly kind: DisputeKind;
  /** State to return to if a chargeback is won. */
  readonly resumeStatus: ConsultationStatus;
  readonly amount: Money;
};

/**
 * A consultation as the machine sees it. Quote, refund policy and hold window are frozen
 * at booking. `refundable` is what the client paid minus what was refunded, split the
 * same way as the quote; `appliedEventIds` makes replays no-ops.
 */
export type Consultation = {
  readonly id: string;
  readonly advisorId: string;
  readonly status: ConsultationStatus;
  readonly paid: PaidSplit;
  readonly refundable: PaidSplit;
  readonly refundPolicy: RefundPolicy;
  readonly startsAt: Date;
  readonly endsAt: Date;
  readonly paymentExpiresAt: Date;
  /** Hours after the meeting ends during which no-shows and disputes can be reported. */
  readonly holdWindowHours: number;
  readonly holdEndsAt: Date | null;
  readonly dispute: OpenDispute | null;
  readonly transferId: string | null;
  readonly appliedEventIds: readonly string[];
};

/** Event payloads by type. */
export type EventPayload =
  | { readonly type: "payment_succeeded"; readonly amount: Money; readonly processingFee?: Money }
  | { readonly type: "payment_failed" }
  | { readonly type: "payment_expired" }
  | { readonly type: "reschedule_requested" }
  | { readonly type: "rescheduled"; readonly startsAt: Date; readonly endsAt: Date }
  | { readonly type: "cancelled" }
  | { readonly type: "meeting_ended" }
  | { readonly type: "scheduled_end_reached" }
  | { readonly type: "no_show_reported"; readonly absent: PartyRole }
  | { readonly type: "no_show_resolved"; readonly upheld: boolean }
  | { readonly type: "dispute_opened" }
  | { readonly type: "dispute_resolved"; readonly refund: Money }
  | { readonly type: "hold_window_elapsed" }
  | {
      readonly type: "payout_sent";
      /** Null when nothing was transferred: the whole share was netted against a receivable. */
      readonly transferId: string | null;
      /** What the transfer carried. */
      readonly amount: Money;
      /** What was withheld to recover the advisor's receivable (already booked as a clawback). */
      readonly netted?: Money;
    }
  | { readonly type: "chargeback_opened"; readonly amount: Money; readonly fee: Money }
  | { readonly type: "chargeback_won" }
  | { readonly type: "chargeback_lost" }
  | { readonly type: "admin_refund"; readonly amount: Money };

/**
 * An event with its id (the provider's event id, the timer's job key, or the procedure's
 * request id) and who caused it. `cancelled` is "cancelled by `actor`".
 */
export type ConsultationEvent = EventPayload & { readonly id: string; readonly actor: Actor };
type EventOf<T extends ConsultationEventType> = Extract<ConsultationEvent, { type: T }>;

/** Side effects a transition asks for, as data; the caller performs them in its transaction. */
export type Effect =
  | { readonly type: "post_ledger"; readonly entry: JournalEntry }
  | { readonly type: "schedule_timer"; readonly timer: TimerName; readonly at: Date }
  | { readonly type: "cancel_timer"; readonly timer: TimerName }
  | {
      readonly type: "notify";
      readonly to: NoticeAudience;
      readonly template: ConsultationNotice;
    }
  | { readonly type: "refund_payment"; readonly amount: Money }
  | { readonly type: "reverse_transfer"; readonly amount: Money };

export type TransitionErrorCode =
  | "TOO_EARLY"
  | "TOO_LATE"
  | "NOT_ALLOWED"
  | "ACTOR_NOT_ALLOWED"
  | "AMOUNT_MISMATCH"
  | "INVALID_EVENT"
  | "REFUND_REJECTED"
  | "LEDGER_REJECTED";

/**
 * A refund asked for more than is still refundable, with both amounts: callers put them in
 * their own words and format them in their reader's locale (`message` is for logs).
 */
export type RefundExceeded = {
  readonly code: "REFUND_EXCEEDS_REFUNDABLE";
  readonly requested: Money;
  readonly refundable: Money;
};

export type TransitionError = {
  readonly code: TransitionErrorCode;
  readonly message: string;
  readonly status: ConsultationStatus;
  readonly event: ConsultationEventType;
  /** Set when `code` is REFUND_REJECTED because the amount exceeded what is refundable. */
  readonly refundExceeded?: RefundExceeded;
};

type Step = {
  readonly status: ConsultationStatus;
  readonly patch?: Partial<Omit<Consultation, "status" | "appliedEventIds">>;
  readonly effects: readonly Effect[];
};
type Failure = { code: TransitionErrorCode; message: string; refundExceeded?: RefundExceeded };
type RunResult = Result<Step, Failure>;

/** One row of the transition table. `to` lists every possible next state; "same" = stays put. */
export type TransitionRow = {
  readonly event: ConsultationEventType;
  readonly from: readonly ConsultationStatus[];
  readonly actors: readonly Actor[];
  readonly to: readonly (ConsultationStatus | "same")[];
  /** An admin has to decide this (drives `needsAdminAttention`). */
  readonly adminDecision?: boolean;
  /** Guard + effects. Method syntax so rows can narrow the event type. */
  run(c: Consultation, e: ConsultationEvent, now: Date): RunResult;
};

const HOUR_MS = 3_600_000;

function row<T extends ConsultationEventType>(
  def: Omit<TransitionRow, "event" | "run"> & {
    event: T;
    run(c: Consultation, e: EventOf<T>, now: Date): RunResult;
  },
): TransitionRow {
  return def;
}

const fail = (code: TransitionErrorCode, message: string): Result<never, Failure> =>
  err({ code, message });
const notify = (to: NoticeAudience, template: ConsultationNotice): Effect => ({
  type: "notify",
  to,
  template,
});
const later = (a: Date, b: Date): Date => (a.getTime() >= b.getTime() ? a : b);
const zeroSplit = (s: PaidSplit): PaidSplit => ({
  price: { amount: 0, currency: s.price.currency },
  platformFee: { amount: 0, currency: s.price.currency },
  advisorShare: { amount: 0, currency: s.price.currency },
});
const sameMoney = (a: Money, b: Money) => a.currency === b.currency && a.amount === b.amount;

function posted(entry: Result<JournalEntry, LedgerError>): Result<Effect[], Failure> {
  if (!entry.ok) return fail("LEDGER_REJECTED", entry.error.message);
  return ok(entry.value.lines.length > 0 ? [{ type: "post_ledger", entry: entry.value }] : []);
}

/** Where the money is, given the state a consultation is (or will resume) in. */
function stageOf(status: ConsultationStatus): MoneyStage {
  return status === "released" ? "released" : status === "paid_out" ? "paid_out" : "held";
}

/**
 * Posts a refund decision: the refund (from wherever the money now is) and, when
 * `settle`, the release of what the client doesn't get back, so held funds reach zero.
 */
function refundEffects(
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

function decideRefund(c: Consultation, request: RefundRequest): Result<RefundOutcome, Failure> {
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

const keptSplit = (o: RefundOutcome): PaidSplit => ({
  price: {
    amount: o.advisorShareKept.amount + o.platformFeeKept.amount,
    currency: o.refund.currency,
  },
  platformFee: o.platformFeeKept,
  advisorShare: o.advisorShareKept,
});

function releaseEffects(c: Consultation): Result<Effect[], Failure> {
  const entry = posted(
    ledger.release({
      consultationId: c.id,
      advisorId: c.advisorId,
      advisorShare: c.refundable.advisorShare,
      platformFee: c.refundable.platformFee,
    }),
  );
  return entry.ok ? ok([...entry.value, notify("advisor", "earnings_released")]) : entry;
}

function holdOpen(c: Consultation, now: Date, what: string): Result<null, Failure> {
  if (c.holdEndsAt && now.getTime() >= c.holdEndsAt.getTime()) {
    return fail(
      "TOO_LATE",
      `${what} must be made before the hold window closed at ${c.holdEndsAt.toISOString()}`,
    );
  }
  return ok(null);
}

/** Resuming `completed` after a no-show or chargeback: the hold window continues, at least until now. */
function resumeHold(
  c: Consultation,
  now: Date,
): { patch: { holdEndsAt: Date }; effects: Effect[] } {
  const holdEndsAt = later(c.holdEndsAt ?? now, now);
  return {
    patch: { holdEndsAt },
    effects: [{ type: "schedule_timer", timer: "hold_window_elapsed", at: holdEndsAt }],
  };
}

function noShowRejected(c: Consultation, now: Date): RunResult {
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

function complete(c: Consultation, now: Date): RunResult {
  if (c.status === "completed") return ok({ status: "completed", effects: [] }); // the other clock signal
  const holdEndsAt = new Date(later(now, c.endsAt).getTime() + c.holdWindowHours * HOUR_MS);
  return ok({
    status: "completed",
    patch: { holdEndsAt },
    effects: [
      { type: "schedule_timer", timer: "hold_window_elapsed", at: holdEndsAt },
      notify("client", "consultation_completed"),
      notify("advisor", "consultation_completed"),
    ],
  });
}

/**
 * The meeting ended while a chargeback opened before its end is pending: the money stays
 * frozen, but the consultation took place, so a won chargeback resumes it as completed
 * with the hold window that started at the end — as if the end had been seen first.
 */
function endDuringChargeback(c: Consultation, now: Date): RunResult {
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

/**
 * The transition table: for each event, the states that accept it, who may send it, the
 * possible next states, and `run` (guard + effects as data). At most one row per
 * (state, event). Every predicate below is derived from this table.
 */
export const TRANSITIONS: readonly TransitionRow[] = [
  row({
    event: "payment_succeeded",
    from: ["awaiting_payment"],
    actors: ["system"],
    to: ["confirmed"],
    run(c, e) {
      if (!sameMoney(e.amount, c.paid.price)) {
        return fail(
          "AMOUNT_MISMATCH",
          `paid ${e.amount.amount} ${e.amount.currency} but the quote was ${c.paid.price.amount} ${c.paid.price.currency}; not confirmed (security incident)`,
        );
      }
      const captured = posted(ledger.paymentCaptured({ consultationId: c.id, amount: e.amount }));
      if (!captured.ok) return captured;
      const fee = e.processingFee
        ? posted(ledger.processingFee({ consultationId: c.id, fee: e.processingFee }))
        : ok([]);
      if (!fee.ok) return fee;
      return ok({
        status: "confirmed",
        effects: [
          ...captured.value,
          ...fee.value,
          { type: "cancel_timer", timer: "payment_expiry" },
          { type: "schedule_timer", timer: "scheduled_end", at: c.endsAt },
          notify("client", "booking_confirmed"),
          notify("advisor", "booking_confirmed"),
        ],
      });
    },
  }),
  row({
    event: "payment_failed",
    from: ["awaiting_payment"],
    actors: ["system"],
    to: ["same"],
    run: () => ok({ status: "awaiting_payment", effects: [notify("client", "payment_failed")] }),
  }),
  row({
    event: "payment_expired",
    from: ["awaiting_payment"],
    actors: ["system"],
    to: ["payment_expired"],
    run(c, _e, now) {
      if (now.getTime() < c.paymentExpiresAt.getTime()) {
        return fail("TOO_EARLY", `payment can't expire before ${c.paymentExpiresAt.toISOString()}`);
      }
      return ok({ status: "payment_expired", effects: [notify("client", "payment_expired")] });
    },
  }),
  row({
    event: "reschedule_requested",
    from: ["confirmed"],
    actors: ["advisor", "admin"],
    to: ["reschedule_requested"],
    run(c, _e, now) {
      if (now.getTime() >= c.startsAt.getTime())
        return fail("TOO_LATE", "can't request a reschedule after the start");
      // Not a cancellation: the payment stays held, nothing is refunded.
      return ok({
        status: "reschedule_requested",
        effects: [notify("client", "reschedule_requested")],
      });
    },
  }),
  row({
    event: "rescheduled",
    from: ["confirmed", "reschedule_requested"],
    actors: ["client", "advisor", "admin", "system"],
    to: ["confirmed"],
    run(c, e, now) {
      if (now.getTime() >= c.startsAt.getTime())
        return fail("TOO_LATE", "can't reschedule a consultation that has started");
      const start = e.startsAt.getTime();
      const end = e.endsAt.getTime();
      if (
        !Number.isFinite(start) ||
        !Number.isFinite(end) ||
        end <= start ||
        start <= now.getTime()
      ) {
        return fail(
          "INVALID_EVENT",
          "the new time must be valid, in the future, and end after it starts",
        );
      }
      return ok({
        status: "confirmed",
        patch: { startsAt: e.startsAt, endsAt: e.endsAt },
        effects: [
          { type: "schedule_timer", timer: "scheduled_end", at: e.endsAt },
          notify("client", "rescheduled"),
          notify("advisor", "rescheduled"),
        ],
      });
    },
  }),
  row({
    event: "cancelled",
    from: ["awaiting_payment", "confirmed", "reschedule_requested"],
    actors: ["client", "advisor", "admin"],
    to: ["cancelled"],
    run(c, e, now) {
      const notices = [notify("client", "cancelled"), notify("advisor", "cancelled")];
      if (c.status === "awaiting_payment") {
        return ok({
          status: "cancelled",
          effects: [{ type: "cancel_timer", timer: "payment_expiry" }, ...notices],
        });
      }
      if (e.actor !== "admin" && now.getTime() >= c.startsAt.getTime()) {
        return fail(
          "TOO_LATE",
          "the consultation has started; report a no-show instead of cancelling",
        );
      }
      // A client who cancels instead of accepting the host's reschedule request is not at fault.
      const by: Canceller =
        e.actor === "client"
          ? c.status === "reschedule_requested"
            ? "advisor"
            : "client"
          : e.actor === "advisor"
            ? "advisor"
            : "admin";
      const outcome = decideRefund(c, {
        kind: "cancellation",
        by,
        startsAt: c.startsAt,
        cancelledAt: now,
      });
      if (!outcome.ok) return outcome;
      const effects = refundEffects(c, outcome.value, "held", true);
      if (!effects.ok) return effects;
      return ok({
        status: "cancelled",
        patch: { refundable: keptSplit(outcome.value) },
        effects: [...effects.value, { type: "cancel_timer", timer: "scheduled_end" }, ...notices],
      });
    },
  }),
  row({
    event: "meeting_ended",
    from: ["confirmed", "completed", "disputed"],
    actors: ["system"],
    to: ["completed", "disputed"],
    run(c, _e, now) {
      if (now.getTime() < c.startsAt.getTime()) {
        return fail(
          "TOO_EARLY",
          `a meeting can't end before its start at ${c.startsAt.toISOString()}`,
        );
      }
      if (c.status === "disputed") return endDuringChargeback(c, now);
      return complete(c, now);
    },
  }),
  row({
    event: "scheduled_end_reached",
    from: ["confirmed", "completed"],
    actors: ["system"],
    to: ["completed"],
    run(c, _e, now) {
      if (now.getTime() < c.endsAt.getTime()) {
        return fail("TOO_EARLY", `the scheduled end is ${c.endsAt.toISOString()}`);
      }
      return complete(c, now);
    },
  }),
  row({
    event: "no_show_reported",
    from: ["completed"],
    actors: ["client", "advisor", "admin"],
    to: ["no_show_client", "no_show_advisor"],
    run(c, e, now) {
      if (
        (e.actor === "client" && e.absent === "client") ||
        (e.actor === "advisor" && e.absent === "advisor")
      ) {
        return fail("ACTOR_NOT_ALLOWED", `the ${e.actor} can't report their own no-show`);
      }
      const open = holdOpen(c, now, "a no-show report");
      if (!open.ok) return open;
      return ok({
        status: e.absent === "client" ? "no_show_client" : "no_show_advisor",
        effects: [
          { type: "cancel_timer", timer: "hold_window_elapsed" },
          notify("admins", "no_show_reported"),
        ],
      });
    },
  }),
  row({
    event: "no_show_resolved",
    from: ["no_show_client"],
    actors: ["admin"],
    to: ["released", "completed"],
    adminDecision: true,
    run(c, e, now) {
      if (!e.upheld) return noShowRejected(c, now);
      const released = releaseEffects(c);
      return released.ok
        ? ok({
            status: "released",
            effects: [...released.value, notify("client", "no_show_upheld")],
          })
        : released;
    },
  }),
  row({
    event: "no_show_resolved",
    from: ["no_show_advisor"],
    actors: ["admin"],
    to: ["refunded", "completed"],
    adminDecision: true,
    run(c, e, now) {
      if (!e.upheld) return noShowRejected(c, now);
      const outcome = decideRefund(c, { kind: "no_show", absent: "advisor" });
      if (!outcome.ok) return outcome;
      const effects = refundEffects(c, outcome.value, "held", true);
      if (!effects.ok) return effects;
      return ok({
        status: "refunded",
        patch: { refundable: keptSplit(outcome.value) },
        effects: [...effects.value, notify("client", "refunded")],
      });
    },
  }),
  row({
    event: "dispute_opened",
    from: ["completed"],
    actors: ["client", "admin"],
    to: ["disputed"],
    run(c, _e, now) {
      const open = holdOpen(c, now, "a dispute");
      if (!open.ok) return open;
      return ok({
        status: "disputed",
        patch: {
          dispute: { kind: "client", resumeStatus: "completed", amount: c.refundable.price },
        },
        effects: [
          { type: "cancel_timer", timer: "hold_window_elapsed" },
          notify("admins", "dispute_opened"),
        ],
      });
    },
  }),
  row({
    event: "dispute_resolved",
    from: ["disputed"],
    actors: ["admin"],
    to: ["released", "refunded"],
    adminDecision: true,
    run(c, e) {
      if (c.dispute?.kind !== "client")
        return fail(
          "NOT_ALLOWED",
          "a chargeback is decided by the bank: wait for chargeback_won / chargeback_lost",
        );
      const outcome = decideRefund(c, { kind: "admin_override", amount: e.refund });
      if (!outcome.ok) return outcome;
      const effects = refundEffects(c, outcome.value, "held", true);
      if (!effects.ok) return effects;
      const full = outcome.value.refund.amount === c.refundable.price.amount;
      return ok({
        status: full ? "refunded" : "released",
        patch: { dispute: null, refundable: keptSplit(outcome.value) },
        effects: [
          ...effects.value,
          notify("client", "dispute_resolved"),
          notify("advisor", "dispute_resolved"),
        ],
      });
    },
  }),
  row({
    event: "hold_window_elapsed",
    from: ["completed"],
    actors: ["system"],
    to: ["released"],
    run(c, _e, now) {
      if (c.holdEndsAt && now.getTime() < c.holdEndsAt.getTime()) {
        return fail("TOO_EARLY", `the hold window closes at ${c.holdEndsAt.toISOString()}`);
      }
      const released = releaseEffects(c);
      return released.ok ? ok({ status: "released", effects: released.value }) : released;
    },
  }),
  row({
    event: "payout_sent",
    from: ["released"],
    actors: ["system"],
    to: ["paid_out"],
    run(c, e) {
      const netted = e.netted ?? { amount: 0, currency: e.amount.currency };
      const paid = { amount: e.amount.amount + netted.amount, currency: e.amount.currency };
      if (netted.currency !== e.amount.currency || !sameMoney(paid, c.refundable.advisorShare)) {
        return fail(
          "AMOUNT_MISMATCH",
          `transfer of ${e.amount.amount} ${e.amount.currency} plus ${netted.amount} netted doesn't match the payable share ${c.refundable.advisorShare.amount}`,
        );
      }
      const entry = posted(
        ledger.transfer({ consultationId: c.id, advisorId: c.advisorId, amount: e.amount }),
      );
      if (!entry.ok) return entry;
      return ok({
        status: "paid_out",
        patch: { transferId: e.transferId },
        effects: [...entry.value, notify("advisor", "payout_sent")],
      });
    },
  }),
  row({
    event: "chargeback_opened",
    from: ["confirmed", "reschedule_requested", "completed", "released", "paid_out"],
    actors: ["system"],
    to: ["disputed"],
    run(c, e) {
      if (!sameMoney(e.amount, c.refundable.price)) {
        return fail(
          "AMOUNT_MISMATCH",
          `chargeback of ${e.amount.amount} doesn't match the ${c.refundable.price.amount} still charged`,
        );
      }
      const entry = posted(
        ledger.chargebackOpened({ consultationId: c.id, amount: e.amount, fee: e.fee }),
      );
      if (!entry.ok) return entry;
      return ok({
        status: "disputed",
        patch: { dispute: { kind: "chargeback", resumeStatus: c.status, amount: e.amount } },
        effects: [
          ...entry.value,
          { type: "cancel_timer", timer: "scheduled_end" },
          { type: "cancel_timer", timer: "hold_window_elapsed" },
          notify("admins", "chargeback_opened"),
        ],
      });
    },
  }),
  row({
    event: "chargeback_won",
    from: ["disputed"],
    actors: ["system"],
    to: ["confirmed", "reschedule_requested", "completed", "released", "paid_out"],
    run(c, _e, now) {
      const dispute = c.dispute;
      if (dispute?.kind !== "chargeback")
        return fail(
          "NOT_ALLOWED",
          "no chargeback is open; a client dispute is resolved by an admin",
        );
      const entry = posted(ledger.chargebackWon({ consultationId: c.id, amount: dispute.amount }));
      if (!entry.ok) return entry;
      const resume = dispute.resumeStatus;
      const timers: Effect[] = [];
      let patch: Step["patch"] = { dispute: null };
      if (resume === "confirmed" || resume === "reschedule_requested") {
        timers.push({ type: "schedule_timer", timer: "scheduled_end", at: later(c.endsAt, now) });
      } else if (resume === "completed") {
        const hold = resumeHold(c, now);
        patch = { ...patch, ...hold.patch };
        timers.push(...hold.effects);
      }
      return ok({
        status: resume,
        patch,
        effects: [...entry.value, ...timers, notify("admins", "chargeback_won")],
      });
    },
  }),
  row({
    event: "chargeback_lost",
    from: ["disputed"],
    actors: ["system"],
    to: ["refunded"],
    run(c) {
      const dispute = c.dispute;
      if (dispute?.kind !== "chargeback")
        return fail(
          "NOT_ALLOWED",
          "no chargeback is open; a client dispute is resolved by an admin",
        );
      const stage = stageOf(dispute.resumeStatus);
      const entry = posted(
        ledger.chargebackLost({
          consultationId: c.id,
          advisorId: c.advisorId,
          fromAdvisorShare: c.refundable.advisorShare,
          fromPlatformFee: c.refundable.platformFee,
          stage,
        }),
      );
      if (!entry.ok) return entry;
      const recover: Effect[] =
        stage === "paid_out" && c.refundable.advisorShare.amount > 0
          ? [{ type: "reverse_transfer", amount: c.refundable.advisorShare }]
          : [];
      return ok({
        status: "refunded",
        patch: { dispute: null, refundable: zeroSplit(c.refundable) },
        effects: [
          ...entry.value,
          ...recover,
          notify("admins", "chargeback_lost"),
          notify("advisor", "chargeback_lost"),
        ],
      });
    },
  }),
  row({
    event: "admin_refund",
    from: ["confirmed", "reschedule_requested", "completed", "released", "paid_out"],
    actors: ["admin"],
    to: ["same", "refunded"],
    run(c, e) {
      if (e.amount.amount === 0)
        return fail("INVALID_EVENT", "an admin refund must be more than zero");
      const outcome = decideRefund(c, { kind: "admin_override", amount: e.amount });
      if (!outcome.ok) return outcome;
      const effects = refundEffects(c, outcome.value, stageOf(c.status), false);
      if (!effects.ok) return effects;
      const full = outcome.value.refund.amount === c.refundable.price.amount;
      const stopTimers: Effect[] = full
        ? [
            { type: "cancel_timer", timer: "scheduled_end" },
            { type: "cancel_timer", timer: "hold_window_elapsed" },
          ]
        : [];
      return ok({
        status: full ? "refunded" : c.status,
        patch: { refundable: keptSplit(outcome.value) },
        effects: [
          ...effects.value,
          ...stopTimers,
          notify("client", "refunded"),
          notify("advisor", "refunded"),
        ],
      });
    },
  }),
];

// ---- derived from the table -------------------------------------------------------

const rowsFrom = (status: ConsultationStatus) => TRANSITIONS.filter((r) => r.from.includes(status));
const findRow = (status: ConsultationStatus, event: ConsultationEventType) =>
  TRANSITIONS.find((r) => r.event === event && r.from.includes(status));

/** Whether a consultation in `status` accepts `event` at all (guards may still refuse it). */
export function canReceive(status: ConsultationStatus, event: ConsultationEventType): boolean {
  return findRow(status, event) !== undefined;
}

/** The events `status` accepts, in table order. */
export function acceptedEvents(status: ConsultationStatus): ConsultationEventType[] {
  return rowsFrom(status).map((r) => r.event);
}

/** Terminal: no event leaves it (so replays and late events can't change it). */
export function isTerminal(status: ConsultationStatus): boolean {
  return rowsFrom(status).length === 0;
}

/** An admin can still refund money in this state. */
export function isRefundable(status: ConsultationStatus): boolean {
  return canReceive(status, "admin_refund");
}

/** Waiting on an admin's decision (a no-show report or a dispute). */
export function needsAdminAttention(status: ConsultationStatus): boolean {
  return rowsFrom(status).some((r) => r.adminDecision === true);
}

/** Every state the table lets `status` move to (itself included for self-loops). */
export function nextStates(status: ConsultationStatus): ConsultationStatus[] {
  return [
    ...new Set(rowsFrom(status).flatMap((r) => r.to.map((t) => (t === "same" ? status : t)))),
  ];
}

export const TERMINAL_STATES: readonly ConsultationStatus[] =
  CONSULTATION_STATES.filter(isTerminal);
export const INITIAL_STATE: ConsultationStatus = "awaiting_payment";

/**
 * Progress along the money lifecycle, used only to label a refused event TOO_EARLY or
 * TOO_LATE (e.g. a payout before release is early; a payment after expiry is late).
 */
const PHASE: Record<ConsultationStatus, number> = {
  awaiting_payment: 0,
  confirmed: 1,
  reschedule_requested: 1,
  completed: 2,
  no_show_client: 2,
  no_show_advisor: 2,
  disputed: 2,
  released: 3,
  paid_out: 4,
  payment_expired: 5,
  cancelled: 5,
  refunded: 5,
};

function refusal(status: ConsultationStatus, event: ConsultationEventType): TransitionError {
  const accepting = CONSULTATION_STATES.filter((s) => canReceive(s, event));
  const phases = accepting.map((s) => PHASE[s]);
  const code: TransitionErrorCode = isTerminal(status)
    ? "TOO_LATE"
    : PHASE[status] < Math.min(...phases)
      ? "TOO_EARLY"
      : PHASE[status] > Math.max(...phases)
        ? "TOO_LATE"
        : "NOT_ALLOWED";
  const why = isTerminal(status) ? ` (${status} is final)` : "";
  return {
    code,
    message: `${event} can't happen while the consultation is ${status}${why}; it is accepted in: ${accepting.join(", ")}`,
    status,
    event,
  };
}

/**
 * Applies one event at `now`. Idempotent by event id: an id already in
 * `appliedEventIds` returns the consultation unchanged with no effects (a replay is not an
 * error). Refused events return a `TransitionError` and are not recorded, so a retry with
 * the same id after the guard would pass is still applied.
 */
export function applyEvent(
  consultation: Consultation,
  event: ConsultationEvent,
  now: Date,
): Result<{ consultation: Consultation; effects: readonly Effect[] }, TransitionError> {
  const base = { status: consultation.status, event: event.type };
  if (event.id === "")
    return err({
      ...base,
      code: "INVALID_EVENT",
      message: "an event needs an id (replays are detected by it)",
    });
  if (consultation.appliedEventIds.includes(event.id)) return ok({ consultation, effects: [] });
  if (!Number.isFinite(now.getTime()))
    return err({ ...base, code: "INVALID_EVENT", message: "now must be a valid date" });
  const found = findRow(consultation.status, event.type);
  if (!found) return err(refusal(consultation.status, event.type));
  if (!found.actors.includes(event.actor)) {
    return err({
      ...base,
      code: "ACTOR_NOT_ALLOWED",
      message: `${event.type} can be sent by ${found.actors.join(" or ")}, not by ${event.actor}`,
    });
  }
  const step = found.run(consultation, event, now);
  if (!step.ok) return err({ ...base, ...step.error });
  const allowed = found.to.map((t) => (t === "same" ? consultation.status : t));
  if (!allowed.includes(step.value.status)) {
    // A row produced a state its own `to` doesn't list: the table and the diagram would disagree.
    return err({
      ...base,
      code: "NOT_ALLOWED",
      message: `table row for ${event.type} can't lead to ${step.value.status}`,
    });
  }
  return ok({
    consultation: {
      ...consultation,
      ...step.value.patch,
      status: step.value.status,
      appliedEventIds: [...consultation.appliedEventIds, event.id],
    },
    effects: step.value.effects,
  });
}

export type NewConsultationInput = {
  id: string;
  advisorId: string;
  paid: PaidSplit;
  refundPolicy: RefundPolicy;
  startsAt: Date;
  endsAt: Date;
  paymentExpiresAt: Date;
  holdWindowHours: number;
};

export type NewConsultationError = { code: "INVALID_CONSULTATION"; message: string };

/** A consultation awaiting payment, with the payment-expiry timer to schedule. */
export function newConsultation(
  input: NewConsultationInput,
): Result<{ consultation: Consultation; effects: readonly Effect[] }, NewConsultationError> {
  const invalid = (message: string) => err({ code: "INVALID_CONSULTATION" as const, message });
  if (input.id === "" || input.advisorId === "") return invalid("id and advisorId are required");
  const split = validatePaidSplit(input.paid);
  if (!split.ok) return invalid(split.error.message);
  const policy = validateRefundPolicy(input.refundPolicy);
  if (!policy.ok) return invalid(policy.error.message);
  const [start, end, expires] = [input.startsAt, input.endsAt, input.paymentExpiresAt].map((d) =>
    d.getTime(),
  ) as [number, number, number];
  if (![start, end, expires].every(Number.isFinite) || end <= start)
    return invalid(
      "startsAt, endsAt and paymentExpiresAt must be valid and the meeting must end after it starts",
    );
  if (!Number.isFinite(input.holdWindowHours) || input.holdWindowHours < 0)
    return invalid(`holdWindowHours must be ≥ 0, got ${input.holdWindowHours}`);
  return ok({
    consultation: {
      ...input,
      status: INITIAL_STATE,
      refundable: input.paid,
      holdEndsAt: null,
      dispute: null,
      transferId: null,
      appliedEventIds: [],
    },
    effects: [{ type: "schedule_timer", timer: "payment_expiry", at: input.paymentExpiresAt }],
  });
}

/**
 * The transition table as a Mermaid `stateDiagram-v2`: one arrow per (from, to) pair,
 * labelled with the events that take it; terminal states point to [*].
 */
export function transitionTableToMermaid(): string {
  const edges = new Map<string, ConsultationEventType[]>();
  for (const r of TRANSITIONS) {
    for (const from of r.from) {
      for (const target of r.to) {
        const to = target === "same" ? from : target;
        const key = `${from} --> ${to}`;
        const events = edges.get(key) ?? [];
        if (!events.includes(r.event)) events.push(r.event);
        edges.set(key, events);
      }
    }
  }
  const lines = ["stateDiagram-v2", `    [*] --> ${INITIAL_STATE}`];
  for (const [edge, events] of edges) lines.push(`    ${edge}: ${events.join(", ")}`);
  for (const s of TERMINAL_STATES) lines.push(`    ${s} --> [*]`);
  return lines.join("\n");
}

/**
 * Keeps what money needs from a replayed step: ledger postings and refunds. Timers and
 * "confirmed" notices of a step that is already history must not fire.
 */
const moneyEffects = (effects: readonly Effect[]) =>
  effects.filter((e) => e.type === "post_ledger" || e.type === "refund_payment");

/**
 * A payment that happened at the provider *before* a cancellation we applied first (so the
 * consultation was cancelled while it still looked unpaid). The outcome is the one of the
 * order things really happened in: captured, then cancelled by the same party at the
 * cancellation's own time — refunded by the frozen policy, the rest released to the advisor
 * and the platform. `c` is the consultation as it is now (cancelled, nothing refunded);
 * the payment's id is recorded as applied. Refused (and nothing changes) when the
 * replayed cancellation would have been refused after the payment.
 */
export function applyPaymentBeforeCancellation(
  c: Consultation,
  payment: EventOf<"payment_succeeded">,
  paidAt: Date,
  cancellation: { readonly id: string; readonly actor: Actor; readonly at: Date },
): Result<{ consultation: Consultation; effects: readonly Effect[] }, TransitionError> {
  if (c.appliedEventIds.includes(payment.id)) return ok({ consultation: c, effects: [] });
  if (c.status !== "cancelled") {
    return err({
      code: "NOT_ALLOWED",
      message: `a payment is replayed before a cancellation only on a cancelled consultation, not ${c.status}`,
      status: c.status,
      event: payment.type,
    });
  }
  const unpaid: Consultation = { ...c, status: "awaiting_payment", appliedEventIds: [] };
  const paid = applyEvent(unpaid, payment, paidAt);
  if (!paid.ok) return err({ ...paid.error, status: c.status });
  const cancelled = applyEvent(
    paid.value.consultation,
    { type: "cancelled", id: cancellation.id, actor: cancellation.actor },
    cancellation.at,
  );
  if (!cancelled.ok) return err({ ...cancelled.error, status: c.status, event: payment.type });
  const refunded = cancelled.value.effects.some(
    (e) => e.type === "refund_payment" && e.amount.amount > 0,
  );
  return ok({
    consultation: {
      ...cancelled.value.consultation,
      appliedEventIds: [...c.appliedEventIds, payment.id],
    },
    effects: [
      ...moneyEffects(paid.value.effects),
      ...moneyEffects(cancelled.value.effects),
      ...(refunded ? [notify("client", "refunded")] : []),
    ],
  });
}

/**
 * A cancellation that happened at the provider *before* the payment we applied first (the
 * client paid an already-cancelled booking). The outcome is the one of that order: the
 * booking was cancelled unpaid and the payment, arriving after it, goes back in full —
 * nothing is kept by the advisor or the platform, whatever the policy tier. Like the
 * late-payment path, `refundable` stays as it was (the cancellation refunded nothing).
 */
export function applyCancellationBeforePayment(
  c: Consultation,
  cancellation: EventOf<"cancelled">,
): Result<{ consultation: Consultation; effects: readonly Effect[] }, TransitionError> {
  if (c.appliedEventIds.includes(cancellation.id)) return ok({ consultation: c, effects: [] });
  if (c.status !== "confirmed") {
    return err({
      code: "NOT_ALLOWED",
      message: `only a confirmed consultation can have been cancelled before its payment, not ${c.status}`,
      status: c.status,
      event: cancellation.type,
    });
  }
  const entry = posted(
    ledger.refund({
      consultationId: c.id,
      advisorId: c.advisorId,
      fromAdvisorShare: c.refundable.advisorShare,
      fromPlatformFee: c.refundable.platformFee,
      stage: "held",
    }),
  );
  if (!entry.ok) return err({ ...entry.error, status: c.status, event: cancellation.type });
  const refund: Effect[] =
    c.refundable.price.amount > 0 ? [{ type: "refund_payment", amount: c.refundable.price }] : [];
  return ok({
    consultation: {
      ...c,
      status: "cancelled",
      appliedEventIds: [...c.appliedEventIds, cancellation.id],
    },
    effects: [
      ...entry.value,
      ...refund,
      { type: "cancel_timer", timer: "scheduled_end" },
      notify("client", "cancelled"),
      notify("advisor", "cancelled"),
    ],
  });
}
