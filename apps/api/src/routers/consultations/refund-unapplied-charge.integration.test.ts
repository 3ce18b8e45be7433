import { randomUUID } from "node:crypto";
import {
  accountBalances,
  applyConsultationEvent,
  findPaymentToRefund,
  findUnbalancedEntries,
  insertPayment,
  listIncidents,
  markPaymentPaid,
  raiseIncident,
  recordUnappliedPayment,
  seedDemoData,
} from "@an/db";
import { refunds } from "@an/db/schema";
import {
  insertAdvisor,
  useTestDatabase,
  ADMIN,
  AMIRA,
  auditActions,
  bookConsultation,
  heldFor,
  hours,
  jobPayloads,
  SAM,
} from "@an/db/testing";
import type { CurrencyCode } from "@an/domain";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { callerFor } from "./test-fixtures";

const t = useTestDatabase(async (db) => {
  await seedDemoData(db.db);
  await insertAdvisor(db.db, {
    userId: AMIRA,
    displayName: "Amira Haddad",
    hourlyRate: 15_000,
    calcomEventType: "amira/consultation",
  });
});

const T0 = new Date("2026-11-02T09:00:00.000Z");
const at = (h: number) => new Date(T0.getTime() + hours(h));

/**
 * Sam's checkout for a $150.00 consultation is paid with `amount` `currency` instead: what
 * the worker does with such a `checkout.session.completed` (the payment row records the
 * charge, the machine refuses it as AMOUNT_MISMATCH, the money is booked in suspense and
 * an incident raised).
 */
async function paidTheWrongAmount(amount: number, currency: CurrencyCode) {
  const booked = await bookConsultation(t.db, {
    clientId: SAM,
    advisorId: AMIRA,
    bookedAt: T0,
    startsAt: at(72),
    paid: false,
  });
  const paymentId = await chargeOf(booked, amount, currency);
  return { ...booked, paymentId };
}

/**
 * One checkout of `c` paid with `amount` `currency`: the payment row records the charge and
 * the machine decides; a refused amount is booked in suspense with its incident.
 */
async function chargeOf(
  c: { id: string; price: number; currency: CurrencyCode },
  amount: number,
  currency: CurrencyCode,
): Promise<string> {
  return t.db.transaction(async (tx) => {
    const payment = await insertPayment(tx, {
      consultationId: c.id,
      amount: c.price,
      currency: c.currency,
      expiresAt: at(1),
      providerSessionId: `cs_${randomUUID()}`,
    });
    await markPaymentPaid(tx, {
      id: payment.id,
      amount,
      currency,
      paymentIntentId: `pi_${payment.id.slice(0, 8)}`,
      chargeId: `ch_${payment.id.slice(0, 8)}`,
      processingFee: null,
      paidAt: at(0.5),
    });
    const applied = await applyConsultationEvent(tx, {
      consultationId: c.id,
      event: {
        type: "payment_succeeded",
        id: `evt_${payment.id}`,
        actor: "system",
        amount: { amount, currency },
      },
      now: at(0.5),
      origin: { source: "test:stripe" },
    });
    if (applied.kind === "applied") return payment.id;
    if (applied.kind !== "refused" || applied.error.code !== "AMOUNT_MISMATCH") {
      throw new Error(`expected a mismatch, got ${applied.kind}`);
    }
    await recordUnappliedPayment(tx, {
      consultationId: c.id,
      paymentId: payment.id,
      amount: { amount, currency },
      memo: applied.error.message,
    });
    await raiseIncident(tx, {
      kind: "amount_mismatch",
      dedupeKey: `amount-mismatch:evt_${payment.id}`,
      message: applied.error.message,
      consultationId: c.id,
      details: { paymentId: payment.id },
    });
    return payment.id;
  });
}

const refundRows = (consultationId: string) =>
  t.db.select().from(refunds).where(eq(refunds.consultationId, consultationId));

describe("refunding a charge the consultation didn't accept", () => {
  it("the preview shows exactly what was charged; the refund returns it through the refund job, balanced, audited, incident resolved", async () => {
    const c = await paidTheWrongAmount(100, "USD");
    const admin = await callerFor(t.db, ADMIN, { now: at(1) });

    // The consultation itself has nothing refundable: refunding it means its one charge.
    expect(
      await admin.consultations.previewRefund({ consultationId: c.id, amount: 100 }),
    ).toMatchObject({ currency: "USD", refund: 100, charge: { paymentId: c.paymentId } });

    const detail = await admin.consultations.getForAdmin({ consultationId: c.id });
    expect(detail.payments[0]).toMatchObject({ amount: 100, currency: "USD", status: "paid" });
    expect(detail.unappliedCharges).toEqual([
      expect.objectContaining({
        paymentId: c.paymentId,
        amount: 100,
        currency: "USD",
        outstanding: 100,
      }),
    ]);

    const preview = await admin.consultations.previewRefund({
      consultationId: c.id,
      paymentId: c.paymentId,
      amount: 100,
    });
    expect(preview).toMatchObject({
      currency: "USD",
      refund: 100,
      formatted: "$1.00",
      statusBefore: "awaiting_payment",
      resultingStatus: "awaiting_payment",
      fromPlatformFee: 0,
      fromAdvisorShare: 0,
      charge: { paymentId: c.paymentId },
    });
    expect(preview.ledger).toEqual([
      {
        kind: "refund",
        lines: [
          { account: `unapplied_payment:${c.paymentId}`, amount: 100, currency: "USD" },
          { account: "stripe_balance", amount: -100, currency: "USD" },
        ],
      },
    ]);
    const entriesBefore = (await admin.ledger.listForConsultation({ consultationId: c.id }))
      .entries;
    expect(await refundRows(c.id)).toEqual([]);

    const result = await admin.consultations.refund({
      consultationId: c.id,
      paymentId: c.paymentId,
      amount: 100,
      reason: "Charged 1.00 instead of the quote",
    });
    expect(result).toMatchObject({
      status: "awaiting_payment",
      applied: true,
      refunded: 100,
      currency: "USD",
    });
    const posted = (await admin.ledger.listForConsultation({ consultationId: c.id })).entries.slice(
      entriesBefore.length,
    );
    expect(posted.map((e) => ({ kind: e.kind, lines: e.postings }))).toEqual(preview.ledger);
    const [refund] = await refundRows(c.id);
    expect(refund).toMatchObject({
      amount: 100,
      currency: "USD",
      paymentId: c.paymentId,
      requestedBy: ADMIN,
      status: "pending",
    });
    expect(await jobPayloads(t.db, "refund_payment")).toContainEqual({ refundId: refund!.id });
    expect(await accountBalances(t.db, { accounts: [`unapplied_payment:${c.paymentId}`] })).toEqual(
      [{ account: `unapplied_payment:${c.paymentId}`, currency: "USD", balance: 0 }],
    );
    expect(await heldFor(t.db, c.id)).toBe(0);
    expect(await findUnbalancedEntries(t.db)).toEqual([]);
    expect(await auditActions(t.db, c.id)).toEqual(["consultation.refund_unapplied_charge"]);
    const [incident] = await listIncidents(t.db, { consultationId: c.id, limit: 10 });
    expect(incident).toMatchObject({ kind: "amount_mismatch", resolvedBy: ADMIN });

    // Done once: the page shows nothing outstanding and a second refund is refused.
    expect(
      (await admin.consultations.getForAdmin({ consultationId: c.id })).unappliedCharges,
    ).toEqual([expect.objectContaining({ paymentId: c.paymentId, outstanding: 0 })]);
    await expect(
      (await callerFor(t.db, ADMIN, { now: at(2) })).consultations.refund({
        consultationId: c.id,
        paymentId: c.paymentId,
        amount: 100,
        reason: "Clicked twice",
      }),
    ).rejects.toMatchObject({ code: "CONFLICT", appCode: "CHARGE_ALREADY_REFUNDED" });
    expect(await refundRows(c.id)).toHaveLength(1);
  });

  it("a charge in another currency is refunded in that currency, after the consultation expired", async () => {
    const c = await paidTheWrongAmount(15_000, "EUR");
    const expired = await t.db.transaction((tx) =>
      applyConsultationEvent(tx, {
        consultationId: c.id,
        event: { type: "payment_expired", id: "timer:payment_expiry", actor: "system" },
        now: at(2),
        origin: { source: "timer:payment_expiry" },
      }),
    );
    expect(expired.kind).toBe("applied");
    const admin = await callerFor(t.db, ADMIN, { now: at(3) });
    const preview = await admin.consultations.previewRefund({
      consultationId: c.id,
      paymentId: c.paymentId,
      amount: 15_000,
    });
    expect(preview).toMatchObject({
      currency: "EUR",
      refund: 15_000,
      statusBefore: "payment_expired",
    });
    const result = await admin.consultations.refund({
      consultationId: c.id,
      paymentId: c.paymentId,
      amount: 15_000,
      reason: "Charged in euros instead of dollars",
    });
    expect(result).toMatchObject({ refunded: 15_000, currency: "EUR", status: "payment_expired" });
    expect(await refundRows(c.id)).toEqual([
      expect.objectContaining({ amount: 15_000, currency: "EUR", paymentId: c.paymentId }),
    ]);
    expect(await findUnbalancedEntries(t.db)).toEqual([]);
    expect(
      (await accountBalances(t.db, { accounts: ["stripe_balance"] })).find(
        (b) => b.currency === "EUR",
      )?.balance,
    ).toBe(0);
  });

  it("only the full charge, only an unapplied one of this consultation, only by an admin; refusals write nothing", async () => {
    const c = await paidTheWrongAmount(100, "USD");
    const paid = await bookConsultation(t.db, {
      clientId: SAM,
      advisorId: AMIRA,
      bookedAt: T0,
      startsAt: at(96),
    });
    const admin = await callerFor(t.db, ADMIN, { now: at(1) });
    const reason = "Return the wrong charge";
    await expect(
      admin.consultations.refund({
        consultationId: c.id,
        paymentId: c.paymentId,
        amount: 50,
        reason,
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", appCode: "CHARGE_REFUND_NOT_FULL" });
    await expect(
      admin.consultations.previewRefund({
        consultationId: c.id,
        paymentId: c.paymentId,
        amount: 101,
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", appCode: "CHARGE_REFUND_NOT_FULL" });
    // The charge belongs to another consultation than the one named.
    await expect(
      admin.consultations.refund({
        consultationId: paid.id,
        paymentId: c.paymentId,
        amount: 100,
        reason,
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND", appCode: "CHARGE_NOT_UNAPPLIED" });
    await expect(
      (await callerFor(t.db, SAM, { now: at(1) })).consultations.refund({
        consultationId: c.id,
        paymentId: c.paymentId,
        amount: 100,
        reason,
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await refundRows(c.id)).toEqual([]);
    expect(await refundRows(paid.id)).toEqual([]);
    expect(await auditActions(t.db, c.id)).toEqual([]);
    expect(await accountBalances(t.db, { accounts: [`unapplied_payment:${c.paymentId}`] })).toEqual(
      [{ account: `unapplied_payment:${c.paymentId}`, currency: "USD", balance: -100 }],
    );
  });

  it("a consultation confirmed by a later payment refunds its own money; the unapplied charge only by name", async () => {
    const booked = await bookConsultation(t.db, {
      clientId: SAM,
      advisorId: AMIRA,
      bookedAt: T0,
      startsAt: at(72),
      paid: false,
    });
    const wrong = await chargeOf(booked, 100, "USD");
    const right = await chargeOf(booked, booked.price, booked.currency);
    const admin = await callerFor(t.db, ADMIN, { now: at(1) });
    expect(
      await admin.consultations.refund({
        consultationId: booked.id,
        amount: 5_000,
        reason: "Goodwill: started late",
      }),
    ).toMatchObject({ status: "confirmed", refunded: 5_000, currency: "USD" });
    const [own] = await refundRows(booked.id);
    expect(own).toMatchObject({ amount: 5_000, paymentId: null });
    // The provider refund comes out of the payment that confirmed it, not the unapplied one.
    expect((await findPaymentToRefund(t.db, { refund: own! }))?.id).toBe(right);
    expect(
      await admin.consultations.refund({
        consultationId: booked.id,
        paymentId: wrong,
        amount: 100,
        reason: "Return the wrong charge",
      }),
    ).toMatchObject({ status: "confirmed", refunded: 100 });
    expect((await refundRows(booked.id)).map((r) => [r.amount, r.paymentId])).toEqual(
      expect.arrayContaining([
        [5_000, null],
        [100, wrong],
      ]),
    );
    expect(await findUnbalancedEntries(t.db)).toEqual([]);
  });

  it("several unapplied charges must be told apart by paymentId", async () => {
    const c = await paidTheWrongAmount(100, "USD");
    await chargeOf(c, 200, "USD");
    const admin = await callerFor(t.db, ADMIN, { now: at(1) });
    await expect(
      admin.consultations.previewRefund({ consultationId: c.id, amount: 100 }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", appCode: "CHARGE_CHOOSE_ONE" });
    expect(
      await admin.consultations.previewRefund({
        consultationId: c.id,
        paymentId: c.paymentId,
        amount: 100,
      }),
    ).toMatchObject({ refund: 100 });
  });
});
