import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Executor } from "../client";
import {
  advisors,
  consultations,
  journalPostings,
  payments,
  refunds,
  users,
  webhookEvents,
} from "../schema";

export type PaymentRow = typeof payments.$inferSelect;
export type RefundRow = typeof refunds.$inferSelect;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids from provider metadata are untrusted text: only a well-formed uuid reaches a uuid column. */
const isUuid = (s: string | null | undefined): s is string => typeof s === "string" && UUID.test(s);

/** One payment row; `forUpdate` locks it for the rest of the transaction. */
export async function getPayment(
  ex: Executor,
  params: { id: string; forUpdate?: boolean },
): Promise<PaymentRow | null> {
  if (!isUuid(params.id)) return null;
  const q = ex.select().from(payments).where(eq(payments.id, params.id));
  const [row] = params.forUpdate ? await q.for("update") : await q;
  return row ?? null;
}

/**
 * The payment row a checkout session belongs to: by the provider's session id, else by our
 * own payment id from the session's metadata (a webhook can beat the write that stores the
 * session id).
 */
export async function findPaymentForSession(
  ex: Executor,
  params: { sessionId: string; paymentId?: string | null; forUpdate?: boolean },
): Promise<PaymentRow | null> {
  const q = ex.select().from(payments).where(eq(payments.providerSessionId, params.sessionId));
  const [bySession] = params.forUpdate ? await q.for("update") : await q;
  if (bySession) return bySession;
  if (!params.paymentId) return null;
  return getPayment(ex, { id: params.paymentId, forUpdate: params.forUpdate });
}

/** The payment behind a charge, by charge id or payment intent id. */
export async function findPaymentForCharge(
  ex: Executor,
  params: { chargeId?: string | null; paymentIntentId?: string | null },
): Promise<PaymentRow | null> {
  if (params.chargeId) {
    const [row] = await ex.select().from(payments).where(eq(payments.chargeId, params.chargeId));
    if (row) return row;
  }
  if (params.paymentIntentId) {
    const [row] = await ex
      .select()
      .from(payments)
      .where(eq(payments.paymentIntentId, params.paymentIntentId))
      .orderBy(desc(payments.createdAt))
      .limit(1);
    if (row) return row;
  }
  return null;
}

/**
 * The consultation a Stripe object is about: the `consultation_id` we put in its metadata
 * (when that consultation exists), else through our payment rows by payment id, session,
 * charge or payment intent. Null when nothing we know matches (yet).
 */
export async function findConsultationIdForPayment(
  ex: Executor,
  params: {
    consultationId?: string | null;
    paymentId?: string | null;
    sessionId?: string | null;
    chargeId?: string | null;
    paymentIntentId?: string | null;
  },
): Promise<string | null> {
  if (isUuid(params.consultationId)) {
    const [row] = await ex
      .select({ id: consultations.id })
      .from(consultations)
      .where(eq(consultations.id, params.consultationId));
    if (row) return row.id;
  }
  const bySession = params.sessionId
    ? await findPaymentForSession(ex, { sessionId: params.sessionId, paymentId: params.paymentId })
    : params.paymentId
      ? await getPayment(ex, { id: params.paymentId })
      : null;
  if (bySession) return bySession.consultationId;
  const byCharge = await findPaymentForCharge(ex, params);
  return byCharge?.consultationId ?? null;
}

/** The newest open payment of a consultation, optionally locked. */
export async function findOpenPayment(
  ex: Executor,
  params: { consultationId: string; forUpdate?: boolean },
): Promise<PaymentRow | null> {
  const q = ex
    .select()
    .from(payments)
    .where(and(eq(payments.consultationId, params.consultationId), eq(payments.status, "open")))
    .orderBy(desc(payments.createdAt))
    .limit(1);
  const [row] = params.forUpdate ? await q.for("update") : await q;
  return row ?? null;
}

/** A new payment row (open unless told otherwise), before any provider call. */
export async function insertPayment(
  tx: Executor,
  input: {
    consultationId: string;
    amount: number;
    currency: string;
    expiresAt: Date;
    status?: PaymentRow["status"];
    providerSessionId?: string | null;
  },
): Promise<PaymentRow> {
  const [row] = await tx
    .insert(payments)
    .values({
      consultationId: input.consultationId,
      amount: input.amount,
      currency: input.currency,
      expiresAt: input.expiresAt,
      status: input.status ?? "open",
      providerSessionId: input.providerSessionId ?? null,
    })
    .returning();
  return row!;
}

/**
 * Stores the session the provider made for a payment row. The first stored session wins:
 * a retried job gets the same session back (same idempotency key), so this is a no-op then.
 */
export async function savePaymentSession(
  tx: Executor,
  params: { id: string; providerSessionId: string; url: string | null },
): Promise<PaymentRow | null> {
  await tx
    .update(payments)
    .set({ providerSessionId: params.providerSessionId, url: params.url })
    .where(and(eq(payments.id, params.id), isNull(payments.providerSessionId)));
  return getPayment(tx, { id: params.id });
}

/**
 * Records a captured payment: what the provider actually charged (amount and currency,
 * whatever the quote said), its payment intent, charge and Stripe fee.
 */
export async function markPaymentPaid(
  tx: Executor,
  params: {
    id: string;
    /** Minor units of `currency`, as charged; must be > 0. */
    amount: number;
    currency: string;
    providerSessionId?: string | null;
    paymentIntentId: string | null;
    chargeId: string | null;
    /** In the settlement currency. */
    processingFee: number | null;
    /** The charge's balance transaction, when known. */
    settlement?: { amount: number; currency: string; exchangeRate: string | null } | null;
    paidAt: Date;
  },
): Promise<void> {
  await tx
    .update(payments)
    .set({
      status: "paid",
      amount: params.amount,
      currency: params.currency,
      paymentIntentId: params.paymentIntentId,
      chargeId: params.chargeId,
      processingFee: params.processingFee,
      settlementAmount: params.settlement?.amount ?? null,
      settlementCurrency: params.settlement?.currency ?? null,
      exchangeRate: params.settlement?.exchangeRate ?? null,
      paidAt: params.paidAt,
      ...(params.providerSessionId
        ? {
            providerSessionId: sql`coalesce(${payments.providerSessionId}, ${params.providerSessionId})`,
          }
        : {}),
    })
    .where(eq(payments.id, params.id));
}

/**
 * Closes an open payment as failed or expired. A paid one is never downgraded (a payment
 * that succeeded stays paid whatever arrives after). Returns whether it changed.
 */
export async function closePayment(
  tx: Executor,
  params: { id: string; status: "failed" | "expired" },
): Promise<boolean> {
  const rows = await tx
    .update(payments)
    .set({ status: params.status })
    .where(and(eq(payments.id, params.id), eq(payments.status, "open")))
    .returning({ id: payments.id });
  return rows.length > 0;
}

/** What a checkout page needs: the consultation, the advisor's name and the client's email. */
export async function getCheckoutContext(
  ex: Executor,
  params: { consultationId: string },
): Promise<{
  consultation: typeof consultations.$inferSelect;
  advisorName: string;
  clientEmail: string | null;
} | null> {
  const [row] = await ex
    .select({
      consultation: consultations,
      advisorName: advisors.displayName,
      clientEmail: users.email,
    })
    .from(consultations)
    .innerJoin(advisors, eq(advisors.userId, consultations.advisorId))
    .innerJoin(users, eq(users.id, consultations.clientId))
    .where(eq(consultations.id, params.consultationId));
  return row ?? null;
}

/** One refund row; `forUpdate` locks it. */
export async function getRefund(
  ex: Executor,
  params: { id: string; forUpdate?: boolean },
): Promise<RefundRow | null> {
  if (!isUuid(params.id)) return null;
  const q = ex.select().from(refunds).where(eq(refunds.id, params.id));
  const [row] = params.forUpdate ? await q.for("update") : await q;
  return row ?? null;
}

/** A refund we decided outside the state machine (e.g. a payment that came too late). */
export async function insertRefund(
  tx: Executor,
  input: {
    consultationId: string;
    amount: number;
    currency: string;
    reason: string;
    eventId: string;
    requestedBy?: string | null;
    /** The charge to refund, when it isn't the consultation's own payment. */
    paymentId?: string | null;
  },
): Promise<{ id: string; created: boolean }> {
  const [row] = await tx
    .insert(refunds)
    .values({
      ...input,
      requestedBy: input.requestedBy ?? null,
      paymentId: input.paymentId ?? null,
    })
    .onConflictDoNothing()
    .returning({ id: refunds.id });
  if (row) return { id: row.id, created: true };
  const [existing] = await tx
    .select({ id: refunds.id })
    .from(refunds)
    .where(
      and(eq(refunds.consultationId, input.consultationId), eq(refunds.eventId, input.eventId)),
    );
  return { id: existing!.id, created: false };
}

/**
 * Records what the provider said about a refund. The provider id is set once; a status
 * already final (`succeeded` / `failed`) is not moved back to `pending`.
 */
export async function saveRefundResult(
  tx: Executor,
  params: {
    id: string;
    providerRefundId?: string | null;
    status: RefundRow["status"];
    failureMessage?: string | null;
    /** What the refund took from the balance, when the provider said. */
    settlement?: { amount: number; currency: string; exchangeRate: string | null } | null;
  },
): Promise<void> {
  await tx
    .update(refunds)
    .set({
      ...(params.settlement
        ? {
            settlementAmount: params.settlement.amount,
            settlementCurrency: params.settlement.currency,
            exchangeRate: params.settlement.exchangeRate,
          }
        : {}),
      ...(params.providerRefundId
        ? {
            providerRefundId: sql`coalesce(${refunds.providerRefundId}, ${params.providerRefundId})`,
          }
        : {}),
      status:
        params.status === "pending"
          ? sql`case when ${refunds.status} = 'pending' then 'pending'::refund_status else ${refunds.status} end`
          : params.status,
      ...(params.failureMessage !== undefined ? { failureMessage: params.failureMessage } : {}),
    })
    .where(eq(refunds.id, params.id));
}

/** The refund row the provider knows under `providerRefundId`. */
export async function findRefundByProviderId(
  ex: Executor,
  params: { providerRefundId: string },
): Promise<RefundRow | null> {
  const [row] = await ex
    .select()
    .from(refunds)
    .where(eq(refunds.providerRefundId, params.providerRefundId));
  return row ?? null;
}

/** A consultation's refunds, oldest first. */
export async function listRefunds(
  ex: Executor,
  params: { consultationId: string },
): Promise<RefundRow[]> {
  return ex
    .select()
    .from(refunds)
    .where(eq(refunds.consultationId, params.consultationId))
    .orderBy(refunds.createdAt, refunds.id);
}

/** A consultation's payments, oldest first. */
export async function listPayments(
  ex: Executor,
  params: { consultationId: string },
): Promise<PaymentRow[]> {
  return ex
    .select()
    .from(payments)
    .where(eq(payments.consultationId, params.consultationId))
    .orderBy(payments.createdAt, payments.id);
}

/**
 * The captured payment a refund comes out of. A refund naming its payment (an unapplied
 * charge) comes out of exactly that one. A refund for a payment that arrived too late
 * is linked to that payment through the Stripe event that decided it (its processing
 * details name the payment); any other refund comes out of the consultation's first paid
 * payment that it accepted, the one that confirmed it (any later one was refunded as late).
 */
export async function findPaymentToRefund(
  ex: Executor,
  params: { refund: Pick<RefundRow, "consultationId" | "eventId" | "paymentId"> },
): Promise<PaymentRow | null> {
  if (params.refund.paymentId) {
    const named = await getPayment(ex, { id: params.refund.paymentId });
    return named?.status === "paid" && named.consultationId === params.refund.consultationId
      ? named
      : null;
  }
  const [linked] = await ex
    .select({ paymentId: sql<string | null>`${webhookEvents.details}->>'paymentId'` })
    .from(webhookEvents)
    .where(
      and(
        eq(webhookEvents.provider, "stripe"),
        eq(webhookEvents.providerEventId, params.refund.eventId),
        sql`${webhookEvents.details}->>'paymentId' is not null`,
      ),
    )
    .limit(1);
  if (linked?.paymentId) {
    const payment = await getPayment(ex, { id: linked.paymentId });
    if (payment?.status === "paid" && payment.consultationId === params.refund.consultationId) {
      return payment;
    }
  }
  const [row] = await ex
    .select()
    .from(payments)
    .where(
      and(
        eq(payments.consultationId, params.refund.consultationId),
        eq(payments.status, "paid"),
        sql`${payments.paymentIntentId} is not null`,
        // A charge the consultation never accepted is not the one its refunds come out of.
        sql`not exists (select 1 from ${journalPostings} where ${journalPostings.account} = 'unapplied_payment:' || ${payments.id})`,
      ),
    )
    .orderBy(payments.paidAt, payments.createdAt)
    .limit(1);
  return row ?? null;
}

/** The consultation's payments whose checkout is still open. */
export async function listOpenPaymentIds(
  ex: Executor,
  params: { consultationId: string },
): Promise<string[]> {
  const open = await ex
    .select({ id: payments.id })
    .from(payments)
    .where(and(eq(payments.consultationId, params.consultationId), eq(payments.status, "open")));
  return open.map((p) => p.id);
}

/** When each of the consultation's paid payments was paid at the provider (null: unknown). */
export async function listPaidTimes(
  ex: Executor,
  params: { consultationId: string },
): Promise<(Date | null)[]> {
  const paid = await ex
    .select({ paidAt: payments.paidAt })
    .from(payments)
    .where(and(eq(payments.consultationId, params.consultationId), eq(payments.status, "paid")));
  return paid.map((p) => p.paidAt);
}
