import { ProviderRejectedError, ProviderUnavailableError } from "@an/billing";
import { ingestWebhookEvent, listPayments, listRefunds } from "@an/db";
import {
  useTestDatabase,
  ADVISOR,
  CLIENT,
  consultationRow,
  incidents,
  PRICE,
  queuedJobs,
  seedParties,
} from "@an/db/testing";
import { sql } from "drizzle-orm";
import { Logger, runOnce } from "graphile-worker";
import { beforeEach, describe, expect, it } from "vitest";
import {
  addMinutes,
  book,
  bookAndPay,
  calcomBooking,
  calcomEnvelope,
  deliver,
  insertIntent,
  jobHelpers,
  newUid,
  openCheckout,
  T0,
  world,
  type World,
} from "../processing/testing/fixtures";
import { createTaskList } from "./index";

const t = useTestDatabase((db) => seedParties(db.db));
let w: World;
beforeEach(() => {
  w = world(t.db);
});
const helpers = jobHelpers();

describe("create_checkout", () => {
  it("opens one session per payment row and sends the client the link", async () => {
    const b = await book(w);
    await w.handlers.create_checkout({ consultationId: b.consultationId }, helpers);
    await w.handlers.create_checkout({ consultationId: b.consultationId }, helpers);
    const payments = await listPayments(t.db, { consultationId: b.consultationId });
    expect(payments).toHaveLength(1);
    const p = payments[0]!;
    expect(p).toMatchObject({
      status: "open",
      amount: PRICE.price,
      currency: "USD",
      providerSessionId: `cs_${p.id}`,
      url: `https://checkout.test/pay/cs_${p.id}`,
    });
    // The payment window is 60 minutes from booking.
    expect(p.expiresAt.toISOString()).toBe(addMinutes(T0, 60).toISOString());
    expect(w.payments.checkouts).toEqual([
      {
        paymentId: p.id,
        consultationId: b.consultationId,
        advisorId: ADVISOR.id,
        amount: { amount: PRICE.price, currency: "USD" },
        description: "60-minute consultation with Amira H.",
        customerEmail: CLIENT.email,
        expiresAt: p.expiresAt,
        successUrl: `http://127.0.0.1:9/consultations/${b.consultationId}?paid=1`,
        cancelUrl: `http://127.0.0.1:9/consultations/${b.consultationId}`,
      },
    ]);
    const notices = (await queuedJobs(t.db, "send_notification")).filter(
      (j) => (j.payload.params as { notice?: string }).notice === "payment_link",
    );
    expect(notices.length).toBeGreaterThanOrEqual(1);
    expect(new Set(notices.map((j) => j.payload.dedupeKey)).size).toBe(1);
    expect(notices[0]!.payload).toMatchObject({
      userId: CLIENT.id,
      params: { url: p.url, consultationId: b.consultationId, role: "client" },
    });
  });

  it("retries after the provider is unavailable with the same payment row (same idempotency key)", async () => {
    const b = await book(w);
    w.payments.fail.createCheckoutSession = new ProviderUnavailableError("timeout");
    await expect(
      w.handlers.create_checkout({ consultationId: b.consultationId }, helpers),
    ).rejects.toThrow("timeout");
    const [waiting] = await listPayments(t.db, { consultationId: b.consultationId });
    expect(waiting).toMatchObject({ status: "open", providerSessionId: null });
    await w.handlers.create_checkout({ consultationId: b.consultationId }, helpers);
    const [done] = await listPayments(t.db, { consultationId: b.consultationId });
    expect(done!.id).toBe(waiting!.id);
    expect(done!.providerSessionId).toBe(`cs_${waiting!.id}`);
  });

  it("keeps a session at least 31 minutes long, even when the job runs late", async () => {
    const b = await book(w);
    w.clock.now = addMinutes(T0, 45);
    await w.handlers.create_checkout({ consultationId: b.consultationId }, helpers);
    const [p] = await listPayments(t.db, { consultationId: b.consultationId });
    expect(p!.expiresAt.toISOString()).toBe(addMinutes(T0, 45 + 31).toISOString());
  });

  it("a refusal by the provider is raised to admins", async () => {
    const b = await book(w);
    w.payments.fail.createCheckoutSession = new ProviderRejectedError("currency not supported", {
      code: "invalid",
    });
    await w.handlers.create_checkout({ consultationId: b.consultationId }, helpers);
    const [p] = await listPayments(t.db, { consultationId: b.consultationId });
    expect(p!.status).toBe("failed");
    expect((await incidents(t.db, "provider_action_failed")).map((i) => i.dedupe_key)).toContain(
      `checkout:${p!.id}`,
    );
  });

  it("does nothing for a consultation no longer awaiting payment", async () => {
    const b = await bookAndPay(w);
    const before = w.payments.checkouts.length;
    await w.handlers.create_checkout({ consultationId: b.consultationId }, helpers);
    expect(w.payments.checkouts.length).toBe(before);
    expect(await listPayments(t.db, { consultationId: b.consultationId })).toHaveLength(1);
  });
});

describe("expire_checkout", () => {
  it("expires an open session at the provider and closes the row; a paid one is left alone", async () => {
    const b = await book(w);
    const p = await openCheckout(w, b.consultationId);
    await w.handlers.expire_checkout({ paymentId: p.paymentId }, helpers);
    expect(w.payments.expired).toEqual([p.sessionId]);
    expect((await listPayments(t.db, { consultationId: b.consultationId }))[0]?.status).toBe(
      "expired",
    );

    const paid = await bookAndPay(w);
    await w.handlers.expire_checkout({ paymentId: paid.paymentId }, helpers);
    expect(w.payments.expired).toEqual([p.sessionId]);
  });

  it("a session that completed meanwhile can't be expired: left to the payment webhook", async () => {
    for (const paymentStatus of ["paid", "unpaid"] as const) {
      const b = await book(w);
      const p = await openCheckout(w, b.consultationId);
      w.payments.completeSession(p.sessionId, paymentStatus);
      await w.handlers.expire_checkout({ paymentId: p.paymentId }, helpers);
      expect((await listPayments(t.db, { consultationId: b.consultationId }))[0]?.status).toBe(
        "open",
      );
    }
  });

  it("a refusal for another reason is not an error either", async () => {
    const b = await book(w);
    const p = await openCheckout(w, b.consultationId);
    w.payments.fail.expireCheckoutSession = new ProviderRejectedError("You cannot expire this");
    await w.handlers.expire_checkout({ paymentId: p.paymentId }, helpers);
    expect((await listPayments(t.db, { consultationId: b.consultationId }))[0]?.status).toBe(
      "open",
    );
  });
});

describe("refund_payment", () => {
  async function cancelledByClient() {
    const b = await bookAndPay(w);
    await deliver(
      w,
      "calcom",
      calcomEnvelope(
        "BOOKING_CANCELLED",
        calcomBooking({
          uid: b.uid,
          token: b.token,
          extra: { status: "CANCELLED", cancelledBy: CLIENT.email },
        }),
      ),
    );
    const [refund] = await listRefunds(t.db, { consultationId: b.consultationId });
    return { ...b, refund: refund! };
  }

  it("refunds the captured payment once, keyed by the refund row", async () => {
    const c = await cancelledByClient();
    w.payments.refundStatus = "succeeded";
    await w.handlers.refund_payment({ refundId: c.refund.id }, helpers);
    await w.handlers.refund_payment({ refundId: c.refund.id }, helpers);
    expect(w.payments.refunds).toEqual([
      {
        refundId: c.refund.id,
        paymentIntentId: c.paymentIntentId,
        amount: { amount: PRICE.price, currency: "USD" },
        reason: "requested_by_customer",
        consultationId: c.consultationId,
      },
    ]);
    expect((await listRefunds(t.db, { consultationId: c.consultationId }))[0]).toMatchObject({
      status: "succeeded",
      providerRefundId: `re_${c.refund.id.slice(0, 8)}`,
    });
  });

  it("unavailable: retried; refused: marked failed and raised to admins", async () => {
    const c = await cancelledByClient();
    w.payments.fail.refund = new ProviderUnavailableError("502");
    await expect(w.handlers.refund_payment({ refundId: c.refund.id }, helpers)).rejects.toThrow(
      "502",
    );
    expect((await listRefunds(t.db, { consultationId: c.consultationId }))[0]?.status).toBe(
      "pending",
    );
    w.payments.fail.refund = new ProviderRejectedError("charge already refunded");
    await w.handlers.refund_payment({ refundId: c.refund.id }, helpers);
    expect((await listRefunds(t.db, { consultationId: c.consultationId }))[0]).toMatchObject({
      status: "failed",
      failureMessage: "the provider refused it: charge already refunded",
    });
    expect((await incidents(t.db, "provider_action_failed")).map((i) => i.dedupe_key)).toContain(
      `refund-failed:${c.refund.id}`,
    );
  });
});

describe("cancel_booking", () => {
  it("cancels on the scheduler; a refusal is raised to admins", async () => {
    await w.handlers.cancel_booking({ bookingUid: "bk_a", reason: "invalid token" }, helpers);
    expect(w.scheduling.cancelled).toEqual([{ bookingUid: "bk_a", reason: "invalid token" }]);
    w.scheduling.fail = new ProviderRejectedError("booking not found");
    await w.handlers.cancel_booking({ bookingUid: "bk_b", reason: "invalid token" }, helpers);
    expect((await incidents(t.db, "provider_action_failed")).map((i) => i.dedupe_key)).toContain(
      "cancel-booking:bk_b",
    );
    w.scheduling.fail = new ProviderUnavailableError("down");
    await expect(
      w.handlers.cancel_booking({ bookingUid: "bk_c", reason: "x" }, helpers),
    ).rejects.toThrow("down");
  });
});

describe("through the real queue", () => {
  it("a stored BOOKING_CREATED runs to a payment link: processing, then the checkout job", async () => {
    const { token } = await insertIntent(t.db);
    const uid = newUid();
    // Stored now (the database's clock): Cal.com's createdAt says it was booked at T0.
    const body = JSON.stringify(
      calcomEnvelope("BOOKING_CREATED", calcomBooking({ uid, token }), T0),
    );
    const stored = await ingestWebhookEvent(t.db, {
      provider: "calcom",
      dedupeKey: `queue-test:${uid}`,
      providerEventId: null,
      eventType: "BOOKING_CREATED",
      subject: uid,
      body,
      bodySha256: "0".repeat(64),
    });
    expect(stored.duplicate).toBe(false);
    // Twice: processing queues the checkout job, which the second pass runs. (Jobs earlier
    // tests left queued run too; with the fake providers they are harmless.)
    for (let i = 0; i < 2; i++) {
      await runOnce({
        connectionString: t.url,
        logger: new Logger(() => () => undefined),
        taskList: createTaskList(w.deps),
      });
    }
    const [row] = await t.db.execute<{ status: string; consultation_id: string }>(
      sql`select status, consultation_id from webhook_events where id = ${stored.id}`,
    );
    expect(row!.status).toBe("processed");
    expect((await consultationRow(t.db, row!.consultation_id)).status).toBe("awaiting_payment");
    const payments = await listPayments(t.db, { consultationId: row!.consultation_id });
    expect(payments.map((p) => p.providerSessionId)).toEqual([`cs_${payments[0]!.id}`]);
  });
});
