import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { type CurrencyCode, isRefundable, type JournalEntry, ledger } from "@an/domain";
import type { Executor } from "../client";
import { consultations, journalPostings, payments, securityIncidents } from "../schema";
import { type ConsultationRow, lockConsultation } from "./consultations";
import { getPayment } from "./payments";

/**
 * A charge the provider took for a consultation that didn't accept it (an amount or
 * currency other than the quote's): booked apart from the consultation's funds, in
 * `unapplied_payment:<payment id>`, until an admin refunds it in full.
 */
export type UnappliedCharge = {
  paymentId: string;
  /** What the provider charged, minor units of `currency`. */
  amount: number;
  currency: string;
  chargeId: string | null;
  paidAt: Date | null;
  /** What is still owed back to the client (0 once refunded). */
  outstanding: number;
};

const unappliedAccount = sql`'unapplied_payment:' || ${payments.id}::text`;

/** A consultation's unapplied charges (refunded ones too, with nothing outstanding), oldest first. */
export async function listUnappliedCharges(
  ex: Executor,
  params: { consultationId: string },
): Promise<UnappliedCharge[]> {
  const rows = await ex
    .select({
      paymentId: payments.id,
      amount: payments.amount,
      currency: payments.currency,
      chargeId: payments.chargeId,
      paidAt: payments.paidAt,
      balance: sql<string>`sum(${journalPostings.amount})`,
    })
    .from(payments)
    .innerJoin(
      journalPostings,
      and(
        eq(journalPostings.account, unappliedAccount),
        eq(journalPostings.currency, payments.currency),
      ),
    )
    .where(and(eq(payments.consultationId, params.consultationId), eq(payments.status, "paid")))
    .groupBy(payments.id)
    .orderBy(payments.paidAt, payments.id);
  return rows.map(({ balance, ...r }) => ({ ...r, outstanding: -Number(balance) || 0 }));
}

/**
 * What "refund this consultation" means for one whose own status refunds nothing (it was
 * never confirmed, or is final) but which has unapplied charges outstanding: its one such
 * charge, or several to choose from. `none` leaves the decision to the state machine.
 */
export async function unappliedChargeInPlaceOf(
  ex: Executor,
  params: { consultationId: string },
): Promise<
  { kind: "none" } | { kind: "one"; paymentId: string } | { kind: "several"; count: number }
> {
  const consultation = await getConsultationRow(ex, params.consultationId);
  if (!consultation || isRefundable(consultation.status)) return { kind: "none" };
  const outstanding = (await listUnappliedCharges(ex, params)).filter((c) => c.outstanding > 0);
  if (outstanding.length === 0) return { kind: "none" };
  if (outstanding.length === 1) return { kind: "one", paymentId: outstanding[0]!.paymentId };
  return { kind: "several", count: outstanding.length };
}

/** Why an unapplied charge can't be refunded as asked. */
export type UnappliedRefundRefusal =
  | { code: "NOT_UNAPPLIED" }
  | { code: "ALREADY_REFUNDED"; charge: UnappliedCharge }
  | { code: "NOT_FULL_AMOUNT"; charge: UnappliedCharge };

export type UnappliedRefundPlan =
  | { kind: "not_found" }
  | { kind: "refused"; refusal: UnappliedRefundRefusal }
  | { kind: "ok"; consultation: ConsultationRow; charge: UnappliedCharge; entry: JournalEntry };

/**
 * What refunding `paymentId` of `consultationId` for `amount` would do: only a charge the
 * consultation didn't accept, only in full (what is still outstanding), in the currency
 * charged. `lock` takes the consultation and payment locks (for the refund itself).
 */
export async function planUnappliedRefund(
  ex: Executor,
  params: { consultationId: string; paymentId: string; amount: number; lock?: boolean },
): Promise<UnappliedRefundPlan> {
  const consultation = params.lock
    ? await lockConsultation(ex, { id: params.consultationId })
    : await getConsultationRow(ex, params.consultationId);
  if (!consultation) return { kind: "not_found" };
  const payment = await getPayment(ex, { id: params.paymentId, forUpdate: params.lock });
  if (!payment || payment.consultationId !== consultation.id || payment.status !== "paid") {
    return { kind: "refused", refusal: { code: "NOT_UNAPPLIED" } };
  }
  const charge = (await listUnappliedCharges(ex, { consultationId: consultation.id })).find(
    (c) => c.paymentId === payment.id,
  );
  if (!charge || !payment.paymentIntentId) {
    return { kind: "refused", refusal: { code: "NOT_UNAPPLIED" } };
  }
  if (charge.outstanding <= 0) {
    return { kind: "refused", refusal: { code: "ALREADY_REFUNDED", charge } };
  }
  if (params.amount !== charge.outstanding) {
    return { kind: "refused", refusal: { code: "NOT_FULL_AMOUNT", charge } };
  }
  const entry = ledger.unappliedPaymentRefunded({
    consultationId: consultation.id,
    paymentId: payment.id,
    amount: { amount: charge.outstanding, currency: charge.currency as CurrencyCode },
  });
  if (!entry.ok) throw new Error(`unapplied refund entry refused: ${entry.error.message}`);
  return { kind: "ok", consultation, charge, entry: entry.value };
}

async function getConsultationRow(ex: Executor, id: string): Promise<ConsultationRow | null> {
  const [row] = await ex.select().from(consultations).where(eq(consultations.id, id));
  return row ?? null;
}

/**
 * Resolves the open incidents raised about an unapplied charge (an amount mismatch, an
 * unknown charge) once it was refunded; returns their ids.
 */
export async function resolveUnappliedChargeIncidents(
  tx: Executor,
  input: { consultationId: string; paymentId: string; resolvedBy: string; resolution: string },
): Promise<string[]> {
  const resolved = await tx
    .update(securityIncidents)
    .set({ resolvedAt: sql`now()`, resolvedBy: input.resolvedBy, resolution: input.resolution })
    .where(
      and(
        eq(securityIncidents.consultationId, input.consultationId),
        inArray(securityIncidents.kind, ["amount_mismatch", "unknown_charge"]),
        sql`${securityIncidents.details}->>'paymentId' = ${input.paymentId}`,
        isNull(securityIncidents.resolvedAt),
      ),
    )
    .returning({ id: securityIncidents.id });
  return resolved.map((r) => r.id);
}
