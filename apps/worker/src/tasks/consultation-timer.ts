import { type CheckoutSession, isProviderError } from "@an/billing";
import { applyConsultationEvent, listPayments, lockConsultation } from "@an/db";
import type { TimerName } from "@an/domain";
import { applyPaidSession } from "../processing/stripe";
import type { TaskHandler, WorkerDeps } from "./types";

const EVENT_OF: Record<
  TimerName,
  "payment_expired" | "scheduled_end_reached" | "hold_window_elapsed" | "advisor_reply_overdue"
> = {
  payment_expiry: "payment_expired",
  scheduled_end: "scheduled_end_reached",
  hold_window_elapsed: "hold_window_elapsed",
  // An async pass's first-reply deadline: the machine refunds it if the advisor never answered.
  pass_reply_due: "advisor_reply_overdue",
};

/**
 * A consultation timer firing: the matching clock event, id `timer:<timer>:<at>` (a timer
 * moved by a reschedule is a new id). Refusals are normal (the consultation moved on) and
 * not put on the timeline. A job that runs before its own time (clocks a little apart) is
 * retried rather than dropped.
 *
 * The payment deadline is settled with the payment provider first (see `askProvider`), so
 * whether the client paid in time is what happened at Stripe, not which of our timer and
 * Stripe's webhook reached the worker first.
 */
export function consultationTimer(deps: WorkerDeps): TaskHandler<"consultation_timer"> {
  return async ({ consultationId, timer, at }) => {
    if (timer === "payment_expiry") await askProvider(deps, consultationId);
    const now = deps.now();
    const result = await deps.db.transaction((tx) =>
      applyConsultationEvent(tx, {
        consultationId,
        event: { type: EVENT_OF[timer], id: `timer:${timer}:${at}`, actor: "system" },
        now,
        origin: { source: `timer:${timer}` },
        recordRefusal: false,
      }),
    );
    if (result.kind === "refused" && result.error.code === "TOO_EARLY" && now < new Date(at)) {
      throw new Error(`timer ${timer} ran before ${at}; retrying`);
    }
    deps.log.info(
      {
        consultationId,
        timer,
        result: result.kind,
        ...(result.kind === "refused" ? { code: result.error.code } : {}),
      },
      "consultation timer",
    );
  };
}

/**
 * Before a payment deadline expires the consultation, each checkout session still open on
 * our side is expired at the provider (outside any transaction; the key is the one
 * `expire_checkout` uses, so the two agree). Stripe expires an open session, after which it
 * can't be paid: the deadline then wins. Stripe refuses for a session the client completed
 * first: a paid one is applied as its webhook would apply it, with the charge's time (the
 * webhook, arriving later, finds it recorded; a payment that doesn't confirm, such as a
 * wrong amount, leaves the deadline to apply just as it would after that webhook). A
 * delayed payment still settling (`complete`, `unpaid`) keeps the consultation waiting for
 * Stripe's verdict, since the client finished checkout in time: this job retries (asking
 * Stripe again, so a success is applied even if its webhook is slow), and the failure's
 * webhook queues the deadline again. The provider being unreachable retries too: the
 * deadline is never applied without the provider's word.
 */
async function askProvider(deps: WorkerDeps, consultationId: string): Promise<void> {
  const open = await openSessionsPastDeadline(deps, consultationId);
  const settling: CheckoutSession[] = [];
  for (const payment of open) {
    const session = await deps.payments
      .expireCheckoutSession({
        sessionId: payment.providerSessionId!,
        idempotencyKey: `expire:${payment.id}`,
      })
      .catch((error: unknown) => {
        // A session the provider doesn't have can't be paid either.
        if (isProviderError(error, "rejected") && error.code === "resource_missing") return null;
        throw error;
      });
    if (session?.status !== "complete") continue;
    if (session.paymentStatus === "paid") {
      const outcome = await applyPaidSession(deps, { session, source: "timer:payment_expiry" });
      deps.log.info(
        { consultationId, sessionId: session.id, outcome: outcome.outcome },
        "payment deadline: the client had paid at the provider",
      );
    } else {
      settling.push(session);
    }
  }
  if (settling.length > 0 && (await openSessionsPastDeadline(deps, consultationId)).length > 0) {
    throw new Error(
      `payment deadline of ${consultationId}: checkout ${settling.map((s) => s.id).join(", ")} completed in time with a delayed payment still settling; retrying`,
    );
  }
}

/**
 * The consultation's payments with an open session at the provider, when it still awaits
 * payment and its deadline has come (before it, the domain refuses the expiry and the job
 * retries: Stripe is never asked to expire a session early).
 */
async function openSessionsPastDeadline(deps: WorkerDeps, consultationId: string) {
  const now = deps.now();
  return deps.db.transaction(async (tx) => {
    const c = await lockConsultation(tx, { id: consultationId });
    if (!c || c.status !== "awaiting_payment") return [];
    if (now.getTime() < (c.paymentExpiresAt ?? c.startsAt).getTime()) return [];
    const rows = await listPayments(tx, { consultationId });
    return rows.filter((p) => p.status === "open" && p.providerSessionId);
  });
}
