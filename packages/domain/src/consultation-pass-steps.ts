/**
 * The steps the transition table runs for an async advice pass (`kind: "async_pass"`), where
 * they differ from a booking's; the policy itself (windows, deadlines, refunds) is in
 * `async-pass.ts`.
 */

import {
  decideRefund,
  fail,
  keptSplit,
  notify,
  refundEffects,
  type RunResult,
} from "./consultation-steps";
import {
  type Consultation,
  type ConsultationEvent,
  type ConsultationEventType,
  type Effect,
} from "./consultation-types";
import { type Canceller } from "./refund-policy";
import { ok } from "./result";

/** Whether the consultation is an async advice pass (not a booked meeting). */
export function isPass(c: Consultation): boolean {
  return c.kind === "async_pass";
}

/** Events about a meeting: a pass has none, so they never apply to one. */
export const MEETING_EVENTS: readonly ConsultationEventType[] = [
  "reschedule_requested",
  "rescheduled",
  "meeting_ended",
  "no_show_reported",
];

/** The advisor never replied by the deadline: everything refunded, the pass ends. */
export function refundUnanswered(c: Consultation): RunResult {
  const outcome = decideRefund(c, { kind: "pass_no_reply" });
  if (!outcome.ok) return outcome;
  const effects = refundEffects(c, outcome.value, "held", true);
  if (!effects.ok) return effects;
  return ok({
    status: "refunded",
    patch: { refundable: keptSplit(outcome.value) },
    effects: [
      ...effects.value,
      { type: "cancel_timer", timer: "scheduled_end" },
      { type: "cancel_timer", timer: "pass_reply_due" },
      notify("client", "pass_unanswered"),
      notify("advisor", "pass_unanswered"),
    ],
  });
}

/** A paid pass cancelled during its window, refunded by the pass policy. */
export function cancelPass(
  c: Consultation,
  actor: ConsultationEvent["actor"],
  now: Date,
  notices: Effect[],
): RunResult {
  const by: Canceller = actor === "client" ? "client" : actor === "advisor" ? "advisor" : "admin";
  const reply = c.firstAdvisorReplyAt;
  const outcome = decideRefund(c, {
    kind: "pass_cancellation",
    by,
    advisorReplied: reply != null && reply.getTime() <= now.getTime(),
    startsAt: c.startsAt,
    endsAt: c.endsAt,
    cancelledAt: now,
  });
  if (!outcome.ok) {
    return now.getTime() >= c.endsAt.getTime()
      ? fail("TOO_LATE", "the pass has ended; open a dispute instead of cancelling")
      : outcome;
  }
  const effects = refundEffects(c, outcome.value, "held", true);
  if (!effects.ok) return effects;
  return ok({
    status: "cancelled",
    patch: { refundable: keptSplit(outcome.value) },
    effects: [
      ...effects.value,
      { type: "cancel_timer", timer: "scheduled_end" },
      { type: "cancel_timer", timer: "pass_reply_due" },
      ...notices,
    ],
  });
}
