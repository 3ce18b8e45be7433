import { applyEvent } from "./consultation-machine";
import { notify, posted } from "./consultation-steps";
import type { Actor, Consultation, Effect, EventOf, TransitionError } from "./consultation-types";
import * as ledger from "./ledger";
import { err, ok, type Result } from "./result";

// Events that reached us in the other order than they happened at their providers: the
// outcome is the one of the order things really happened in.

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
