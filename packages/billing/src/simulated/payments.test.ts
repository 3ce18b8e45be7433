import Stripe from "stripe";
import { beforeEach, describe, expect, it } from "vitest";
import { parseBillingEnv, resolveBillingConfig } from "../config";
import {
  type CreateCheckoutInput,
  ProviderRejectedError,
  ProviderUnavailableError,
} from "../ports";
import { signStripePayload, verifyStripeWebhook } from "../webhooks/signatures";
import type { StripeEventEnvelope } from "../wire/stripe";
import { SIM_STRIPE_API_VERSION, simProcessingFee } from "./stripe-events";
import { createSimulatedPayments, type SimulatedPayments } from "./payments";
import { memorySimStore } from "./store";

const config = resolveBillingConfig(parseBillingEnv({ PUBLIC_API_URL: "http://api.test/" }), {
  production: false,
  defaultApiUrl: "http://unused",
});
const secret = config.stripe.webhookSecrets[0]!;

let clock: Date;
let sent: { provider: string; body: string }[];
let payments: SimulatedPayments;

beforeEach(() => {
  clock = new Date("2030-01-10T10:00:00.000Z");
  sent = [];
  payments = createSimulatedPayments(config, {
    store: memorySimStore(),
    deliver: (provider, body) => {
      sent.push({ provider, body });
      return Promise.resolve();
    },
    now: () => clock,
  });
});

const consultationId = "6b3f3c1e-8a51-4d6e-9a39-0c7f1f3f7a10";
const paymentId = "0f1e2d3c-4b5a-4968-8776-655443322110";

function checkoutInput(overrides: Partial<CreateCheckoutInput> = {}): CreateCheckoutInput {
  return {
    paymentId,
    consultationId,
    advisorId: "demo|advisor-amira",
    amount: { amount: 15_000, currency: "USD" },
    description: "60-minute consultation with Amira H.",
    customerEmail: "sam@demo.advisor.network",
    expiresAt: new Date(clock.getTime() + 60 * 60_000),
    successUrl: "http://app.test/paid?session_id={CHECKOUT_SESSION_ID}",
    cancelUrl: "http://app.test/cancelled",
    ...overrides,
  };
}

/** Every event sent so far, checked the way our webhook route checks them. */
function events(): StripeEventEnvelope<Record<string, unknown>>[] {
  return sent.map(({ provider, body }) => {
    expect(provider).toBe("stripe");
    const header = signStripePayload(body, secret, clock);
    const verified = verifyStripeWebhook(
      Buffer.from(body),
      header,
      config.stripe.webhookSecrets,
      clock,
    );
    expect(verified.ok).toBe(true);
    // The SDK parses what the simulator produces.
    const parsed = Stripe.webhooks.constructEvent(
      body,
      header,
      secret,
      300,
      undefined,
      clock.getTime(),
    );
    expect(parsed.id).toMatch(/^evt_sim_[A-Za-z0-9]{24}$/);
    return JSON.parse(body) as StripeEventEnvelope<Record<string, unknown>>;
  });
}

const rejection = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderRejectedError);
  return (error as ProviderRejectedError).code;
};

async function paidSession() {
  const session = await payments.createCheckoutSession(checkoutInput());
  await payments.paySession(session.id);
  const paid = await payments.retrieveCheckoutSession(session.id);
  sent = [];
  return paid;
}

describe("fees", () => {
  it.each([
    [1, 30],
    [17, 30],
    [18, 31],
    [1_000, 59],
    [15_000, 465],
    [99_999, 2_930],
  ])("a charge of %i pays a fee of %i (2.9 %% + 30, rounded)", (amount, fee) => {
    expect(simProcessingFee(amount)).toBe(fee);
  });
});

describe("checkout sessions", () => {
  it("opens a session on the simulated checkout page, with our ids on it", async () => {
    const session = await payments.createCheckoutSession(checkoutInput());
    expect(session).toEqual({
      id: expect.stringMatching(/^cs_sim_[A-Za-z0-9]{24}$/),
      url: `http://api.test/sim/checkout/${session.id}`,
      status: "open",
      paymentStatus: "unpaid",
      amount: 15_000,
      currency: "USD",
      paymentIntentId: null,
      consultationId,
      paymentId,
      expiresAt: new Date(clock.getTime() + 60 * 60_000),
    });
    expect(sent).toEqual([]);
  });

  it("the same payment returns the same session; other parameters under its key are refused", async () => {
    const first = await payments.createCheckoutSession(checkoutInput());
    const again = await payments.createCheckoutSession(checkoutInput());
    expect(again.id).toBe(first.id);
    expect(
      await rejection(
        payments.createCheckoutSession(
          checkoutInput({ amount: { amount: 9_000, currency: "USD" } }),
        ),
      ),
    ).toBe("idempotency_error");
  });

  it("refuses an expiry outside Stripe's 30 minutes – 24 hours", async () => {
    for (const minutes of [10, 25 * 60]) {
      expect(
        await rejection(
          payments.createCheckoutSession(
            checkoutInput({ expiresAt: new Date(clock.getTime() + minutes * 60_000) }),
          ),
        ),
      ).toBe("parameter_invalid_integer");
    }
    // A refused request isn't saved: the key works once the parameters are right.
    const session = await payments.createCheckoutSession(checkoutInput());
    expect(session.status).toBe("open");
  });

  it("paying sends a Stripe-signed checkout.session.completed, paid, with the charge's fee", async () => {
    const session = await payments.createCheckoutSession(checkoutInput());
    await payments.paySession(session.id);
    const [event, ...rest] = events();
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      object: "event",
      api_version: SIM_STRIPE_API_VERSION,
      type: "checkout.session.completed",
      created: Math.floor(clock.getTime() / 1000),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data: {
        object: {
          id: session.id,
          object: "checkout.session",
          status: "complete",
          payment_status: "paid",
          amount_total: 15_000,
          currency: "usd",
          client_reference_id: consultationId,
          metadata: { consultation_id: consultationId, payment_id: paymentId },
          payment_intent: expect.stringMatching(/^pi_sim_/),
          url: null,
        },
      },
    });
    const after = await payments.retrieveCheckoutSession(session.id);
    expect(after).toMatchObject({ status: "complete", paymentStatus: "paid", url: null });
    const charge = await payments.retrieveCharge({ paymentIntentId: after.paymentIntentId! });
    expect(charge).toEqual({
      chargeId: expect.stringMatching(/^ch_sim_/),
      amount: 15_000,
      currency: "USD",
      amountRefunded: 0,
      processingFee: 465,
      settlement: { amount: 15_000, currency: "USD", exchangeRate: null },
      created: clock,
    });
    const stored = await payments.getCharge(charge.chargeId);
    expect(stored?.charge).toMatchObject({
      payment_intent: after.paymentIntentId,
      transfer_group: `consultation_${consultationId}`,
      metadata: { consultation_id: consultationId, payment_id: paymentId },
    });
  });

  it("a paid session can't be paid, failed or abandoned again, and sends nothing more", async () => {
    const { id } = await paidSession();
    expect(await rejection(payments.paySession(id))).toBe("checkout_session_not_open");
    expect(await rejection(payments.failSession(id))).toBe("checkout_session_not_open");
    expect(await rejection(payments.abandonSession(id))).toBe("checkout_session_not_open");
    // Expiring a completed session is no error: it can't be paid any more either way, and
    // the answer says the client paid first.
    const refused = await payments.expireCheckoutSession({
      sessionId: id,
      idempotencyKey: "exp-1",
    });
    expect(refused).toMatchObject({ status: "complete", paymentStatus: "paid" });
    expect((await payments.retrieveCheckoutSession(id)).status).toBe("complete");
    expect(sent).toEqual([]);
  });

  it("a failed delayed payment: completed unpaid, then async_payment_failed; no charge", async () => {
    const session = await payments.createCheckoutSession(checkoutInput());
    await payments.failSession(session.id);
    const list = events();
    expect(list.map((e) => [e.type, e.data.object.payment_status, e.data.object.status])).toEqual([
      ["checkout.session.completed", "unpaid", "complete"],
      ["checkout.session.async_payment_failed", "unpaid", "complete"],
    ]);
    const after = await payments.retrieveCheckoutSession(session.id);
    expect(after).toMatchObject({ status: "complete", paymentStatus: "unpaid" });
    expect(
      await payments.expireCheckoutSession({ sessionId: session.id, idempotencyKey: "exp-1" }),
    ).toMatchObject({ status: "complete", paymentStatus: "unpaid" });
    await expect(
      payments.retrieveCharge({ paymentIntentId: after.paymentIntentId! }),
    ).rejects.toThrow(ProviderUnavailableError);
  });

  it("abandoning expires the session once (checkout.session.expired)", async () => {
    const session = await payments.createCheckoutSession(checkoutInput());
    await payments.abandonSession(session.id);
    await payments.expireCheckoutSession({ sessionId: session.id, idempotencyKey: "exp-1" });
    const list = events();
    expect(list.map((e) => [e.type, e.data.object.status])).toEqual([
      ["checkout.session.expired", "expired"],
    ]);
    expect((await payments.retrieveCheckoutSession(session.id)).status).toBe("expired");
    expect(await rejection(payments.paySession(session.id))).toBe("checkout_session_not_open");
  });

  it("expiring through the API names the request and its idempotency key", async () => {
    const session = await payments.createCheckoutSession(checkoutInput());
    const first = await payments.expireCheckoutSession({
      sessionId: session.id,
      idempotencyKey: "exp-42",
    });
    const again = await payments.expireCheckoutSession({
      sessionId: session.id,
      idempotencyKey: "exp-42",
    });
    expect([first.status, again.status]).toEqual(["expired", "expired"]);
    const [event, ...rest] = events();
    expect(rest).toEqual([]);
    expect(event?.request).toEqual({
      id: expect.stringMatching(/^req_sim_/),
      idempotency_key: "exp-42",
    });
  });

  it("a session past expires_at expires by itself when next looked at", async () => {
    const session = await payments.createCheckoutSession(checkoutInput());
    clock = new Date(clock.getTime() + 61 * 60_000);
    expect((await payments.retrieveCheckoutSession(session.id)).status).toBe("expired");
    expect(await rejection(payments.paySession(session.id))).toBe("checkout_session_not_open");
    expect(events().map((e) => e.type)).toEqual(["checkout.session.expired"]);
  });

  it("unknown ids are resource_missing", async () => {
    expect(await rejection(payments.retrieveCheckoutSession("cs_sim_nope"))).toBe(
      "resource_missing",
    );
    expect(await rejection(payments.paySession("cs_sim_nope"))).toBe("resource_missing");
    expect(await rejection(payments.retrieveCharge({ paymentIntentId: "pi_sim_nope" }))).toBe(
      "resource_missing",
    );
    expect(await rejection(payments.openDispute("ch_sim_nope"))).toBe("resource_missing");
    expect(await rejection(payments.closeDispute("dp_sim_nope", "won"))).toBe("resource_missing");
  });
});

describe("refunds", () => {
  const refundId = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";

  it("a partial refund sends charge.refunded with the refund listed; the same key refunds once", async () => {
    const { paymentIntentId } = await paidSession();
    const input = {
      refundId,
      paymentIntentId: paymentIntentId!,
      amount: { amount: 5_000, currency: "USD" as const },
      reason: "requested_by_customer" as const,
      consultationId,
    };
    const first = await payments.refund(input);
    const again = await payments.refund(input);
    expect(first).toEqual({
      providerRefundId: expect.stringMatching(/^re_sim_/),
      status: "succeeded",
      settlement: { amount: 5_000, currency: "USD", exchangeRate: null },
    });
    expect(again).toEqual(first);
    const [event, ...rest] = events();
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      type: "charge.refunded",
      request: { idempotency_key: `refund:${refundId}` },
      data: {
        object: {
          object: "charge",
          amount: 15_000,
          amount_refunded: 5_000,
          refunded: false,
          payment_intent: paymentIntentId,
          metadata: { consultation_id: consultationId, payment_id: paymentId },
          refunds: {
            object: "list",
            total_count: 1,
            data: [
              {
                id: first.providerRefundId,
                object: "refund",
                amount: 5_000,
                currency: "usd",
                payment_intent: paymentIntentId,
                status: "succeeded",
                metadata: { consultation_id: consultationId, refund_id: refundId },
              },
            ],
          },
        },
        previous_attributes: { amount_refunded: 0 },
      },
    });
    expect(
      await rejection(payments.refund({ ...input, amount: { amount: 6_000, currency: "USD" } })),
    ).toBe("idempotency_error");
  });

  it("never refunds more than was charged", async () => {
    const { paymentIntentId } = await paidSession();
    const base = {
      paymentIntentId: paymentIntentId!,
      reason: "requested_by_customer" as const,
      consultationId,
    };
    await payments.refund({
      ...base,
      refundId: "r-1",
      amount: { amount: 10_000, currency: "USD" },
    });
    expect(
      await rejection(
        payments.refund({ ...base, refundId: "r-2", amount: { amount: 5_001, currency: "USD" } }),
      ),
    ).toBe("amount_too_large");
    expect(
      await rejection(
        payments.refund({ ...base, refundId: "r-3", amount: { amount: 100, currency: "EUR" } }),
      ),
    ).toBe("parameter_invalid");
    // The refused key was not saved: the right amount goes through under it.
    await payments.refund({ ...base, refundId: "r-2", amount: { amount: 5_000, currency: "USD" } });
    expect(
      await rejection(
        payments.refund({ ...base, refundId: "r-4", amount: { amount: 1, currency: "USD" } }),
      ),
    ).toBe("charge_already_refunded");
    const list = events();
    expect(list.map((e) => [e.data.object.amount_refunded, e.data.object.refunded])).toEqual([
      [10_000, false],
      [15_000, true],
    ]);
    expect(list[1]?.data.previous_attributes).toEqual({ amount_refunded: 10_000, refunded: false });
    const charge = await payments.retrieveCharge({ paymentIntentId: paymentIntentId! });
    expect(charge.amountRefunded).toBe(15_000);
  });

  it("two concurrent requests with one key refund once", async () => {
    const { paymentIntentId } = await paidSession();
    const input = {
      refundId,
      paymentIntentId: paymentIntentId!,
      amount: { amount: 15_000, currency: "USD" as const },
      reason: "requested_by_customer" as const,
      consultationId,
    };
    const results = await Promise.allSettled([payments.refund(input), payments.refund(input)]);
    for (const r of results) {
      if (r.status === "rejected") expect(r.reason).toBeInstanceOf(ProviderUnavailableError);
    }
    expect(results.some((r) => r.status === "fulfilled")).toBe(true);
    expect(events()).toHaveLength(1);
    expect((await payments.refund(input)).status).toBe("succeeded");
    expect(events()).toHaveLength(1);
  });
});

describe("disputes", () => {
  it("opening sends charge.dispute.created with the 15.00 fee withdrawn", async () => {
    const { paymentIntentId } = await paidSession();
    const { chargeId } = await payments.retrieveCharge({ paymentIntentId: paymentIntentId! });
    const dispute = await payments.openDispute(chargeId);
    expect(dispute.id).toMatch(/^dp_sim_/);
    const [event] = events();
    expect(event).toMatchObject({
      type: "charge.dispute.created",
      data: {
        object: {
          id: dispute.id,
          object: "dispute",
          charge: chargeId,
          payment_intent: paymentIntentId,
          amount: 15_000,
          currency: "usd",
          status: "needs_response",
          balance_transactions: [{ amount: -15_000, fee: 1_500, net: -16_500, currency: "usd" }],
        },
      },
    });
    expect(await rejection(payments.openDispute(chargeId))).toBe("charge_disputed");
    expect(
      await rejection(
        payments.refund({
          refundId: "r-1",
          paymentIntentId: paymentIntentId!,
          amount: { amount: 100, currency: "USD" },
          reason: "requested_by_customer",
          consultationId,
        }),
      ),
    ).toBe("charge_disputed");
  });

  it("a dispute covers what is left after refunds", async () => {
    const { paymentIntentId } = await paidSession();
    await payments.refund({
      refundId: "r-1",
      paymentIntentId: paymentIntentId!,
      amount: { amount: 4_000, currency: "USD" },
      reason: "requested_by_customer",
      consultationId,
    });
    const { chargeId } = await payments.retrieveCharge({ paymentIntentId: paymentIntentId! });
    expect((await payments.openDispute(chargeId)).amount).toBe(11_000);
  });

  it.each([
    // The dispute fee isn't given back when the platform wins.
    [
      "won",
      [
        [-15_000, 1_500],
        [15_000, 0],
      ],
    ],
    ["lost", [[-15_000, 1_500]]],
  ] as const)("closing as %s sends charge.dispute.closed once", async (outcome, amounts) => {
    const { paymentIntentId } = await paidSession();
    const { chargeId } = await payments.retrieveCharge({ paymentIntentId: paymentIntentId! });
    const dispute = await payments.openDispute(chargeId);
    sent = [];
    await payments.closeDispute(dispute.id, outcome);
    expect(await rejection(payments.closeDispute(dispute.id, "won"))).toBe(
      "dispute_already_closed",
    );
    const [event, ...rest] = events();
    expect(rest).toEqual([]);
    expect(event?.type).toBe("charge.dispute.closed");
    expect(event?.data.object.status).toBe(outcome);
    expect(event?.data.previous_attributes).toEqual({ status: "needs_response" });
    const txns = event?.data.object.balance_transactions as { amount: number; fee: number }[];
    expect(txns.map((t) => [t.amount, t.fee])).toEqual(amounts);
    expect((await payments.listDisputes(chargeId)).map((d) => d.status)).toEqual([outcome]);
  });
});
