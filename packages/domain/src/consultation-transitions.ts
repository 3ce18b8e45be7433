import { passReplyDeadline, passWindowFrom, repliedInTime } from "./async-pass";
import * as ledger from "./ledger";
import {
  complete,
  decideRefund,
  endDuringChargeback,
  fail,
  holdOpen,
  keptSplit,
  later,
  noShowRejected,
  notify,
  posted,
  refundEffects,
  releaseEffects,
  resumeHold,
  row,
  sameMoney,
  stageOf,
  type Step,
  type TransitionRow,
  zeroSplit,
} from "./consultation-steps";
import { noticeFor } from "./consultation-notice";
import { type Effect } from "./consultation-types";
import { type Canceller } from "./refund-policy";
import { cancelPass, isPass, refundUnanswered } from "./consultation-pass-steps";
import { ok } from "./result";

/**
 * The transition table: for each event, the states that accept it, who may send it, the
 * possible next states, and `run` (guard + effects as data). At most one row per
 * (state, event). Every predicate in `consultation-machine.ts` is derived from this table.
 */
export const TRANSITIONS: readonly TransitionRow[] = [
  row({
    event: "payment_succeeded",
    from: ["awaiting_payment"],
    actors: ["system"],
    to: ["confirmed"],
    run(c, e, now) {
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
      if (isPass(c)) {
        // A pass starts when it is paid, so a slow checkout costs the client no days.
        const window = passWindowFrom(c, now);
        return ok({
          status: "confirmed",
          patch: window,
          effects: [
            ...captured.value,
            ...fee.value,
            { type: "cancel_timer", timer: "payment_expiry" },
            { type: "schedule_timer", timer: "scheduled_end", at: window.endsAt },
            { type: "schedule_timer", timer: "pass_reply_due", at: passReplyDeadline(window) },
            notify("client", "pass_confirmed"),
            notify("advisor", "pass_confirmed"),
            { type: "expire_open_payments" },
          ],
        });
      }
      return ok({
        status: "confirmed",
        effects: [
          ...captured.value,
          ...fee.value,
          { type: "cancel_timer", timer: "payment_expiry" },
          { type: "schedule_timer", timer: "scheduled_end", at: c.endsAt },
          notify("client", "booking_confirmed"),
          notify("advisor", "booking_confirmed"),
          // Any other checkout still open for the consultation must not take a second payment.
          { type: "expire_open_payments" },
        ],
      });
    },
  }),
  row({
    event: "payment_failed",
    from: ["awaiting_payment"],
    actors: ["system"],
    to: ["same"],
    run: (c) =>
      ok({
        status: "awaiting_payment",
        effects: [notify("client", noticeFor(c.kind, "payment_failed"))],
      }),
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
      return ok({
        status: "payment_expired",
        effects: [
          notify("client", noticeFor(c.kind, "payment_expired")),
          { type: "expire_open_payments" },
        ],
      });
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
      const notice = noticeFor(c.kind, "cancelled");
      const notices = [notify("client", notice), notify("advisor", notice)];
      // Cancelled on the platform: the booking is still live on the calendar (a pass has none).
      const onCalendar: Effect[] =
        e.onPlatform && !isPass(c) ? [{ type: "cancel_booking", by: e.actor }] : [];
      if (c.status === "awaiting_payment") {
        return ok({
          status: "cancelled",
          effects: [
            { type: "cancel_timer", timer: "payment_expiry" },
            ...notices,
            { type: "expire_open_payments" },
            ...onCalendar,
          ],
        });
      }
      if (isPass(c)) return cancelPass(c, e.actor, now, notices);
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
        effects: [
          ...effects.value,
          { type: "cancel_timer", timer: "scheduled_end" },
          ...notices,
          ...onCalendar,
        ],
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
    to: ["completed", "refunded"],
    run(c, _e, now) {
      if (now.getTime() < c.endsAt.getTime()) {
        return fail("TOO_EARLY", `the scheduled end is ${c.endsAt.toISOString()}`);
      }
      // A pass whose advisor never replied in time is refunded whichever clock comes first.
      if (isPass(c) && c.status === "confirmed" && !repliedInTime(c)) return refundUnanswered(c);
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
        ledger.transfer({
          consultationId: c.id,
          advisorId: c.advisorId,
          amount: e.amount,
          settled: e.settled ?? null,
        }),
      );
      if (!entry.ok) return entry;
      return ok({
        status: "paid_out",
        patch: { transferId: e.transferId },
        effects: [...entry.value, notify("advisor", noticeFor(c.kind, "payout_sent"))],
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
    event: "advisor_reply_overdue",
    from: ["confirmed"],
    actors: ["system"],
    to: ["refunded"],
    passOnly: true,
    run(c, _e, now) {
      const deadline = passReplyDeadline(c);
      if (now.getTime() < deadline.getTime()) {
        return fail("TOO_EARLY", `the advisor's first reply is due by ${deadline.toISOString()}`);
      }
      if (repliedInTime(c)) {
        return fail(
          "NOT_ALLOWED",
          `the advisor replied at ${c.firstAdvisorReplyAt!.toISOString()}, in time`,
        );
      }
      return refundUnanswered(c);
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
            ...(isPass(c) ? [{ type: "cancel_timer", timer: "pass_reply_due" } as const] : []),
          ]
        : [];
      return ok({
        status: full ? "refunded" : c.status,
        patch: { refundable: keptSplit(outcome.value) },
        effects: [
          ...effects.value,
          ...stopTimers,
          notify("client", noticeFor(c.kind, "refunded")),
          notify("advisor", noticeFor(c.kind, "refunded")),
        ],
      });
    },
  }),
];
