import { ledger, type Money, noticeFor } from "@an/domain";
import type { Executor } from "../client";
import { enqueueJob } from "../jobs";
import { writeAudit } from "../queries/audit";
import { postJournalEntry } from "../queries/ledger";
import { insertRefund } from "../queries/payments";
import {
  planUnappliedRefund,
  resolveUnappliedChargeIncidents,
  type UnappliedCharge,
  type UnappliedRefundPlan,
} from "../queries/unapplied-payments";
import type { ConsultationRow } from "../queries/consultations";
import { notifyAboutConsultation } from "./consultation-effects";

/**
 * Books a charge the consultation didn't accept: the money received into its own suspense
 * account and the provider's fee, in the currency charged. Idempotent per payment.
 */
export async function recordUnappliedPayment(
  tx: Executor,
  input: { consultationId: string; paymentId: string; amount: Money; fee?: Money; memo: string },
): Promise<void> {
  const built = [
    ledger.paymentUnapplied({
      consultationId: input.consultationId,
      paymentId: input.paymentId,
      amount: input.amount,
    }),
    ...(input.fee && input.fee.amount > 0
      ? [ledger.processingFee({ consultationId: input.consultationId, fee: input.fee })]
      : []),
  ];
  const names = ["receipt", "fee"];
  for (const [i, entry] of built.entries()) {
    if (!entry.ok) throw new Error(`unapplied payment entry refused: ${entry.error.message}`);
    await postJournalEntry(tx, {
      entry: entry.value,
      dedupeKey: `unapplied-payment:${input.paymentId}:${names[i]}`,
      memo: input.memo,
    });
  }
}

export type UnappliedRefundOutcome =
  | Exclude<UnappliedRefundPlan, { kind: "ok" }>
  | { kind: "applied"; consultation: ConsultationRow; charge: UnappliedCharge; refundId: string };

/**
 * An admin returns an unapplied charge in full, in one transaction: the refund entry (the
 * suspense account back to zero), a refund row naming the payment (its id is the
 * provider's idempotency key) and its provider job, the audit record, the client's notice,
 * and the incidents raised about that charge resolved.
 */
export async function refundUnappliedPayment(
  tx: Executor,
  input: {
    consultationId: string;
    paymentId: string;
    amount: number;
    adminId: string;
    requestId: string;
    reason: string;
  },
): Promise<UnappliedRefundOutcome> {
  const plan = await planUnappliedRefund(tx, { ...input, lock: true });
  if (plan.kind !== "ok") return plan;
  const { consultation: c, charge } = plan;
  const cause = `unapplied-refund:${charge.paymentId}`;
  await postJournalEntry(tx, {
    entry: plan.entry,
    dedupeKey: `unapplied-payment:${charge.paymentId}:refund`,
    memo: input.reason,
  });
  const refund = await insertRefund(tx, {
    consultationId: c.id,
    amount: charge.outstanding,
    currency: charge.currency,
    reason: input.reason,
    eventId: cause,
    requestedBy: input.adminId,
    paymentId: charge.paymentId,
  });
  if (refund.created) await enqueueJob(tx, "refund_payment", { refundId: refund.id });
  const resolvedIncidents = await resolveUnappliedChargeIncidents(tx, {
    consultationId: c.id,
    paymentId: charge.paymentId,
    resolvedBy: input.adminId,
    resolution: `The charge was refunded in full (${charge.outstanding} ${charge.currency}, refund ${refund.id}): ${input.reason}`,
  });
  await writeAudit(tx, {
    actor: { kind: "user", userId: input.adminId },
    action: "consultation.refund_unapplied_charge",
    subjectType: "consultation",
    subjectId: c.id,
    before: { status: c.status, paymentId: charge.paymentId, outstanding: charge.outstanding },
    after: {
      status: c.status,
      paymentId: charge.paymentId,
      refundId: refund.id,
      amount: charge.outstanding,
      currency: charge.currency,
      reason: input.reason,
      resolvedIncidents,
    },
    requestId: input.requestId,
  });
  // The notice formats amounts in the consultation's currency; a charge in another one
  // is still refunded, the client just hears it from the provider's receipt.
  if (charge.currency === c.currency) {
    await notifyAboutConsultation(tx, {
      consultation: c,
      to: "client",
      notice: noticeFor(c.kind, "refunded"),
      cause,
      amount: charge.outstanding,
      reason: input.reason,
    });
  }
  return {
    kind: "applied",
    consultation: c,
    charge: { ...charge, outstanding: 0 },
    refundId: refund.id,
  };
}
