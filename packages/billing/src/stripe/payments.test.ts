import type Stripe from "stripe";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type BillingConfig, parseBillingEnv, resolveBillingConfig } from "../config";
import { type PaymentPort, ProviderRejectedError, ProviderUnavailableError } from "../ports";
import { formOf, headerOf, type Loopback, startLoopback } from "../testing/loopback";
import { checkoutLocale, createStripePayments } from "./payments";

/**
 * Contract tests: the real stripe SDK (23.1.0) against a loopback server. They prove what
 * goes over the wire (method, path, form parameters, headers) and how answers map to the
 * port; they cannot prove that Stripe accepts those parameters (see stripe-connect.md §4.5).
 */

const SECRET = "sk_test_loopback_0123456789";
const PAYMENT_ID = "7b0c2d4e-1111-4a2b-9c3d-000000000001";
const CONSULTATION_ID = "7b0c2d4e-2222-4a2b-9c3d-000000000002";
const ADVISOR_ID = "7b0c2d4e-3333-4a2b-9c3d-000000000003";
const REFUND_ID = "7b0c2d4e-4444-4a2b-9c3d-000000000004";
const EXPIRES_AT = new Date("2026-11-02T10:30:00.000Z");
const FAST_RETRY = { attempts: 3, baseDelayMs: 1, maxDelayMs: 20 };

function stripeConfig(apiBase: string): BillingConfig {
  return resolveBillingConfig(
    parseBillingEnv({
      STRIPE_SECRET_KEY: SECRET,
      STRIPE_WEBHOOK_SECRETS: "whsec_loopback",
      STRIPE_API_BASE: apiBase,
    }),
    { production: false, defaultApiUrl: "http://127.0.0.1:9" },
  );
}

const openSession = {
  id: "cs_test_1",
  object: "checkout.session",
  url: "https://checkout.stripe.com/c/pay/cs_test_1",
  status: "open",
  payment_status: "unpaid",
  amount_total: 12_000,
  currency: "eur",
  payment_intent: null,
  client_reference_id: CONSULTATION_ID,
  metadata: { consultation_id: CONSULTATION_ID, payment_id: PAYMENT_ID, advisor_id: ADVISOR_ID },
  expires_at: EXPIRES_AT.getTime() / 1000,
} satisfies Partial<Stripe.Checkout.Session>;

const checkoutInput = {
  paymentId: PAYMENT_ID,
  consultationId: CONSULTATION_ID,
  advisorId: ADVISOR_ID,
  amount: { amount: 12_000, currency: "EUR" as const },
  description: "60-minute consultation with Ada L.",
  customerEmail: "client+1@example.com",
  expiresAt: EXPIRES_AT,
  successUrl: "https://app.example.com/consultations/x/paid?session_id={CHECKOUT_SESSION_ID}",
  cancelUrl: "https://app.example.com/consultations/x",
  locale: "pt-br",
};

const stripeError = (status: number, error: Record<string, string>, headers = {}) => ({
  status,
  headers,
  body: { error },
});

let server: Loopback;
let payments: PaymentPort;

beforeEach(async () => {
  server = await startLoopback();
  payments = createStripePayments(stripeConfig(server.url), { retry: FAST_RETRY });
});

afterEach(async () => {
  await server.close();
});

describe("createCheckoutSession", () => {
  it("posts one form-encoded Checkout Session carrying our ids, keyed by the payment row", async () => {
    server.enqueue({ status: 200, body: openSession });

    const session = await payments.createCheckoutSession(checkoutInput);

    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request!.method).toBe("POST");
    expect(request!.path).toBe("/v1/checkout/sessions");
    expect(headerOf(request!, "content-type")).toBe("application/x-www-form-urlencoded");
    expect(headerOf(request!, "idempotency-key")).toBe(`checkout:${PAYMENT_ID}`);
    expect(headerOf(request!, "stripe-version")).toBe("2026-10-28.endive");
    expect(headerOf(request!, "authorization")).toBe(`Bearer ${SECRET}`);
    expect(headerOf(request!, "x-stripe-client-telemetry")).toBeUndefined();

    const form = formOf(request!);
    expect(Object.fromEntries(form)).toEqual({
      mode: "payment",
      "line_items[0][quantity]": "1",
      "line_items[0][price_data][currency]": "eur",
      "line_items[0][price_data][unit_amount]": "12000",
      "line_items[0][price_data][product_data][name]": "60-minute consultation with Ada L.",
      client_reference_id: CONSULTATION_ID,
      "metadata[consultation_id]": CONSULTATION_ID,
      "metadata[payment_id]": PAYMENT_ID,
      "metadata[advisor_id]": ADVISOR_ID,
      "payment_intent_data[transfer_group]": `consultation_${CONSULTATION_ID}`,
      "payment_intent_data[metadata][consultation_id]": CONSULTATION_ID,
      "payment_intent_data[metadata][payment_id]": PAYMENT_ID,
      "payment_intent_data[metadata][advisor_id]": ADVISOR_ID,
      expires_at: String(EXPIRES_AT.getTime() / 1000),
      success_url: checkoutInput.successUrl,
      cancel_url: checkoutInput.cancelUrl,
      customer_email: "client+1@example.com",
      locale: "pt-BR",
    });
    expect([...form.keys()].some((k) => k.startsWith("payment_method_types"))).toBe(false);

    expect(session).toEqual({
      id: "cs_test_1",
      url: "https://checkout.stripe.com/c/pay/cs_test_1",
      status: "open",
      paymentStatus: "unpaid",
      amount: 12_000,
      currency: "EUR",
      paymentIntentId: null,
      consultationId: CONSULTATION_ID,
      paymentId: PAYMENT_ID,
      expiresAt: EXPIRES_AT,
    });
  });

  it("leaves out the email and a locale Checkout doesn't support", async () => {
    server.enqueue({ status: 200, body: openSession });

    await payments.createCheckoutSession({
      ...checkoutInput,
      customerEmail: null,
      locale: "xx-YY",
    });

    const form = formOf(server.requests[0]!);
    expect(form.has("customer_email")).toBe(false);
    expect(form.has("locale")).toBe(false);
  });

  it("retries a 500 with the same idempotency key and returns the session", async () => {
    server.enqueue(stripeError(500, { type: "api_error", message: "Something went wrong" }));
    server.enqueue({ status: 200, body: openSession });

    const session = await payments.createCheckoutSession(checkoutInput);

    expect(session.id).toBe("cs_test_1");
    expect(server.requests).toHaveLength(2);
    expect(server.requests.map((r) => headerOf(r, "idempotency-key"))).toEqual([
      `checkout:${PAYMENT_ID}`,
      `checkout:${PAYMENT_ID}`,
    ]);
    expect(server.requests[1]!.rawBody).toBe(server.requests[0]!.rawBody);
  });

  it("retries a 429 after the Retry-After it was given", async () => {
    server.enqueue(
      stripeError(
        429,
        { type: "invalid_request_error", code: "rate_limit", message: "Too many" },
        {
          "retry-after": "0",
        },
      ),
    );
    server.enqueue({ status: 200, body: openSession });

    await expect(payments.createCheckoutSession(checkoutInput)).resolves.toMatchObject({
      id: "cs_test_1",
    });
    expect(server.requests).toHaveLength(2);
    expect(headerOf(server.requests[1]!, "idempotency-key")).toBe(`checkout:${PAYMENT_ID}`);
  });

  it("doesn't sleep through a long Retry-After: it hands the wait to the job queue", async () => {
    server.respond(() =>
      stripeError(
        429,
        { type: "invalid_request_error", code: "rate_limit", message: "Too many" },
        {
          "retry-after": "120",
        },
      ),
    );

    const error = await payments.createCheckoutSession(checkoutInput).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as ProviderUnavailableError).retryAfterSeconds).toBe(120);
    expect(server.requests).toHaveLength(1);
  });

  it("retries a 409 (the same key still in flight)", async () => {
    server.enqueue(
      stripeError(409, {
        type: "idempotency_error",
        code: "idempotency_key_in_use",
        message: "There is currently another in-progress request using this Idempotent Key",
      }),
    );
    server.enqueue({ status: 200, body: openSession });

    await payments.createCheckoutSession(checkoutInput);

    expect(server.requests).toHaveLength(2);
  });

  it("retries dropped connections with the same key (the SDK once, then our loop)", async () => {
    server.enqueue({ destroy: true }, { destroy: true });
    server.enqueue({ status: 200, body: openSession });

    await expect(payments.createCheckoutSession(checkoutInput)).resolves.toMatchObject({
      id: "cs_test_1",
    });
    expect(server.requests).toHaveLength(3);
    expect(new Set(server.requests.map((r) => headerOf(r, "idempotency-key")))).toEqual(
      new Set([`checkout:${PAYMENT_ID}`]),
    );
  });

  it("gives up on a persistent 503 after the configured attempts, as unavailable", async () => {
    server.respond(() => stripeError(503, { type: "api_error", message: "Service unavailable" }));

    const error = await payments.createCheckoutSession(checkoutInput).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as ProviderUnavailableError).kind).toBe("outcome_unknown");
    expect((error as Error).message).toMatch(/Service unavailable/);
    expect(server.requests).toHaveLength(3);
  });

  it("reports a key reused with different parameters as a refusal, without retrying", async () => {
    server.respond(() =>
      stripeError(400, {
        type: "idempotency_error",
        message:
          "Keys for idempotent requests can only be used with the same parameters they were first used with.",
      }),
    );

    const error = await payments.createCheckoutSession(checkoutInput).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect((error as ProviderRejectedError).code).toBe("idempotency_error");
    expect(server.requests).toHaveLength(1);
  });

  it("reports an invalid request with Stripe's error code, without retrying", async () => {
    server.respond(() =>
      stripeError(400, {
        type: "invalid_request_error",
        code: "parameter_invalid_integer",
        param: "expires_at",
        message: "Invalid integer: soon",
      }),
    );

    const error = await payments.createCheckoutSession(checkoutInput).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect((error as ProviderRejectedError).code).toBe("parameter_invalid_integer");
    expect(server.requests).toHaveLength(1);
  });
});

describe("expireCheckoutSession", () => {
  it("posts the expiry with the caller's idempotency key", async () => {
    server.enqueue({ status: 200, body: { ...openSession, status: "expired", url: null } });

    const session = await payments.expireCheckoutSession({
      sessionId: "cs_test_1",
      idempotencyKey: "checkout-expire:cs_test_1",
    });

    expect(session).toMatchObject({ id: "cs_test_1", status: "expired", url: null });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.method).toBe("POST");
    expect(server.requests[0]!.path).toBe("/v1/checkout/sessions/cs_test_1/expire");
    expect(headerOf(server.requests[0]!, "idempotency-key")).toBe("checkout-expire:cs_test_1");
  });

  it.each([
    ["expired", "unpaid"],
    ["complete", "paid"],
    ["complete", "unpaid"],
  ] as const)(
    "reports a session Stripe won't expire because it is already %s (%s) as Stripe has it",
    async (status, paymentStatus) => {
      server.enqueue(
        stripeError(400, {
          type: "invalid_request_error",
          message: `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of \`${status}\`.`,
        }),
      );
      server.enqueue({
        status: 200,
        body: {
          ...openSession,
          status,
          payment_status: paymentStatus,
          url: null,
          payment_intent: status === "complete" ? "pi_123" : null,
        },
      });

      const session = await payments.expireCheckoutSession({
        sessionId: "cs_test_1",
        idempotencyKey: "k",
      });

      expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        "POST /v1/checkout/sessions/cs_test_1/expire",
        "GET /v1/checkout/sessions/cs_test_1",
      ]);
      expect(session).toMatchObject({
        status,
        paymentStatus,
        paymentIntentId: status === "complete" ? "pi_123" : null,
      });
    },
  );

  it("passes the refusal on when the session is in fact still open", async () => {
    server.enqueue(
      stripeError(400, { type: "invalid_request_error", message: "You cannot expire this" }),
    );
    server.enqueue({ status: 200, body: openSession });

    await expect(
      payments.expireCheckoutSession({ sessionId: "cs_test_1", idempotencyKey: "k" }),
    ).rejects.toBeInstanceOf(ProviderRejectedError);
  });
});

describe("retrieveCheckoutSession", () => {
  it("reads the session and maps a paid one", async () => {
    server.enqueue({
      status: 200,
      body: {
        ...openSession,
        status: "complete",
        payment_status: "paid",
        url: null,
        payment_intent: "pi_123",
      } satisfies Partial<Stripe.Checkout.Session>,
    });

    const session = await payments.retrieveCheckoutSession("cs_test_1");

    expect(server.requests[0]!.method).toBe("GET");
    expect(server.requests[0]!.path).toBe("/v1/checkout/sessions/cs_test_1");
    expect(session).toMatchObject({
      status: "complete",
      paymentStatus: "paid",
      url: null,
      paymentIntentId: "pi_123",
      currency: "EUR",
    });
  });
});

describe("retrieveCharge", () => {
  const charge = {
    id: "ch_123",
    object: "charge",
    amount: 12_000,
    amount_refunded: 3_000,
    currency: "eur",
    created: 1_793_620_800,
    balance_transaction: {
      id: "txn_123",
      object: "balance_transaction",
      amount: 12_000,
      currency: "eur",
      fee: 385,
      exchange_rate: null,
    } satisfies Partial<Stripe.BalanceTransaction>,
  } satisfies Partial<Omit<Stripe.Charge, "balance_transaction">> & Record<string, unknown>;

  const intent = (latest: unknown) => ({
    status: 200,
    body: { id: "pi_123", object: "payment_intent", status: "succeeded", latest_charge: latest },
  });

  it("expands the latest charge and its balance transaction for the fee", async () => {
    server.enqueue(intent(charge));

    const info = await payments.retrieveCharge({ paymentIntentId: "pi_123" });

    const [request] = server.requests;
    expect(request!.method).toBe("GET");
    expect(request!.path).toBe("/v1/payment_intents/pi_123");
    expect([...request!.query.values()]).toEqual(["latest_charge.balance_transaction"]);
    expect([...request!.query.keys()][0]).toMatch(/^expand\[\d*\]$/);
    expect(info).toEqual({
      chargeId: "ch_123",
      amount: 12_000,
      currency: "EUR",
      amountRefunded: 3_000,
      processingFee: 385,
      settlement: { amount: 12_000, currency: "EUR", exchangeRate: null },
      created: new Date(1_793_620_800 * 1000),
    });
  });

  it("has no fee or settlement while the balance transaction is unknown", async () => {
    server.enqueue(intent({ ...charge, balance_transaction: null }));
    server.enqueue(intent({ ...charge, balance_transaction: "txn_123" }));

    for (let i = 0; i < 2; i++) {
      const info = await payments.retrieveCharge({ paymentIntentId: "pi_123" });
      expect(info.processingFee).toBeNull();
      expect(info.settlement).toBeNull();
    }
  });

  it("reports a converted charge in the settlement currency with Stripe's rate, fee included", async () => {
    // 440.00 AED settled as 119.81 USD at 0.272301; Stripe's fee is in USD.
    server.enqueue(
      intent({
        ...charge,
        amount: 44_000,
        currency: "aed",
        balance_transaction: {
          ...charge.balance_transaction,
          amount: 11_981,
          currency: "usd",
          fee: 377,
          exchange_rate: 0.272301,
        },
      }),
    );

    const info = await payments.retrieveCharge({ paymentIntentId: "pi_123" });

    expect(info).toMatchObject({
      amount: 44_000,
      currency: "AED",
      processingFee: 377,
      settlement: { amount: 11_981, currency: "USD", exchangeRate: "0.272301" },
    });
  });

  it("asks to be retried later while the intent has no charge", async () => {
    server.enqueue(intent(null));

    await expect(payments.retrieveCharge({ paymentIntentId: "pi_123" })).rejects.toBeInstanceOf(
      ProviderUnavailableError,
    );
  });
});

describe("refund", () => {
  const refundInput = {
    refundId: REFUND_ID,
    paymentIntentId: "pi_123",
    amount: { amount: 6_000, currency: "EUR" as const },
    reason: "requested_by_customer" as const,
    consultationId: CONSULTATION_ID,
  };

  it("posts the refund keyed by our refund row, with our ids in metadata", async () => {
    server.enqueue({
      status: 200,
      body: {
        id: "re_123",
        object: "refund",
        status: "succeeded",
        amount: 6_000,
      } satisfies Partial<Stripe.Refund>,
    });

    const result = await payments.refund(refundInput);

    const [request] = server.requests;
    expect(request!.method).toBe("POST");
    expect(request!.path).toBe("/v1/refunds");
    expect(headerOf(request!, "idempotency-key")).toBe(`refund:${REFUND_ID}`);
    expect(Object.fromEntries(formOf(request!))).toEqual({
      payment_intent: "pi_123",
      amount: "6000",
      reason: "requested_by_customer",
      "metadata[consultation_id]": CONSULTATION_ID,
      "metadata[refund_id]": REFUND_ID,
      "expand[0]": "balance_transaction",
    });
    expect(result).toEqual({ providerRefundId: "re_123", status: "succeeded", settlement: null });
  });

  it("reports what a refund of a converted charge took from the balance, at its rate", async () => {
    server.enqueue({
      status: 200,
      body: {
        id: "re_125",
        object: "refund",
        status: "succeeded",
        amount: 6_000,
        currency: "aed",
        balance_transaction: {
          id: "txn_re",
          object: "balance_transaction",
          amount: -1_650,
          currency: "usd",
          fee: 0,
          exchange_rate: 0.275,
        },
      },
    });

    await expect(payments.refund(refundInput)).resolves.toEqual({
      providerRefundId: "re_125",
      status: "succeeded",
      settlement: { amount: 1_650, currency: "USD", exchangeRate: "0.275" },
    });
  });

  it("reports a pending refund as pending", async () => {
    server.enqueue({ status: 200, body: { id: "re_124", object: "refund", status: "pending" } });

    await expect(payments.refund(refundInput)).resolves.toEqual({
      providerRefundId: "re_124",
      status: "pending",
      settlement: null,
    });
  });

  it("retries a 502 with the same key, then refuses an over-refund with Stripe's code", async () => {
    server.enqueue(stripeError(502, { type: "api_error", message: "Bad gateway" }));
    server.enqueue(
      stripeError(400, {
        type: "invalid_request_error",
        code: "charge_already_refunded",
        message: "Charge ch_123 has already been refunded.",
      }),
    );

    const error = await payments.refund(refundInput).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect((error as ProviderRejectedError).code).toBe("charge_already_refunded");
    expect(server.requests.map((r) => headerOf(r, "idempotency-key"))).toEqual([
      `refund:${REFUND_ID}`,
      `refund:${REFUND_ID}`,
    ]);
  });
});

describe("configuration", () => {
  it("refuses to build without a secret key", () => {
    const config = stripeConfig(server.url);
    expect(() =>
      createStripePayments({ ...config, stripe: { ...config.stripe, secretKey: null } }),
    ).toThrow(/STRIPE_SECRET_KEY/);
  });

  it.each([
    ["de", "de"],
    ["de-AT", "de"],
    ["en-gb", "en-GB"],
    ["zh-hk", "zh-HK"],
    ["es-MX", "es"],
    ["tlh", undefined],
    [undefined, undefined],
  ])("maps locale %s to Checkout's %s", (tag, expected) => {
    expect(checkoutLocale(tag)).toBe(expected);
  });
});
