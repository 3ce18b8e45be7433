import type { Actor, ConsultationNotice, Effect, NoticeAudience } from "@an/domain";
import type { Executor } from "../client";
import { enqueueJob, enqueueJobs, type QueuedJob } from "../jobs";
import {
  type ConsultationRow,
  type EventOrigin,
  removeTimerJob,
  timerJobKey,
} from "../queries/consultations";
import { postJournalEntry } from "../queries/ledger";
import { insertRefund, listOpenPaymentIds } from "../queries/payments";
import { withdrawUnsentPayoutItem } from "./payout-items";
import { listAdminIds } from "../queries/roles";
import { requestTransferReversal } from "./transfer-reversals";

/** Queues expiry of any checkout session still open for the consultation. */
export async function expireOpenPayments(tx: Executor, consultationId: string): Promise<void> {
  for (const id of await listOpenPaymentIds(tx, { consultationId })) {
    await enqueueJob(tx, "expire_checkout", { paymentId: id });
  }
}

/**
 * Queues the cancellation of a Cal.com booking: one a consultation was cancelled from on
 * the platform, or one refused outright (`jobKey` then keeps it to one job per booking).
 */
export async function cancelBookingOnCalendar(
  tx: Executor,
  input: { bookingUid: string; reason: string; jobKey?: string },
): Promise<void> {
  await enqueueJob(
    tx,
    "cancel_booking",
    { bookingUid: input.bookingUid, reason: input.reason.slice(0, 500) },
    input.jobKey ? { jobKey: input.jobKey } : {},
  );
}

type NoticeInput = {
  consultation: Pick<ConsultationRow, "id" | "clientId" | "advisorId">;
  to: NoticeAudience;
  notice: ConsultationNotice;
  /** Makes the message unique: the same key twice sends once. */
  cause: string;
  amount?: number;
  url?: string;
  reason?: string;
};

/** The `send_notification` jobs of a consultation notice to the client, the advisor or every admin. */
async function consultationNoticeJobs(tx: Executor, input: NoticeInput): Promise<QueuedJob[]> {
  const { consultation: c } = input;
  const recipients =
    input.to === "client"
      ? [{ userId: c.clientId, role: "client" as const }]
      : input.to === "advisor"
        ? [{ userId: c.advisorId, role: "advisor" as const }]
        : (await listAdminIds(tx)).map((userId) => ({ userId, role: "admin" as const }));
  return recipients.map((r) => ({
    name: "send_notification",
    payload: {
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
    },
  }));
}

/** Enqueues a consultation notice to the client, the advisor or every admin. */
export async function notifyAboutConsultation(tx: Executor, input: NoticeInput): Promise<void> {
  await enqueueJobs(tx, await consultationNoticeJobs(tx, input));
}

const cancelledBy = (by: Actor) => `Cancelled by the ${by}`;

/**
 * Performs the effects the machine returned for one event, in its order, in the caller's
 * transaction: ledger postings, timers, notices, refund rows and their provider jobs,
 * transfer reversals, withdrawing an unsent payout, expiring open checkouts and cancelling
 * the calendar booking. The one place a transition's side effects happen.
 */
export async function performEffects(
  tx: Executor,
  input: {
    consultation: ConsultationRow;
    eventId: string;
    /** When the event applied (a withdrawn payout item is stamped with it). */
    now: Date;
    effects: readonly Effect[];
    origin: EventOrigin;
  },
): Promise<void> {
  const { consultation: c, eventId, origin } = input;
  const refunded = input.effects
    .filter((e) => e.type === "refund_payment")
    .reduce((total, e) => total + e.amount.amount, 0);
  // Ledger dedupe keys number the transition's own effects: a withdrawal (posted under its
  // payout item's key) comes first and isn't counted, so keys already in the ledger keep
  // their meaning.
  let index = 0;
  // Jobs of consecutive effects (a timer and the notices, typically) go in one add_jobs
  // call; anything else first flushes them, so every statement keeps the machine's order.
  const queued: QueuedJob[] = [];
  const flush = () => enqueueJobs(tx, queued.splice(0));
  for (const effect of input.effects) {
    if (effect.type !== "withdraw_payout") index += 1;
    if (effect.type !== "schedule_timer" && effect.type !== "notify") await flush();
    switch (effect.type) {
      case "post_ledger":
        await postJournalEntry(tx, {
          entry: effect.entry,
          dedupeKey: `consultation:${c.id}:${eventId}:${index}`,
          memo: origin.reason ?? null,
        });
        break;
      case "schedule_timer":
        queued.push({
          name: "consultation_timer",
          payload: { consultationId: c.id, timer: effect.timer, at: effect.at.toISOString() },
          options: { runAt: effect.at, jobKey: timerJobKey(c.id, effect.timer), maxAttempts: 25 },
        });
        break;
      case "cancel_timer":
        await removeTimerJob(tx, { consultationId: c.id, timer: effect.timer });
        break;
      case "notify":
        queued.push(
          ...(await consultationNoticeJobs(tx, {
            consultation: c,
            to: effect.to,
            notice: effect.template,
            cause: eventId,
            ...(refunded > 0 ? { amount: refunded } : {}),
            ...(origin.reason ? { reason: origin.reason } : {}),
          })),
        );
        break;
      case "refund_payment": {
        const refund = await insertRefund(tx, {
          consultationId: c.id,
          amount: effect.amount.amount,
          currency: effect.amount.currency,
          reason: origin.reason ?? eventId,
          eventId,
          requestedBy: origin.actorUserId ?? null,
        });
        if (refund.created) await enqueueJob(tx, "refund_payment", { refundId: refund.id });
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
      case "withdraw_payout":
        // Throws while the transfer may already be at the provider: the event waits.
        await withdrawUnsentPayoutItem(tx, {
          consultationId: c.id,
          now: input.now,
          reason: `withdrawn: ${effect.because} (${eventId})`,
        });
        break;
      case "expire_open_payments":
        await expireOpenPayments(tx, c.id);
        break;
      case "cancel_booking":
        if (c.bookingUid) {
          await cancelBookingOnCalendar(tx, {
            bookingUid: c.bookingUid,
            reason: origin.reason?.trim() || cancelledBy(effect.by),
          });
        }
        break;
    }
  }
  await flush();
}
