import {
  type Consultation,
  type ConsultationEvent,
  type ConsultationEventType,
  type Effect,
  type TransitionError,
  type TransitionErrorCode,
} from "./consultation-types";
import {
  type PaidSplit,
  type RefundPolicy,
  validatePaidSplit,
  validateRefundPolicy,
} from "./refund-policy";
import { err, ok, type Result } from "./result";
import { CONSULTATION_STATES, type ConsultationKind, type ConsultationStatus } from "./vocabulary";
import { isPass, MEETING_EVENTS } from "./consultation-pass-steps";
import { TRANSITIONS } from "./consultation-transitions";

export type { TransitionRow } from "./consultation-steps";
export { TRANSITIONS } from "./consultation-transitions";

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
 * the same id after the guard would pass is still applied. The effects are every side
 * effect of the transition, in the order to perform them: the caller adds none of its own.
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
  if (isPass(consultation) && MEETING_EVENTS.includes(event.type)) {
    return err({
      ...base,
      code: "NOT_ALLOWED",
      message: `${event.type} is about a meeting; an async advice pass has none`,
    });
  }
  const found = findRow(consultation.status, event.type);
  if (!found) return err(refusal(consultation.status, event.type));
  if (found.passOnly && !isPass(consultation)) {
    return err({
      ...base,
      code: "NOT_ALLOWED",
      message: `${event.type} applies only to an async advice pass`,
    });
  }
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
  // Released money may sit in a payout not sent yet: whatever else happens to it (a refund,
  // a chargeback) withdraws that payout first, so the two never race.
  const withdraw: Effect[] =
    consultation.status === "released" && event.type !== "payout_sent"
      ? [{ type: "withdraw_payout", because: event.type }]
      : [];
  return ok({
    consultation: {
      ...consultation,
      ...step.value.patch,
      status: step.value.status,
      appliedEventIds: [...consultation.appliedEventIds, event.id],
    },
    effects: [...withdraw, ...step.value.effects],
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
  /** Absent = a booking. A pass's window is a placeholder until it is paid. */
  kind?: ConsultationKind;
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
