import { beforeEach, describe, expect, it } from "vitest";
import { parseBillingEnv, resolveBillingConfig } from "../config";
import { ProviderRejectedError } from "../ports";
import { createSimulatedPayments, type SimulatedPayments } from "./payments";
import { memorySimStore, type SimStore } from "./store";
import { simProcessingFee } from "./stripe-events";

const configWith = (env: Record<string, string> = {}) =>
  resolveBillingConfig(parseBillingEnv({ PUBLIC_API_URL: "http://api.test/", ...env }), {
    production: false,
    defaultApiUrl: "http://unused",
  });

let clock: Date;
let store: SimStore;
let payments: SimulatedPayments;

const make = (env: Record<string, string> = {}) =>
  createSimulatedPayments(configWith(env), {
    store,
    deliver: () => Promise.resolve(),
    now: () => clock,
  });

beforeEach(() => {
  clock = new Date("2030-01-10T10:00:00.000Z");
  store = memorySimStore();
  payments = make();
});

const advisorId = "demo|advisor-layla";
const consultationId = "6b3f3c1e-8a51-4d6e-9a39-0c7f1f3f7a10";

async function pay(amount: number, currency: "AED" | "USD" | "EUR", n = 0) {
  const session = await payments.createCheckoutSession({
    paymentId: `0f1e2d3c-4b5a-4968-8776-65544332211${n}`,
    consultationId,
    advisorId,
    amount: { amount, currency },
    description: "60-minute consultation",
    customerEmail: null,
    expiresAt: new Date(clock.getTime() + 60 * 60_000),
    successUrl: "http://app.test/paid",
    cancelUrl: "http://app.test/cancelled",
  });
  const paid = await payments.paySession(session.id);
  return { chargeId: paid.chargeId!, paymentIntentId: paid.session.payment_intent! };
}

async function activeAccount() {
  const account = await payments.createExpressAccount({
    advisorId,
    serviceAgreement: "full",
    email: null,
    country: "US",
    idempotencyKey: `account:${advisorId}`,
  });
  await payments.completeOnboarding(account.id);
  return account.id;
}

const range = { from: new Date("2030-01-01"), to: new Date("2030-02-01") };

describe("settlement currencies", () => {
  it("are configured, USD and EUR by default, the first being the default", () => {
    expect(configWith().settlement.currencies).toEqual(["USD", "EUR"]);
    expect(configWith({ STRIPE_SETTLEMENT_CURRENCIES: "eur, gbp" }).settlement.currencies).toEqual([
      "EUR",
      "GBP",
    ]);
    expect(() => configWith({ STRIPE_SETTLEMENT_CURRENCIES: "dollars" })).toThrow(
      /STRIPE_SETTLEMENT_CURRENCIES/,
    );
  });

  it("a charge in a settlement currency lands as is, without a rate", async () => {
    const { paymentIntentId } = await pay(15_000, "EUR");
    const charge = await payments.retrieveCharge({ paymentIntentId });
    expect(charge.settlement).toEqual({ amount: 15_000, currency: "EUR", exchangeRate: null });
    expect(charge.processingFee).toBe(simProcessingFee(15_000));
  });

  it("a charge in another currency converts into the default at the rate, fee in the settlement currency", async () => {
    // 440.00 AED × 0.2723 = 119.812 → 119.81 USD
    const { chargeId, paymentIntentId } = await pay(44_000, "AED");

    const charge = await payments.retrieveCharge({ paymentIntentId });
    expect(charge).toMatchObject({ amount: 44_000, currency: "AED" });
    expect(charge.settlement).toEqual({ amount: 11_981, currency: "USD", exchangeRate: "0.2723" });
    expect(charge.processingFee).toBe(simProcessingFee(11_981));
    const [txn] = await payments.listBalanceTransactions(range);
    expect(txn).toMatchObject({
      type: "charge",
      amount: 11_981,
      fee: simProcessingFee(11_981),
      currency: "USD",
      source: chargeId,
      exchangeRate: "0.2723",
    });
  });

  it("the settlement list and the rates are the simulator's configuration", async () => {
    payments = make({ STRIPE_SETTLEMENT_CURRENCIES: "EUR" });
    // AED→EUR crosses through USD: 0.2723 / 1.08 = 0.252130 (6 places)
    const { paymentIntentId } = await pay(44_000, "AED");
    expect((await payments.retrieveCharge({ paymentIntentId })).settlement).toEqual({
      amount: 11_094,
      currency: "EUR",
      exchangeRate: "0.25213",
    });
  });

  it("a refund of a converted charge takes the settlement currency at the rate of its moment", async () => {
    const { chargeId, paymentIntentId } = await pay(44_000, "AED");
    await payments.fx.setUsdRate("AED", "0.275");

    const result = await payments.refund({
      refundId: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
      paymentIntentId,
      amount: { amount: 10_000, currency: "AED" },
      reason: "requested_by_customer",
      consultationId,
    });

    expect(result.settlement).toEqual({ amount: 2_750, currency: "USD", exchangeRate: "0.275" });
    const [refund] = await payments.listRefunds(range);
    expect(refund).toMatchObject({
      amount: 10_000,
      currency: "AED",
      chargeId,
      settlement: { amount: 2_750, currency: "USD", exchangeRate: "0.275" },
    });
    const txns = await payments.listBalanceTransactions(range);
    expect(txns.find((t) => t.type === "refund")).toMatchObject({
      amount: -2_750,
      currency: "USD",
      exchangeRate: "0.275",
    });
  });

  it("transfers funded by a converted charge go out in the settlement currency, up to what it brought in", async () => {
    const { chargeId } = await pay(44_000, "AED");
    const accountId = await activeAccount();
    const transfer = (amount: number, currency: "AED" | "USD", item: string) =>
      payments.createTransfer({
        payoutItemId: item,
        consultationId,
        amount: { amount, currency },
        destinationAccountId: accountId,
        sourceChargeId: chargeId,
        transferGroup: `consultation_${consultationId}`,
      });
    const refusal = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: unknown) => (e instanceof ProviderRejectedError ? e.code : e),
      );

    expect(await refusal(transfer(35_000, "AED", "1f1e2d3c-4b5a-4968-8776-655443322111"))).toBe(
      "parameter_invalid",
    );
    expect(await refusal(transfer(11_982, "USD", "1f1e2d3c-4b5a-4968-8776-655443322112"))).toBe(
      "amount_too_large",
    );
    const sent = await transfer(9_531, "USD", "1f1e2d3c-4b5a-4968-8776-655443322113");
    expect(sent).toMatchObject({ amount: 9_531, currency: "USD", sourceTransaction: chargeId });
    expect((await payments.getAccount(accountId))?.balance).toEqual({ usd: 9_531 });
  });
});
