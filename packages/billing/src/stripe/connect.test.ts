import type Stripe from "stripe";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseBillingEnv, resolveBillingConfig } from "../config";
import { type PaymentPort, ProviderRejectedError, ProviderUnavailableError } from "../ports";
import { formOf, headerOf, type Loopback, startLoopback } from "../testing/loopback";
import { createStripePayments } from "./payments";

/**
 * Contract tests of the Connect calls: the real stripe SDK (23.1.0) against a loopback
 * server. They prove what goes over the wire and how answers map to the port, not that
 * Stripe accepts it (stripe-connect.md §4.5).
 */

const SECRET = "sk_test_loopback_0123456789";
const ADVISOR_ID = "demo|advisor-amira";
const ITEM_ID = "9a1b2c3d-1111-4a2b-9c3d-000000000001";
const CONSULTATION_ID = "9a1b2c3d-2222-4a2b-9c3d-000000000002";
const REVERSAL_ID = "9a1b2c3d-3333-4a2b-9c3d-000000000003";
const FAST_RETRY = { attempts: 3, baseDelayMs: 1, maxDelayMs: 20 };

let server: Loopback;
let payments: PaymentPort;

beforeEach(async () => {
  server = await startLoopback();
  const config = resolveBillingConfig(
    parseBillingEnv({
      STRIPE_SECRET_KEY: SECRET,
      STRIPE_WEBHOOK_SECRETS: "whsec_loopback",
      STRIPE_API_BASE: server.url,
    }),
    { production: false, defaultApiUrl: "http://127.0.0.1:9" },
  );
  payments = createStripePayments(config, { retry: FAST_RETRY });
});

afterEach(async () => {
  await server.close();
});

const stripeError = (status: number, error: Record<string, string>, headers = {}) => ({
  status,
  headers,
  body: { error },
});

const account = (overrides: Partial<Stripe.Account> = {}) =>
  ({
    id: "acct_1ABC",
    object: "account",
    capabilities: { transfers: "inactive" },
    payouts_enabled: false,
    details_submitted: false,
    requirements: {
      currently_due: ["external_account", "tos_acceptance.date"],
      eventually_due: ["external_account", "tos_acceptance.date", "individual.id_number"],
      past_due: [],
      disabled_reason: "requirements.past_due",
    },
    metadata: { advisor_id: ADVISOR_ID },
    ...overrides,
  }) as unknown as Stripe.Account;

const transfer = (overrides: Partial<Stripe.Transfer> = {}) =>
  ({
    id: "tr_1",
    object: "transfer",
    amount: 8_000,
    amount_reversed: 0,
    created: 1_900_000_000,
    currency: "usd",
    destination: "acct_1ABC",
    source_transaction: "ch_1",
    transfer_group: `consultation_${CONSULTATION_ID}`,
    metadata: { payout_item_id: ITEM_ID, consultation_id: CONSULTATION_ID },
    ...overrides,
  }) as unknown as Stripe.Transfer;

const transferInput = {
  payoutItemId: ITEM_ID,
  consultationId: CONSULTATION_ID,
  amount: { amount: 8_000, currency: "USD" as const },
  destinationAccountId: "acct_1ABC",
  sourceChargeId: "ch_1",
  transferGroup: `consultation_${CONSULTATION_ID}`,
};

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );

describe("createExpressAccount", () => {
  it("posts an Express account with controller properties and transfers requested, keyed by the caller", async () => {
    server.enqueue({ status: 200, body: account() });

    const created = await payments.createExpressAccount({
      advisorId: ADVISOR_ID,
      email: "amira@demo.advisor.network",
      country: "US",
      serviceAgreement: "full",
      idempotencyKey: `account:${ADVISOR_ID}`,
    });

    const [request] = server.requests;
    expect(request!.method).toBe("POST");
    expect(request!.path).toBe("/v1/accounts");
    expect(headerOf(request!, "idempotency-key")).toBe(`account:${ADVISOR_ID}`);
    expect(headerOf(request!, "stripe-version")).toBe("2026-10-28.endive");
    expect(Object.fromEntries(formOf(request!))).toEqual({
      country: "US",
      email: "amira@demo.advisor.network",
      "controller[stripe_dashboard][type]": "express",
      "controller[fees][payer]": "application",
      "controller[losses][payments]": "application",
      "controller[requirement_collection]": "stripe",
      "capabilities[transfers][requested]": "true",
      "metadata[advisor_id]": ADVISOR_ID,
    });
    expect(formOf(request!).has("type")).toBe(false);
    // `full` is Stripe's default agreement: nothing about terms is sent.
    expect(formOf(request!).has("tos_acceptance[service_agreement]")).toBe(false);
    expect(created).toEqual({
      id: "acct_1ABC",
      transfersCapability: "inactive",
      payoutsEnabled: false,
      detailsSubmitted: false,
      currentlyDue: ["external_account", "tos_acceptance.date"],
      eventuallyDue: ["external_account", "tos_acceptance.date", "individual.id_number"],
      pastDue: [],
      disabledReason: "requirements.past_due",
    });
  });

  it("leaves the email out when the advisor has none", async () => {
    server.enqueue({ status: 200, body: account() });
    await payments.createExpressAccount({
      advisorId: ADVISOR_ID,
      email: null,
      country: "DE",
      serviceAgreement: "full",
      idempotencyKey: "k",
    });
    expect(formOf(server.requests[0]!).has("email")).toBe(false);
    expect(formOf(server.requests[0]!).get("country")).toBe("DE");
  });

  it("creates a cross-border account under the recipient service agreement when asked", async () => {
    server.enqueue({ status: 200, body: account() });
    await payments.createExpressAccount({
      advisorId: ADVISOR_ID,
      email: "lena@example.test",
      country: "DE",
      serviceAgreement: "recipient",
      idempotencyKey: `account:${ADVISOR_ID}`,
    });
    const form = formOf(server.requests[0]!);
    expect(form.get("country")).toBe("DE");
    expect(form.get("tos_acceptance[service_agreement]")).toBe("recipient");
    // A recipient account only receives transfers: card payments are never requested.
    expect(form.get("capabilities[transfers][requested]")).toBe("true");
    expect([...form.keys()].filter((k) => k.startsWith("capabilities["))).toEqual([
      "capabilities[transfers][requested]",
    ]);
  });
});

describe("createAccountLink and retrieveAccount", () => {
  it("asks for an onboarding link collecting what is currently due", async () => {
    server.enqueue({
      status: 200,
      body: {
        object: "account_link",
        url: "https://connect.stripe.com/setup/e/acct_1ABC/xyz",
        created: 1_900_000_000,
        expires_at: 1_900_000_300,
      },
    });

    const link = await payments.createAccountLink({
      accountId: "acct_1ABC",
      refreshUrl: "https://api.example.com/payouts/onboarding/refresh",
      returnUrl: "https://app.example.com/advisor/payouts",
    });

    const [request] = server.requests;
    expect(`${request!.method} ${request!.path}`).toBe("POST /v1/account_links");
    expect(Object.fromEntries(formOf(request!))).toEqual({
      account: "acct_1ABC",
      type: "account_onboarding",
      refresh_url: "https://api.example.com/payouts/onboarding/refresh",
      return_url: "https://app.example.com/advisor/payouts",
      "collection_options[fields]": "currently_due",
    });
    expect(link).toEqual({
      url: "https://connect.stripe.com/setup/e/acct_1ABC/xyz",
      expiresAt: new Date(1_900_000_300 * 1000),
    });
  });

  it("reads the account's capability and requirements", async () => {
    server.enqueue({
      status: 200,
      body: account({
        capabilities: { transfers: "active" },
        payouts_enabled: true,
        details_submitted: true,
        requirements: {
          currently_due: [],
          eventually_due: [],
          past_due: [],
          disabled_reason: null,
        } as unknown as Stripe.Account.Requirements,
      }),
    });

    const found = await payments.retrieveAccount("acct_1ABC");

    expect(`${server.requests[0]!.method} ${server.requests[0]!.path}`).toBe(
      "GET /v1/accounts/acct_1ABC",
    );
    expect(found).toMatchObject({
      transfersCapability: "active",
      payoutsEnabled: true,
      detailsSubmitted: true,
      currentlyDue: [],
      disabledReason: null,
    });
  });

  it("reads an account without the transfers capability as not requested", async () => {
    server.enqueue({ status: 200, body: account({ capabilities: {} }) });
    await expect(payments.retrieveAccount("acct_1ABC")).resolves.toMatchObject({
      transfersCapability: null,
    });
  });
});

describe("createTransfer", () => {
  it("posts the transfer funded by the charge, in its group, keyed by the payout item", async () => {
    server.enqueue({ status: 200, body: transfer() });

    const sent = await payments.createTransfer(transferInput);

    const [request] = server.requests;
    expect(`${request!.method} ${request!.path}`).toBe("POST /v1/transfers");
    expect(headerOf(request!, "idempotency-key")).toBe(`transfer:${ITEM_ID}`);
    expect(headerOf(request!, "stripe-version")).toBe("2026-10-28.endive");
    expect(Object.fromEntries(formOf(request!))).toEqual({
      amount: "8000",
      currency: "usd",
      destination: "acct_1ABC",
      source_transaction: "ch_1",
      transfer_group: `consultation_${CONSULTATION_ID}`,
      "metadata[payout_item_id]": ITEM_ID,
      "metadata[consultation_id]": CONSULTATION_ID,
    });
    expect(sent).toEqual({
      id: "tr_1",
      amount: 8_000,
      currency: "USD",
      destination: "acct_1ABC",
      sourceTransaction: "ch_1",
      transferGroup: `consultation_${CONSULTATION_ID}`,
      amountReversed: 0,
      payoutItemId: ITEM_ID,
      consultationId: CONSULTATION_ID,
      created: new Date(1_900_000_000 * 1000),
    });
  });

  it("refuses a destination without the transfers capability, with Stripe's code, without retrying", async () => {
    server.respond(() =>
      stripeError(400, {
        type: "invalid_request_error",
        code: "insufficient_capabilities_for_transfer",
        message:
          "Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments",
      }),
    );

    const error = await failure(payments.createTransfer(transferInput));

    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect((error as ProviderRejectedError).code).toBe("insufficient_capabilities_for_transfer");
    expect(server.requests).toHaveLength(1);
  });

  it("refuses an insufficient balance as balance_insufficient", async () => {
    server.respond(() =>
      stripeError(400, {
        type: "invalid_request_error",
        code: "balance_insufficient",
        message: "You have insufficient available funds in your Stripe account.",
      }),
    );

    const error = await failure(payments.createTransfer(transferInput));

    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect((error as ProviderRejectedError).code).toBe("balance_insufficient");
  });

  it("retries a 500 with the same key and body, and returns the one transfer", async () => {
    server.enqueue(stripeError(500, { type: "api_error", message: "Something went wrong" }));
    server.enqueue({ status: 200, body: transfer() });

    await expect(payments.createTransfer(transferInput)).resolves.toMatchObject({ id: "tr_1" });

    expect(server.requests.map((r) => headerOf(r, "idempotency-key"))).toEqual([
      `transfer:${ITEM_ID}`,
      `transfer:${ITEM_ID}`,
    ]);
    expect(server.requests[1]!.rawBody).toBe(server.requests[0]!.rawBody);
  });

  it("hands a long 429 Retry-After to the caller as unavailable with the wait and the code", async () => {
    server.respond(() =>
      stripeError(
        429,
        { type: "invalid_request_error", code: "rate_limit", message: "Too many requests" },
        { "retry-after": "30" },
      ),
    );

    const error = await failure(payments.createTransfer(transferInput));

    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as ProviderUnavailableError).retryAfterSeconds).toBe(30);
    expect((error as ProviderUnavailableError).code).toBe("rate_limit");
    expect((error as ProviderUnavailableError).kind).toBe("throttled");
    expect(server.requests).toHaveLength(1);
  });

  it("waits out a short 429 Retry-After and retries with the same key", async () => {
    server.enqueue(
      stripeError(
        429,
        { type: "invalid_request_error", code: "rate_limit", message: "Too many requests" },
        { "retry-after": "0" },
      ),
    );
    server.enqueue({ status: 200, body: transfer() });

    await expect(payments.createTransfer(transferInput)).resolves.toMatchObject({ id: "tr_1" });
    expect(server.requests).toHaveLength(2);
    expect(headerOf(server.requests[1]!, "idempotency-key")).toBe(`transfer:${ITEM_ID}`);
  });

  it("reports a key reused with other parameters as an idempotency refusal", async () => {
    server.respond(() =>
      stripeError(400, {
        type: "idempotency_error",
        message:
          "Keys for idempotent requests can only be used with the same parameters they were first used with.",
      }),
    );

    const error = await failure(payments.createTransfer(transferInput));

    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect((error as ProviderRejectedError).code).toBe("idempotency_error");
  });
});

describe("createTransferReversal", () => {
  it("posts the reversal of the transfer keyed by our reversal row", async () => {
    server.enqueue({
      status: 200,
      body: {
        id: "trr_1",
        object: "transfer_reversal",
        amount: 3_000,
        currency: "usd",
        transfer: "tr_1",
      },
    });

    const reversal = await payments.createTransferReversal({
      reversalId: REVERSAL_ID,
      transferId: "tr_1",
      amount: { amount: 3_000, currency: "USD" },
      consultationId: CONSULTATION_ID,
    });

    const [request] = server.requests;
    expect(`${request!.method} ${request!.path}`).toBe("POST /v1/transfers/tr_1/reversals");
    expect(headerOf(request!, "idempotency-key")).toBe(`reversal:${REVERSAL_ID}`);
    expect(Object.fromEntries(formOf(request!))).toEqual({
      amount: "3000",
      "metadata[reversal_id]": REVERSAL_ID,
      "metadata[consultation_id]": CONSULTATION_ID,
    });
    expect(reversal).toEqual({ id: "trr_1", transferId: "tr_1", amount: 3_000, currency: "USD" });
  });

  it("refuses a reversal the connected balance can't cover", async () => {
    server.respond(() =>
      stripeError(400, {
        type: "invalid_request_error",
        code: "balance_insufficient",
        message: "Insufficient funds in the connected account to reverse this transfer.",
      }),
    );

    const error = await failure(
      payments.createTransferReversal({
        reversalId: REVERSAL_ID,
        transferId: "tr_1",
        amount: { amount: 3_000, currency: "USD" },
        consultationId: CONSULTATION_ID,
      }),
    );

    expect((error as ProviderRejectedError).code).toBe("balance_insufficient");
  });
});

describe("lists for reconciliation", () => {
  const from = new Date("2030-01-01T00:00:00Z");
  const to = new Date("2030-01-02T00:00:00Z");

  it("reads every page of transfers in [from, to), following starting_after", async () => {
    server.enqueue({
      status: 200,
      body: {
        object: "list",
        has_more: true,
        data: [transfer({ id: "tr_1" }), transfer({ id: "tr_2" })],
      },
    });
    server.enqueue({
      status: 200,
      body: { object: "list", has_more: false, data: [transfer({ id: "tr_3" })] },
    });

    const transfers = await payments.listTransfers({ from, to });

    expect(transfers.map((t) => t.id)).toEqual(["tr_1", "tr_2", "tr_3"]);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /v1/transfers",
      "GET /v1/transfers",
    ]);
    const [first, second] = server.requests.map((r) => Object.fromEntries(r.query));
    expect(first).toEqual({
      "created[gte]": String(from.getTime() / 1000),
      "created[lt]": String(to.getTime() / 1000),
      limit: "100",
    });
    expect(second).toEqual({ ...first, starting_after: "tr_2" });
  });

  it("maps refunds and balance transactions", async () => {
    server.enqueue({
      status: 200,
      body: {
        object: "list",
        has_more: false,
        data: [
          {
            id: "re_1",
            object: "refund",
            amount: 5_000,
            currency: "usd",
            status: "succeeded",
            payment_intent: "pi_1",
            charge: "ch_1",
            metadata: { refund_id: "r-1" },
            created: 1_893_456_000,
            balance_transaction: "txn_unexpanded",
          },
          {
            id: "re_2",
            object: "refund",
            amount: 10_000,
            currency: "aed",
            status: "succeeded",
            payment_intent: "pi_2",
            charge: "ch_2",
            metadata: { refund_id: "r-2" },
            created: 1_893_456_001,
            balance_transaction: {
              id: "txn_re2",
              object: "balance_transaction",
              amount: -2_750,
              currency: "usd",
              exchange_rate: 0.275,
            },
          },
        ],
      },
    });
    server.enqueue({
      status: 200,
      body: {
        object: "list",
        has_more: false,
        data: [
          {
            id: "txn_1",
            object: "balance_transaction",
            type: "transfer",
            amount: -8_000,
            fee: 0,
            net: -8_000,
            currency: "usd",
            source: "tr_1",
            created: 1_893_456_000,
            exchange_rate: null,
          },
          {
            id: "txn_2",
            object: "balance_transaction",
            type: "charge",
            amount: 11_981,
            fee: 377,
            net: 11_604,
            currency: "usd",
            source: "ch_2",
            created: 1_893_456_000,
            exchange_rate: 0.272301,
          },
        ],
      },
    });

    await expect(payments.listRefunds({ from, to })).resolves.toEqual([
      {
        id: "re_1",
        amount: 5_000,
        currency: "USD",
        status: "succeeded",
        paymentIntentId: "pi_1",
        chargeId: "ch_1",
        refundId: "r-1",
        created: new Date(1_893_456_000 * 1000),
        settlement: null,
      },
      {
        id: "re_2",
        amount: 10_000,
        currency: "AED",
        status: "succeeded",
        paymentIntentId: "pi_2",
        chargeId: "ch_2",
        refundId: "r-2",
        created: new Date(1_893_456_001 * 1000),
        settlement: { amount: 2_750, currency: "USD", exchangeRate: "0.275" },
      },
    ]);
    await expect(payments.listBalanceTransactions({ from, to })).resolves.toEqual([
      {
        id: "txn_1",
        type: "transfer",
        amount: -8_000,
        fee: 0,
        net: -8_000,
        currency: "USD",
        source: "tr_1",
        created: new Date(1_893_456_000 * 1000),
        exchangeRate: null,
      },
      {
        id: "txn_2",
        type: "charge",
        amount: 11_981,
        fee: 377,
        net: 11_604,
        currency: "USD",
        source: "ch_2",
        created: new Date(1_893_456_000 * 1000),
        exchangeRate: "0.272301",
      },
    ]);
    expect(server.requests.map((r) => r.path)).toEqual(["/v1/refunds", "/v1/balance_transactions"]);
    // Refunds are listed with what each took from the balance.
    expect([...server.requests[0]!.query.entries()]).toContainEqual([
      expect.stringMatching(/^expand\[\d*\]$/),
      "data.balance_transaction",
    ]);
  });
});
