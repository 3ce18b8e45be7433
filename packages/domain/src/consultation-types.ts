import { type Money } from "./money";
import { type JournalEntry } from "./ledger";
import { type PaidSplit, type RefundPolicy } from "./refund-policy";
import type { ConsultationNotice, NoticeAudience } from "./consultation-notice";
import type { PartyRole } from "./roles";
import type { ConsultationKind, ConsultationStatus } from "./vocabulary";

/** A client's complaint (an admin decides) or a chargeback (the bank decides). */
export const DISPUTE_KINDS = ["client", "chargeback"] as const;
export type DisputeKind = (typeof DISPUTE_KINDS)[number];

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
  /** An async pass's advisor didn't reply by the deadline (a timer). */
  "advisor_reply_overdue",
] as const;
export type ConsultationEventType = (typeof CONSULTATION_EVENTS)[number];

/** Who causes an event: people, or `system` (webhooks, timers, payout runs). */
export const ACTORS = ["client", "advisor", "admin", "system"] as const;
export type Actor = (typeof ACTORS)[number];

export const TIMERS = [
  "payment_expiry",
  "scheduled_end",
  "hold_window_elapsed",
  /** An async pass's first-reply deadline. */
  "pass_reply_due",
] as const;
export type TimerName = (typeof TIMERS)[number];

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
  /** A booked meeting (the default when absent) or an async advice pass. */
  readonly kind?: ConsultationKind;
  /**
   * Async passes only: when the advisor first posted a message attributed to the pass
   * (null = never). Loaded from the chat; it decides the no-reply refund and the
   * cancellation refund (see `async-pass.ts`).
   */
  readonly firstAdvisorReplyAt?: Date | null;
};

/** Event payloads by type. */
export type EventPayload =
  | { readonly type: "payment_succeeded"; readonly amount: Money; readonly processingFee?: Money }
  | { readonly type: "payment_failed" }
  | { readonly type: "payment_expired" }
  | { readonly type: "reschedule_requested" }
  | { readonly type: "rescheduled"; readonly startsAt: Date; readonly endsAt: Date }
  | {
      readonly type: "cancelled";
      /**
       * Made on the platform (a party's command): the calendar booking is still live and is
       * cancelled too. Absent when the calendar reported the cancellation itself.
       */
      readonly onPlatform?: boolean;
    }
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
      /**
       * What left the platform's balance when the transfer went out in the settlement
       * currency for earnings in another (converted at the charge's rate).
       */
      readonly settled?: Money;
    }
  | { readonly type: "chargeback_opened"; readonly amount: Money; readonly fee: Money }
  | { readonly type: "chargeback_won" }
  | { readonly type: "chargeback_lost" }
  | { readonly type: "admin_refund"; readonly amount: Money }
  | { readonly type: "advisor_reply_overdue" };

/**
 * An event with its id (the provider's event id, the timer's job key, or the procedure's
 * request id) and who caused it. `cancelled` is "cancelled by `actor`".
 */
export type ConsultationEvent = EventPayload & { readonly id: string; readonly actor: Actor };
/** The event of one type, with its payload narrowed. */
export type EventOf<T extends ConsultationEventType> = Extract<ConsultationEvent, { type: T }>;

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
  | { readonly type: "reverse_transfer"; readonly amount: Money }
  /**
   * Released money is about to move another way than its payout (a refund, a chargeback):
   * a payout of it not sent yet is withdrawn first, and one being sent makes the event wait.
   */
  | { readonly type: "withdraw_payout"; readonly because: ConsultationEventType }
  /** The consultation stopped awaiting payment: a checkout still open must not take one. */
  | { readonly type: "expire_open_payments" }
  /** Cancelled on the platform: the calendar booking is cancelled too, in `by`'s name. */
  | { readonly type: "cancel_booking"; readonly by: Actor };

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
