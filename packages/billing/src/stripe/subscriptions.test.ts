import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type BillingConfig, parseBillingEnv, resolveBillingConfig } from "../config";
import {
  ProviderRejectedError,
  ProviderUnavailableError,
  type SubscriptionBillingPort,
} from "../ports";
import {
  formOf,
  headerOf,
  type Loopback,
  type RecordedRequest,
  startLoopback,
} from "../testing/loopback";
import { createStripeSubscriptions, portalLocale } from "./subscriptions";

/**
 * Contract tests of the platform subscriptions: the real stripe SDK (23.1.0) against a
 * loopback server. They prove what goes over the wire (method, path, form and query
 * parameters, headers) and how answers map to the port, not that Stripe accepts it
 * (stripe-connect.md §4.5).
 */

const SECRET = "sk_test_loopback_0123456789";
const USER_ID = "demo|client-sam";
const CHECKOUT_ID = "4c5d6e7f-1111-4a2b-9c3d-000000000001";
const PLAN_ID = "4c5d6e7f-2222-4a2b-9c3d-000000000002";
const PLAN_PRICE_ID = "4c5d6e7f-3333-4a2b-9c3d-000000000003";
const EXPIRES_AT = new Date("2030-01-10T11:00:00.000Z");
const PERIOD_START = 1_894_000_000;
const PERIOD_END = 1_896_592_000;
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

let server: Loopback;
let subscriptions: SubscriptionBillingPort;

beforeEach(async () => {
  server = await startLoopback();
  subscriptions = createStripeSubscriptions(stripeConfig(server.url), { retry: FAST_RETRY });
});

afterEach(async () => {
  await server.close();
});

const stripeError = (status: number, error: Record<string, string>, headers = {}) => ({
  status,
  headers,
  body: { error },
});

const ok = (body: unknown) => ({ status: 200, body });
const list = (data: unknown[], hasMore = false) => ok({ object: "list", has_more: hasMore, data });

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e,
  );

/** The `expand[]` values of a request, in order, whatever index style the SDK writes. */
const expandsOf = (params: URLSearchParams) =>
  [...params.entries()].filter(([k]) => /^expand\[\d*\]$/.test(k)).map(([, v]) => v);

const withoutExpands = (params: URLSearchParams) =>
  Object.fromEntries([...params.entries()].filter(([k]) => !k.startsWith("expand[")));

function expectStripeHeaders(request: RecordedRequest, idempotencyKey?: string) {
  expect(headerOf(request, "stripe-version")).toBe("2026-10-28.endive");
  expect(headerOf(request, "authorization")).toBe(`Bearer ${SECRET}`);
  if (idempotencyKey !== undefined) {
    expect(headerOf(request, "idempotency-key")).toBe(idempotencyKey);
  }
}

const price = (overrides: Record<string, unknown> = {}) => ({
  id: "price_pro_eur_month",
  object: "price",
  active: true,
  currency: "eur",
  product: "prod_pro",
  unit_amount: 1_900,
  recurring: { interval: "month", interval_count: 1 },
  ...overrides,
});

const card = (brand: string, last4: string) => ({
  id: `pm_${last4}`,
  object: "payment_method",
  type: "card",
  card: { brand, last4, exp_month: 12, exp_year: 2034 },
});

const subscription = (overrides: Record<string, unknown> = {}) => ({
  id: "sub_1",
  object: "subscription",
  customer: "cus_1",
  status: "active",
  currency: "eur",
  cancel_at_period_end: false,
  cancel_at: null,
  canceled_at: null,
  ended_at: null,
  trial_end: null,
  start_date: PERIOD_START,
  created: PERIOD_START,
  metadata: { user_id: USER_ID, checkout_id: CHECKOUT_ID },
  default_payment_method: card("visa", "4242"),
  latest_invoice: { id: "in_1", object: "invoice" },
  schedule: null,
  items: {
    object: "list",
    has_more: false,
    data: [
      {
        id: "si_1",
        object: "subscription_item",
        current_period_start: PERIOD_START,
        current_period_end: PERIOD_END,
        quantity: 1,
        price: price(),
        subscription: "sub_1",
      },
    ],
  },
  ...overrides,
});

const subscriptionView = {
  id: "sub_1",
  customerId: "cus_1",
  status: "active",
  priceId: "price_pro_eur_month",
  productId: "prod_pro",
  amount: 1_900,
  currency: "EUR",
  interval: "month",
  currentPeriodStart: new Date(PERIOD_START * 1000),
  currentPeriodEnd: new Date(PERIOD_END * 1000),
  cancelAtPeriodEnd: false,
  cancelAt: null,
  canceledAt: null,
  endedAt: null,
  trialEnd: null,
  startDate: new Date(PERIOD_START * 1000),
  created: new Date(PERIOD_START * 1000),
  pending: null,
  card: { brand: "visa", last4: "4242" },
  latestInvoiceId: "in_1",
  userId: USER_ID,
};

const session = (overrides: Record<string, unknown> = {}) => ({
  id: "cs_sub_1",
  object: "checkout.session",
  mode: "subscription",
  url: "https://checkout.stripe.com/c/pay/cs_sub_1",
  status: "open",
  payment_status: "unpaid",
  customer: "cus_1",
  subscription: null,
  client_reference_id: USER_ID,
  metadata: { user_id: USER_ID, checkout_id: CHECKOUT_ID },
  expires_at: EXPIRES_AT.getTime() / 1000,
  ...overrides,
});

describe("createCustomer", () => {
  it("posts the customer with our user id and locale, keyed by the caller", async () => {
    server.enqueue(ok({ id: "cus_1", object: "customer" }));

    const customer = await subscriptions.createCustomer({
      userId: USER_ID,
      email: "sam@demo.advisor.network",
      name: "Sam Client",
      locale: "de-AT",
      idempotencyKey: `customer:${USER_ID}`,
    });

    expect(customer).toEqual({ id: "cus_1" });
    const [request] = server.requests;
    expect(`${request!.method} ${request!.path}`).toBe("POST /v1/customers");
    expect(headerOf(request!, "content-type")).toBe("application/x-www-form-urlencoded");
    expectStripeHeaders(request!, `customer:${USER_ID}`);
    expect(Object.fromEntries(formOf(request!))).toEqual({
      email: "sam@demo.advisor.network",
      name: "Sam Client",
      "preferred_locales[0]": "de",
      "metadata[user_id]": USER_ID,
    });
  });

  it("leaves out what the user doesn't have and a locale Stripe doesn't know", async () => {
    server.enqueue(ok({ id: "cus_2", object: "customer" }));

    await subscriptions.createCustomer({
      userId: USER_ID,
      email: null,
      name: null,
      locale: "tlh",
      idempotencyKey: "k",
    });

    expect(Object.fromEntries(formOf(server.requests[0]!))).toEqual({
      "metadata[user_id]": USER_ID,
    });
  });

  it("retries a 500 and a dropped connection with the same key and body", async () => {
    server.enqueue(stripeError(500, { type: "api_error", message: "Something went wrong" }));
    server.enqueue({ destroy: true }, { destroy: true });
    server.enqueue(ok({ id: "cus_1", object: "customer" }));

    const customer = await subscriptions.createCustomer({
      userId: USER_ID,
      email: null,
      name: null,
      locale: null,
      idempotencyKey: `customer:${USER_ID}`,
    });

    expect(customer.id).toBe("cus_1");
    expect(server.requests).toHaveLength(4);
    expect(new Set(server.requests.map((r) => headerOf(r, "idempotency-key")))).toEqual(
      new Set([`customer:${USER_ID}`]),
    );
    expect(new Set(server.requests.map((r) => r.rawBody)).size).toBe(1);
  });
});

describe("listCustomers", () => {
  it("reads every page, following starting_after", async () => {
    server.enqueue(
      list(
        [
          { id: "cus_1", object: "customer", metadata: { user_id: "u-1" } },
          { id: "cus_2", object: "customer", metadata: {} },
        ],
        true,
      ),
    );
    server.enqueue(list([{ id: "cus_3", object: "customer", metadata: { user_id: "u-3" } }]));

    await expect(subscriptions.listCustomers()).resolves.toEqual([
      { id: "cus_1", userId: "u-1" },
      { id: "cus_2", userId: null },
      { id: "cus_3", userId: "u-3" },
    ]);
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /v1/customers",
      "GET /v1/customers",
    ]);
    expect(Object.fromEntries(server.requests[0]!.query)).toEqual({ limit: "100" });
    expect(Object.fromEntries(server.requests[1]!.query)).toEqual({
      limit: "100",
      starting_after: "cus_2",
    });
  });
});

describe("createSubscriptionCheckout", () => {
  const input = {
    checkoutId: CHECKOUT_ID,
    userId: USER_ID,
    customerId: "cus_1",
    priceId: "price_pro_eur_month",
    trialDays: 14,
    expiresAt: EXPIRES_AT,
    successUrl: "https://app.example.com/billing/done?session_id={CHECKOUT_SESSION_ID}",
    cancelUrl: "https://app.example.com/billing",
    locale: "fr-MA",
  };

  it("posts a subscription-mode session for the price, with the trial and our ids, keyed by the checkout row", async () => {
    server.enqueue(ok(session()));

    const checkout = await subscriptions.createSubscriptionCheckout(input);

    const [request] = server.requests;
    expect(`${request!.method} ${request!.path}`).toBe("POST /v1/checkout/sessions");
    expectStripeHeaders(request!, `checkout:${CHECKOUT_ID}`);
    expect(Object.fromEntries(formOf(request!))).toEqual({
      mode: "subscription",
      customer: "cus_1",
      "line_items[0][price]": "price_pro_eur_month",
      "line_items[0][quantity]": "1",
      "subscription_data[metadata][user_id]": USER_ID,
      "subscription_data[metadata][checkout_id]": CHECKOUT_ID,
      "subscription_data[trial_period_days]": "14",
      client_reference_id: USER_ID,
      "metadata[user_id]": USER_ID,
      "metadata[checkout_id]": CHECKOUT_ID,
      expires_at: String(EXPIRES_AT.getTime() / 1000),
      success_url: input.successUrl,
      cancel_url: input.cancelUrl,
      locale: "fr",
    });
    expect(checkout).toEqual({
      id: "cs_sub_1",
      url: "https://checkout.stripe.com/c/pay/cs_sub_1",
      status: "open",
      customerId: "cus_1",
      subscriptionId: null,
      userId: USER_ID,
      checkoutId: CHECKOUT_ID,
      expiresAt: EXPIRES_AT,
    });
  });

  it("sends no trial when the price has none, and no locale Checkout lacks", async () => {
    server.enqueue(ok(session()));

    await subscriptions.createSubscriptionCheckout({ ...input, trialDays: 0, locale: "tlh" });

    const form = formOf(server.requests[0]!);
    expect(form.has("subscription_data[trial_period_days]")).toBe(false);
    expect(form.has("locale")).toBe(false);
    expect(form.get("subscription_data[metadata][user_id]")).toBe(USER_ID);
  });

  it("refuses an invalid request without retrying, with Stripe's code", async () => {
    server.respond(() =>
      stripeError(400, {
        type: "invalid_request_error",
        code: "resource_missing",
        param: "line_items[0][price]",
        message: "No such price: 'price_pro_eur_month'",
      }),
    );

    const error = await failure(subscriptions.createSubscriptionCheckout(input));

    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect((error as ProviderRejectedError).code).toBe("resource_missing");
    expect(server.requests).toHaveLength(1);
  });

  it("hands a long 429 Retry-After to the caller as throttled", async () => {
    server.respond(() =>
      stripeError(
        429,
        { type: "invalid_request_error", code: "rate_limit", message: "Too many" },
        { "retry-after": "90" },
      ),
    );

    const error = await failure(subscriptions.createSubscriptionCheckout(input));

    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as ProviderUnavailableError).kind).toBe("throttled");
    expect((error as ProviderUnavailableError).retryAfterSeconds).toBe(90);
    expect(server.requests).toHaveLength(1);
  });

  it("gives up on a persistent 500 as outcome unknown, every attempt with the same key", async () => {
    server.respond(() => stripeError(500, { type: "api_error", message: "Internal error" }));

    const error = await failure(subscriptions.createSubscriptionCheckout(input));

    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as ProviderUnavailableError).kind).toBe("outcome_unknown");
    expect(server.requests.map((r) => headerOf(r, "idempotency-key"))).toEqual([
      `checkout:${CHECKOUT_ID}`,
      `checkout:${CHECKOUT_ID}`,
      `checkout:${CHECKOUT_ID}`,
    ]);
  });
});

describe("retrieve and expire a subscription checkout", () => {
  it("reads a completed session with its customer and subscription", async () => {
    server.enqueue(ok(session({ status: "complete", url: null, subscription: "sub_1" })));

    const checkout = await subscriptions.retrieveSubscriptionCheckout("cs_sub_1");

    expect(`${server.requests[0]!.method} ${server.requests[0]!.path}`).toBe(
      "GET /v1/checkout/sessions/cs_sub_1",
    );
    expectStripeHeaders(server.requests[0]!);
    expect(checkout).toMatchObject({
      status: "complete",
      url: null,
      customerId: "cus_1",
      subscriptionId: "sub_1",
    });
  });

  it("expires with the caller's key", async () => {
    server.enqueue(ok(session({ status: "expired", url: null })));

    const checkout = await subscriptions.expireSubscriptionCheckout({
      sessionId: "cs_sub_1",
      idempotencyKey: "checkout-expire:cs_sub_1",
    });

    expect(checkout.status).toBe("expired");
    expect(`${server.requests[0]!.method} ${server.requests[0]!.path}`).toBe(
      "POST /v1/checkout/sessions/cs_sub_1/expire",
    );
    expectStripeHeaders(server.requests[0]!, "checkout-expire:cs_sub_1");
  });

  it("reports a session completed before the expiry as Stripe has it", async () => {
    server.enqueue(
      stripeError(400, {
        type: "invalid_request_error",
        message: 'Only Checkout Sessions with a status in ["open"] can be expired.',
      }),
    );
    server.enqueue(ok(session({ status: "complete", url: null, subscription: "sub_1" })));

    const checkout = await subscriptions.expireSubscriptionCheckout({
      sessionId: "cs_sub_1",
      idempotencyKey: "k",
    });

    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /v1/checkout/sessions/cs_sub_1/expire",
      "GET /v1/checkout/sessions/cs_sub_1",
    ]);
    expect(checkout).toMatchObject({ status: "complete", subscriptionId: "sub_1" });
  });
});

describe("createPortalSession", () => {
  const allowedPrices = [
    { productId: "prod_team", priceIds: ["price_team_eur_year", "price_team_eur_month"] },
    { productId: "prod_pro", priceIds: ["price_pro_eur_month"] },
  ];
  const portalSession = ok({
    id: "bps_1",
    object: "billing_portal.session",
    url: "https://billing.stripe.com/p/session/bps_1",
  });

  it("creates a configuration limited to the allowlist once, then portal sessions with it", async () => {
    server.enqueue(
      list([{ id: "bpc_other", object: "billing_portal.configuration", metadata: {} }]),
    );
    server.enqueue(ok({ id: "bpc_1", object: "billing_portal.configuration" }));
    server.enqueue(portalSession, portalSession);

    const first = await subscriptions.createPortalSession({
      customerId: "cus_1",
      returnUrl: "https://app.example.com/billing",
      locale: "pt-br",
      allowedPrices,
    });
    // The same allowlist in another order: the same configuration, no new lookup.
    await subscriptions.createPortalSession({
      customerId: "cus_1",
      returnUrl: "https://app.example.com/billing",
      allowedPrices: [...allowedPrices].reverse(),
    });

    expect(first).toEqual({ url: "https://billing.stripe.com/p/session/bps_1" });
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /v1/billing_portal/configurations",
      "POST /v1/billing_portal/configurations",
      "POST /v1/billing_portal/sessions",
      "POST /v1/billing_portal/sessions",
    ]);
    const [lookup, create, sessionRequest, second] = server.requests;
    expect(Object.fromEntries(lookup!.query)).toEqual({ active: "true", limit: "100" });

    const config = Object.fromEntries(formOf(create!));
    const hash = config["metadata[allowlist_hash]"];
    expect(hash).toMatch(/^[0-9a-f]{32}$/);
    expectStripeHeaders(create!, `portal-config:${hash}`);
    expect(config).toEqual({
      "features[subscription_update][enabled]": "true",
      "features[subscription_update][default_allowed_updates][0]": "price",
      "features[subscription_update][products][0][product]": "prod_pro",
      "features[subscription_update][products][0][prices][0]": "price_pro_eur_month",
      "features[subscription_update][products][1][product]": "prod_team",
      "features[subscription_update][products][1][prices][0]": "price_team_eur_month",
      "features[subscription_update][products][1][prices][1]": "price_team_eur_year",
      "features[subscription_update][proration_behavior]": "always_invoice",
      "features[subscription_update][schedule_at_period_end][conditions][0][type]":
        "decreasing_item_amount",
      "features[subscription_update][schedule_at_period_end][conditions][1][type]":
        "shortening_interval",
      "features[subscription_cancel][enabled]": "true",
      "features[subscription_cancel][mode]": "at_period_end",
      "features[payment_method_update][enabled]": "true",
      "features[invoice_history][enabled]": "true",
      "metadata[allowlist_hash]": hash,
    });

    expectStripeHeaders(sessionRequest!);
    expect(Object.fromEntries(formOf(sessionRequest!))).toEqual({
      customer: "cus_1",
      return_url: "https://app.example.com/billing",
      configuration: "bpc_1",
      locale: "pt-BR",
    });
    expect(formOf(second!).get("configuration")).toBe("bpc_1");
    expect(formOf(second!).has("locale")).toBe(false);
    // No key of ours: every click gets a fresh portal session (the SDK keys each POST itself).
    const sessionKeys = [sessionRequest!, second!].map((r) => headerOf(r, "idempotency-key"));
    expect(sessionKeys[0]).toMatch(/^stripe-node-retry-/);
    expect(sessionKeys[1]).not.toBe(sessionKeys[0]);
  });

  it("finds the configuration an earlier process made, by its hash, without creating another", async () => {
    server.enqueue(list([]));
    server.enqueue(ok({ id: "bpc_1", object: "billing_portal.configuration" }));
    server.enqueue(portalSession);
    await subscriptions.createPortalSession({ customerId: "cus_1", returnUrl: "r", allowedPrices });
    const hash = formOf(server.requests[1]!).get("metadata[allowlist_hash]");

    const restarted = createStripeSubscriptions(stripeConfig(server.url), { retry: FAST_RETRY });
    server.enqueue(
      list([{ id: "bpc_other", object: "billing_portal.configuration", metadata: {} }], true),
    );
    server.enqueue(
      list([
        { id: "bpc_1", object: "billing_portal.configuration", metadata: { allowlist_hash: hash } },
      ]),
    );
    server.enqueue(portalSession);
    await restarted.createPortalSession({ customerId: "cus_2", returnUrl: "r", allowedPrices });

    expect(
      server.requests.slice(3).map((r) => `${r.method} ${r.path} ${r.query.toString()}`),
    ).toEqual([
      "GET /v1/billing_portal/configurations active=true&limit=100",
      "GET /v1/billing_portal/configurations active=true&limit=100&starting_after=bpc_other",
      "POST /v1/billing_portal/sessions ",
    ]);
    expect(formOf(server.requests[5]!).get("configuration")).toBe("bpc_1");
  });

  it("gives another allowlist another configuration and key", async () => {
    server.enqueue(list([]), ok({ id: "bpc_1", object: "billing_portal.configuration" }));
    server.enqueue(portalSession);
    server.enqueue(list([]), ok({ id: "bpc_2", object: "billing_portal.configuration" }));
    server.enqueue(portalSession);

    await subscriptions.createPortalSession({ customerId: "cus_1", returnUrl: "r", allowedPrices });
    await subscriptions.createPortalSession({
      customerId: "cus_1",
      returnUrl: "r",
      allowedPrices: [{ productId: "prod_pro", priceIds: ["price_pro_eur_month"] }],
    });

    const keys = [server.requests[1]!, server.requests[4]!].map((r) =>
      headerOf(r, "idempotency-key"),
    );
    expect(keys[0]).not.toBe(keys[1]);
    expect(formOf(server.requests[5]!).get("configuration")).toBe("bpc_2");
  });
});

describe("listCustomerSubscriptions", () => {
  it("asks for every status with the card, invoice and schedule expanded, and reads the period from the item", async () => {
    server.enqueue(list([subscription()]));

    const [sub] = await subscriptions.listCustomerSubscriptions("cus_1");

    const [request] = server.requests;
    expect(`${request!.method} ${request!.path}`).toBe("GET /v1/subscriptions");
    expectStripeHeaders(request!);
    expect(withoutExpands(request!.query)).toEqual({
      customer: "cus_1",
      status: "all",
      limit: "100",
    });
    const expands = expandsOf(request!.query);
    expect(expands).toEqual([
      "data.default_payment_method",
      "data.customer.invoice_settings.default_payment_method",
      "data.latest_invoice",
      "data.schedule",
    ]);
    // Stripe refuses expansions deeper than four levels.
    for (const path of expands) expect(path.split(".").length).toBeLessThanOrEqual(4);
    expect(sub).toEqual(subscriptionView);
  });

  it("reads every page, newest first", async () => {
    server.enqueue(list([subscription({ id: "sub_old", created: PERIOD_START - 100 })], true));
    server.enqueue(list([subscription({ id: "sub_new", created: PERIOD_START + 100 })]));

    const subs = await subscriptions.listCustomerSubscriptions("cus_1");

    expect(subs.map((s) => s.id)).toEqual(["sub_new", "sub_old"]);
    expect(server.requests[1]!.query.get("starting_after")).toBe("sub_old");
  });

  it("multiplies the unit amount by the quantity, and falls back to the customer's default card", async () => {
    const base = subscription();
    server.enqueue(
      list([
        subscription({
          status: "trialing",
          trial_end: PERIOD_END,
          default_payment_method: null,
          customer: {
            id: "cus_1",
            object: "customer",
            invoice_settings: { default_payment_method: card("mastercard", "4444") },
          },
          items: { ...base.items, data: [{ ...base.items.data[0]!, quantity: 3 }] },
        }),
      ]),
    );

    const [sub] = await subscriptions.listCustomerSubscriptions("cus_1");

    expect(sub).toMatchObject({
      customerId: "cus_1",
      status: "trialing",
      amount: 5_700,
      trialEnd: new Date(PERIOD_END * 1000),
      card: { brand: "mastercard", last4: "4444" },
    });
  });

  it("has no card when no payment method is known", async () => {
    server.enqueue(list([subscription({ default_payment_method: "pm_unexpanded" })]));

    const [sub] = await subscriptions.listCustomerSubscriptions("cus_1");

    expect(sub!.card).toBeNull();
  });

  it("reads a downgrade scheduled at period end from the schedule's next phase", async () => {
    const phaseItem = (priceId: string) => ({ price: priceId, quantity: 1, metadata: {} });
    server.enqueue(
      list([
        subscription({
          schedule: {
            id: "sub_sched_1",
            object: "subscription_schedule",
            status: "active",
            current_phase: { start_date: PERIOD_START, end_date: PERIOD_END },
            phases: [
              {
                start_date: PERIOD_START,
                end_date: PERIOD_END,
                items: [phaseItem("price_pro_eur_month")],
              },
              {
                start_date: PERIOD_END,
                end_date: PERIOD_END + 2_592_000,
                items: [phaseItem("price_basic_eur_month")],
              },
            ],
          },
        }),
      ]),
    );

    const [sub] = await subscriptions.listCustomerSubscriptions("cus_1");

    expect(sub!.pending).toEqual({
      priceId: "price_basic_eur_month",
      at: new Date(PERIOD_END * 1000),
    });
  });

  it("has nothing pending when the schedule's next phase keeps the price, or it was released", async () => {
    const schedule = (status: string, nextPrice: string) => ({
      id: "sub_sched_1",
      object: "subscription_schedule",
      status,
      current_phase:
        status === "active" ? { start_date: PERIOD_START, end_date: PERIOD_END } : null,
      phases: [
        { start_date: PERIOD_START, end_date: PERIOD_END, items: [{ price: price() }] },
        { start_date: PERIOD_END, end_date: PERIOD_END + 1, items: [{ price: nextPrice }] },
      ],
    });
    server.enqueue(
      list([
        subscription({ id: "sub_a", schedule: schedule("active", "price_pro_eur_month") }),
        subscription({ id: "sub_b", schedule: schedule("released", "price_basic_eur_month") }),
      ]),
    );

    const subs = await subscriptions.listCustomerSubscriptions("cus_1");

    expect(subs.map((s) => s.pending)).toEqual([null, null]);
  });
});

describe("listCustomerInvoices", () => {
  const invoice = (overrides: Record<string, unknown> = {}) => ({
    id: "in_1",
    object: "invoice",
    customer: "cus_1",
    status: "paid",
    billing_reason: "subscription_create",
    currency: "eur",
    amount_due: 1_900,
    amount_paid: 1_900,
    post_payment_credit_notes_amount: 500,
    attempt_count: 1,
    next_payment_attempt: null,
    hosted_invoice_url: "https://invoice.stripe.com/i/in_1",
    period_start: PERIOD_START,
    period_end: PERIOD_START,
    status_transitions: { paid_at: PERIOD_START + 5, finalized_at: PERIOD_START },
    created: PERIOD_START,
    parent: {
      type: "subscription_details",
      quote_details: null,
      subscription_details: { subscription: "sub_1", metadata: { user_id: USER_ID } },
    },
    payments: {
      object: "list",
      has_more: false,
      data: [
        {
          id: "inpay_old",
          object: "invoice_payment",
          created: PERIOD_START,
          status: "canceled",
          payment: { type: "payment_intent", payment_intent: "pi_old" },
        },
        {
          id: "inpay_new",
          object: "invoice_payment",
          created: PERIOD_START + 5,
          status: "paid",
          payment: { type: "payment_intent", payment_intent: "pi_1" },
        },
      ],
    },
    ...overrides,
  });

  it("reads the subscription from the invoice's parent and the payment intent from its latest payment", async () => {
    server.enqueue(list([invoice()]));

    const invoices = await subscriptions.listCustomerInvoices("cus_1");

    const [request] = server.requests;
    expect(`${request!.method} ${request!.path}`).toBe("GET /v1/invoices");
    expectStripeHeaders(request!);
    expect(withoutExpands(request!.query)).toEqual({ customer: "cus_1", limit: "100" });
    expect(expandsOf(request!.query)).toEqual(["data.payments"]);
    expect(invoices).toEqual([
      {
        id: "in_1",
        customerId: "cus_1",
        subscriptionId: "sub_1",
        status: "paid",
        billingReason: "subscription_create",
        currency: "EUR",
        amountDue: 1_900,
        amountPaid: 1_900,
        creditedAfterPayment: 500,
        attemptCount: 1,
        nextPaymentAttempt: null,
        hostedInvoiceUrl: "https://invoice.stripe.com/i/in_1",
        periodStart: new Date(PERIOD_START * 1000),
        periodEnd: new Date(PERIOD_START * 1000),
        paidAt: new Date((PERIOD_START + 5) * 1000),
        created: new Date(PERIOD_START * 1000),
        paymentIntentId: "pi_1",
        paymentIntentStatus: null,
      },
    ]);
  });

  it("asks for the payment intent of an open invoice (is 3-D Secure pending?), newest invoice first", async () => {
    server.enqueue(
      list([
        invoice(),
        invoice({
          id: "in_2",
          status: "open",
          billing_reason: "subscription_cycle",
          amount_paid: 0,
          post_payment_credit_notes_amount: 0,
          attempt_count: 2,
          next_payment_attempt: PERIOD_END + 86_400,
          created: PERIOD_END,
          status_transitions: { paid_at: null },
          payments: {
            object: "list",
            has_more: false,
            data: [
              {
                id: "inpay_2",
                object: "invoice_payment",
                created: PERIOD_END,
                status: "open",
                payment: { type: "payment_intent", payment_intent: "pi_2" },
              },
            ],
          },
        }),
        invoice({ id: "in_3", parent: null, payments: undefined, created: PERIOD_START - 10 }),
      ]),
    );
    server.enqueue(ok({ id: "pi_2", object: "payment_intent", status: "requires_action" }));

    const invoices = await subscriptions.listCustomerInvoices("cus_1");

    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /v1/invoices",
      "GET /v1/payment_intents/pi_2",
    ]);
    expect(invoices.map((i) => i.id)).toEqual(["in_2", "in_1", "in_3"]);
    expect(invoices[0]).toMatchObject({
      status: "open",
      attemptCount: 2,
      nextPaymentAttempt: new Date((PERIOD_END + 86_400) * 1000),
      paidAt: null,
      paymentIntentId: "pi_2",
      paymentIntentStatus: "requires_action",
    });
    expect(invoices[2]).toMatchObject({ subscriptionId: null, paymentIntentId: null });
  });
});

describe("cancelSubscription and resumeSubscription", () => {
  const objectExpands = [
    "default_payment_method",
    "customer.invoice_settings.default_payment_method",
    "latest_invoice",
    "schedule",
  ];

  it("schedules a cancellation at period end with the reason as Stripe's comment", async () => {
    server.enqueue(ok(subscription({ cancel_at_period_end: true, cancel_at: PERIOD_END })));

    const sub = await subscriptions.cancelSubscription({
      subscriptionId: "sub_1",
      atPeriodEnd: true,
      reason: "Too expensive for now",
      idempotencyKey: "cancel:abc",
    });

    const [request] = server.requests;
    expect(`${request!.method} ${request!.path}`).toBe("POST /v1/subscriptions/sub_1");
    expectStripeHeaders(request!, "cancel:abc");
    const form = formOf(request!);
    expect(withoutExpands(form)).toEqual({
      cancel_at_period_end: "true",
      "cancellation_details[comment]": "Too expensive for now",
    });
    expect(expandsOf(form)).toEqual(objectExpands);
    expect(sub).toMatchObject({ cancelAtPeriodEnd: true, cancelAt: new Date(PERIOD_END * 1000) });
  });

  it("cancels at once with the reason", async () => {
    server.enqueue(
      ok(
        subscription({
          status: "canceled",
          canceled_at: PERIOD_START + 9,
          ended_at: PERIOD_START + 9,
        }),
      ),
    );

    const sub = await subscriptions.cancelSubscription({
      subscriptionId: "sub_1",
      atPeriodEnd: false,
      reason: "Moving to another service",
      idempotencyKey: "cancel:def",
    });

    const [request] = server.requests;
    expect(`${request!.method} ${request!.path}`).toBe("DELETE /v1/subscriptions/sub_1");
    expectStripeHeaders(request!, "cancel:def");
    // The SDK sends a DELETE's parameters in the query string.
    expect(request!.rawBody).toBe("");
    const params = request!.query;
    expect(withoutExpands(params)).toEqual({
      "cancellation_details[comment]": "Moving to another service",
    });
    expect(expandsOf(params)).toEqual(objectExpands);
    expect(sub).toMatchObject({
      status: "canceled",
      endedAt: new Date((PERIOD_START + 9) * 1000),
    });
  });

  it("sends no comment without a reason", async () => {
    server.enqueue(ok(subscription({ cancel_at_period_end: true })));

    await subscriptions.cancelSubscription({
      subscriptionId: "sub_1",
      atPeriodEnd: true,
      reason: null,
      idempotencyKey: "k",
    });

    expect(withoutExpands(formOf(server.requests[0]!))).toEqual({ cancel_at_period_end: "true" });
  });

  it("resumes by clearing cancel_at_period_end, keyed by the caller", async () => {
    server.enqueue(ok(subscription()));

    const sub = await subscriptions.resumeSubscription({
      subscriptionId: "sub_1",
      idempotencyKey: "resume:abc",
    });

    const [request] = server.requests;
    expect(`${request!.method} ${request!.path}`).toBe("POST /v1/subscriptions/sub_1");
    expectStripeHeaders(request!, "resume:abc");
    expect(withoutExpands(formOf(request!))).toEqual({ cancel_at_period_end: "false" });
    expect(sub).toEqual(subscriptionView);
  });

  it("refuses a declined card (402) without retrying, with Stripe's code", async () => {
    server.respond(() =>
      stripeError(402, {
        type: "card_error",
        code: "card_declined",
        decline_code: "insufficient_funds",
        message: "Your card has insufficient funds.",
      }),
    );

    const error = await failure(
      subscriptions.resumeSubscription({ subscriptionId: "sub_1", idempotencyKey: "k" }),
    );

    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect((error as ProviderRejectedError).code).toBe("card_declined");
    expect(server.requests).toHaveLength(1);
  });
});

describe("plan products and prices", () => {
  it("creates the plan's product with our ids, keyed by the caller", async () => {
    server.enqueue(ok({ id: "prod_pro", object: "product" }));

    const product = await subscriptions.createPlanProduct({
      planId: PLAN_ID,
      planKey: "pro",
      name: "Pro",
      idempotencyKey: `product:${PLAN_ID}`,
    });

    expect(product).toEqual({ id: "prod_pro" });
    const [request] = server.requests;
    expect(`${request!.method} ${request!.path}`).toBe("POST /v1/products");
    expectStripeHeaders(request!, `product:${PLAN_ID}`);
    expect(Object.fromEntries(formOf(request!))).toEqual({
      name: "Pro",
      "metadata[plan_id]": PLAN_ID,
      "metadata[plan_key]": "pro",
    });
  });

  it("creates a recurring price in lowercase currency, keyed by the caller", async () => {
    server.enqueue(ok(price({ id: "price_pro_eur_year" })));

    const created = await subscriptions.createPlanPrice({
      planPriceId: PLAN_PRICE_ID,
      productId: "prod_pro",
      currency: "EUR",
      interval: "year",
      amount: 19_000,
      idempotencyKey: `price:${PLAN_PRICE_ID}`,
    });

    expect(created).toEqual({ id: "price_pro_eur_year" });
    const [request] = server.requests;
    expect(`${request!.method} ${request!.path}`).toBe("POST /v1/prices");
    expectStripeHeaders(request!, `price:${PLAN_PRICE_ID}`);
    expect(Object.fromEntries(formOf(request!))).toEqual({
      product: "prod_pro",
      currency: "eur",
      unit_amount: "19000",
      "recurring[interval]": "year",
      "metadata[plan_price_id]": PLAN_PRICE_ID,
    });
  });

  it("deactivates a price with a key derived from it", async () => {
    server.enqueue(ok(price({ active: false })));

    await subscriptions.deactivatePlanPrice({ priceId: "price_pro_eur_month" });

    const [request] = server.requests;
    expect(`${request!.method} ${request!.path}`).toBe("POST /v1/prices/price_pro_eur_month");
    expectStripeHeaders(request!, "price-deactivate:price_pro_eur_month");
    expect(Object.fromEntries(formOf(request!))).toEqual({ active: "false" });
  });
});

describe("configuration", () => {
  it("refuses to build without a secret key", () => {
    const config = stripeConfig(server.url);
    expect(() =>
      createStripeSubscriptions({ ...config, stripe: { ...config.stripe, secretKey: null } }),
    ).toThrow(/STRIPE_SECRET_KEY/);
  });

  it.each([
    ["de", "de"],
    ["ar-AE", undefined],
    ["en-au", "en-AU"],
    ["fr-MA", "fr"],
    ["pt-br", "pt-BR"],
    [undefined, undefined],
  ])("maps locale %s to the portal's %s", (tag, expected) => {
    expect(portalLocale(tag)).toBe(expected);
  });
});
