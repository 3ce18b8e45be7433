import {
  accountBalances,
  findUnbalancedEntries,
  listEntriesForConsultation,
  listIncidents,
  listPayments,
  listRefunds,
  listUnappliedCharges,
  refundUnappliedPayment,
} from "@an/db";
import {
  useTestDatabase,
  ADMIN,
  consultationRow,
  heldFor,
  PRICE,
  seedParties,
} from "@an/db/testing";
import { beforeEach, describe, expect, it } from "vitest";
import {
  book,
  checkoutSessionObject,
  deliver,
  openCheckout,
  stripeEvent,
  world,
  type World,
} from "./testing/fixtures";

const t = useTestDatabase((db) => seedParties(db.db));
let w: World;
beforeEach(() => {
  w = world(t.db);
});

/** A paid session for the consultation's open checkout, charged `amount` in `currency`. */
async function payWith(amount: number, currency: string) {
  const b = await book(w);
  const p = await openCheckout(w, b.consultationId);
  const event = stripeEvent(
    "checkout.session.completed",
    checkoutSessionObject({
      sessionId: p.sessionId,
      consultationId: b.consultationId,
      paymentId: p.paymentId,
      amount,
      currency,
    }),
  );
  const r = await deliver(w, "stripe", event);
  return { ...b, ...p, event, r, paymentIntentId: `pi_${p.paymentId.slice(0, 8)}` };
}

const unappliedBalance = async (paymentId: string) =>
  (await accountBalances(t.db, { accounts: [`unapplied_payment:${paymentId}`] })).map((b) => ({
    currency: b.currency,
    balance: b.balance,
  }));

describe("a charge that isn't the quote", () => {
  it("the payment row records what the provider charged, not the quote", async () => {
    const low = await payWith(100, "usd");
    expect(low.r.status).toBe("processed");
    expect((await consultationRow(t.db, low.consultationId)).status).toBe("awaiting_payment");
    const [lowPayment] = await listPayments(t.db, { consultationId: low.consultationId });
    expect(lowPayment).toMatchObject({ status: "paid", amount: 100, currency: "USD" });

    const euro = await payWith(PRICE.price, "eur");
    const [euroPayment] = await listPayments(t.db, { consultationId: euro.consultationId });
    expect(euroPayment).toMatchObject({ status: "paid", amount: PRICE.price, currency: "EUR" });

    // A payment of the quote is unchanged.
    const exact = await payWith(PRICE.price, "usd");
    const [exactPayment] = await listPayments(t.db, { consultationId: exact.consultationId });
    expect(exactPayment).toMatchObject({ amount: PRICE.price, currency: "USD" });
    expect((await consultationRow(t.db, exact.consultationId)).status).toBe("confirmed");
  });

  it("is booked apart from the consultation's funds, in the currency charged, balanced", async () => {
    const m = await payWith(PRICE.price, "eur");
    const entries = await listEntriesForConsultation(t.db, { consultationId: m.consultationId });
    expect(entries.map((e) => e.kind).sort()).toEqual(["payment_unapplied", "processing_fee"]);
    const receipt = entries.find((e) => e.kind === "payment_unapplied")!;
    expect(receipt.postings).toEqual(
      expect.arrayContaining([
        { account: "stripe_balance", amount: PRICE.price, currency: "EUR" },
        { account: `unapplied_payment:${m.paymentId}`, amount: -PRICE.price, currency: "EUR" },
      ]),
    );
    expect(await heldFor(t.db, m.consultationId)).toBe(0);
    expect(await findUnbalancedEntries(t.db)).toEqual([]);
    const [incident] = (
      await listIncidents(t.db, { consultationId: m.consultationId, limit: 10 })
    ).filter((i) => i.kind === "amount_mismatch");
    expect(incident?.details).toMatchObject({
      paymentId: m.paymentId,
      paid: { amount: PRICE.price, currency: "EUR" },
      quoted: { amount: PRICE.price, currency: "USD" },
    });
    expect(await listUnappliedCharges(t.db, { consultationId: m.consultationId })).toEqual([
      expect.objectContaining({
        paymentId: m.paymentId,
        amount: PRICE.price,
        currency: "EUR",
        outstanding: PRICE.price,
      }),
    ]);
    // Delivered again: booked once.
    await deliver(w, "stripe", m.event);
    expect(
      (await listEntriesForConsultation(t.db, { consultationId: m.consultationId })).length,
    ).toBe(2);
  });

  it("an admin's refund returns exactly that charge from that payment intent, and the suspense account closes", async () => {
    const m = await payWith(100, "usd");
    const outcome = await t.db.transaction((tx) =>
      refundUnappliedPayment(tx, {
        consultationId: m.consultationId,
        paymentId: m.paymentId,
        amount: 100,
        adminId: ADMIN,
        requestId: "req-unapplied-1",
        reason: "Client was charged 1.00 instead of the quote",
      }),
    );
    expect(outcome.kind).toBe("applied");
    const [refund] = await listRefunds(t.db, { consultationId: m.consultationId });
    expect(refund).toMatchObject({ amount: 100, currency: "USD", paymentId: m.paymentId });
    await w.handlers.refund_payment({ refundId: refund!.id }, {} as never);
    expect(w.payments.refunds).toEqual([
      expect.objectContaining({
        refundId: refund!.id,
        paymentIntentId: m.paymentIntentId,
        amount: { amount: 100, currency: "USD" },
      }),
    ]);
    expect(await unappliedBalance(m.paymentId)).toEqual([{ currency: "USD", balance: 0 }]);
    expect(await findUnbalancedEntries(t.db)).toEqual([]);
    // The provider confirms it: our refund is marked, nothing unrequested is raised.
    const confirmed = await deliver(
      w,
      "stripe",
      stripeEvent("charge.refunded", {
        id: `ch_${m.paymentIntentId.slice(3)}`,
        object: "charge",
        amount: 100,
        amount_refunded: 100,
        currency: "usd",
        payment_intent: m.paymentIntentId,
        metadata: {},
        refunds: {
          object: "list",
          data: [
            {
              id: `re_${refund!.id.slice(0, 8)}`,
              amount: 100,
              currency: "usd",
              status: "succeeded",
              metadata: {},
            },
          ],
        },
      }),
    );
    expect(confirmed.status).toBe("processed");
    expect((await listRefunds(t.db, { consultationId: m.consultationId }))[0]?.status).toBe(
      "succeeded",
    );
    const raised = await listIncidents(t.db, { consultationId: m.consultationId, limit: 10 });
    expect(raised.map((i) => i.kind)).toEqual(["amount_mismatch"]);
    // The mismatch incident was resolved by the refund; a second refund is refused.
    expect(raised[0]).toMatchObject({ resolvedBy: ADMIN });
    expect(raised[0]?.resolution).toContain("refunded in full");
    const again = await t.db.transaction((tx) =>
      refundUnappliedPayment(tx, {
        consultationId: m.consultationId,
        paymentId: m.paymentId,
        amount: 100,
        adminId: ADMIN,
        requestId: "req-unapplied-2",
        reason: "Clicked twice by mistake",
      }),
    );
    expect(again).toMatchObject({ kind: "refused", refusal: { code: "ALREADY_REFUNDED" } });
    expect(await listRefunds(t.db, { consultationId: m.consultationId })).toHaveLength(1);
  });
});
