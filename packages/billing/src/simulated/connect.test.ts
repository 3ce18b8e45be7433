import { beforeEach, describe, expect, it } from "vitest";
import { parseBillingEnv, resolveBillingConfig } from "../config";
import {
  type CreateTransferInput,
  ProviderRejectedError,
  ProviderUnavailableError,
} from "../ports";
import { verifyStripeWebhook, signStripePayload } from "../webhooks/signatures";
import { SIM_INITIAL_REQUIREMENTS } from "./accounts";
import { seedSimulatedConnect } from "./connect";
import type { StripeEventEnvelope } from "../wire/stripe";
import { createSimulatedPayments, type SimulatedPayments } from "./payments";
import { memorySimStore, type SimStore } from "./store";

const configWith = (env: Record<string, string> = {}) =>
  resolveBillingConfig(parseBillingEnv({ PUBLIC_API_URL: "http://api.test/", ...env }), {
    production: false,
    defaultApiUrl: "http://unused",
  });
const config = configWith();

let clock: Date;
let store: SimStore;
let sent: { provider: string; body: string }[];
let payments: SimulatedPayments;

const make = (c = config) =>
  createSimulatedPayments(c, {
    store,
    deliver: (provider, body) => {
      sent.push({ provider, body });
      return Promise.resolve();
    },
    now: () => clock,
  });

beforeEach(() => {
  clock = new Date("2030-01-10T10:00:00.000Z");
  store = memorySimStore();
  sent = [];
  payments = make();
});

const advisorId = "demo|advisor-amira";
const consultationId = "6b3f3c1e-8a51-4d6e-9a39-0c7f1f3f7a10";
const itemId = "1f1e2d3c-4b5a-4968-8776-655443322110";

const code = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderRejectedError);
  return (error as ProviderRejectedError).code;
};

/** Connect events sent so far: signed with the Connect secret, as the Connect route checks. */
function connectEvents(): StripeEventEnvelope<Record<string, unknown>>[] {
  return sent
    .filter((s) => s.provider === "stripe_connect")
    .map(({ body }) => {
      const secrets = config.stripe.connectWebhookSecrets;
      const verified = verifyStripeWebhook(
        Buffer.from(body),
        signStripePayload(body, secrets[0]!, clock),
        secrets,
        clock,
      );
      expect(verified.ok).toBe(true);
      return JSON.parse(body) as StripeEventEnvelope<Record<string, unknown>>;
    });
}

async function newAccount() {
  return payments.createExpressAccount({
    advisorId,
    email: "amira@demo.advisor.network",
    country: "US",
    serviceAgreement: "full",
    idempotencyKey: `account:${advisorId}`,
  });
}

/** A paid consultation's charge (15,000 USD cents) and an active account. */
async function paidChargeAndActiveAccount() {
  const session = await payments.createCheckoutSession({
    paymentId: "0f1e2d3c-4b5a-4968-8776-655443322110",
    consultationId,
    advisorId,
    amount: { amount: 15_000, currency: "USD" },
    description: "60-minute consultation",
    customerEmail: null,
    expiresAt: new Date(clock.getTime() + 60 * 60_000),
    successUrl: "http://app.test/paid",
    cancelUrl: "http://app.test/cancelled",
  });
  const paid = await payments.paySession(session.id);
  const account = await newAccount();
  await payments.completeOnboarding(account.id);
  sent = [];
  return { chargeId: paid.chargeId!, accountId: account.id };
}

const transferInput = (
  chargeId: string,
  accountId: string,
  overrides: Partial<CreateTransferInput> = {},
): CreateTransferInput => ({
  payoutItemId: itemId,
  consultationId,
  amount: { amount: 12_000, currency: "USD" },
  destinationAccountId: accountId,
  sourceChargeId: chargeId,
  transferGroup: `consultation_${consultationId}`,
  ...overrides,
});

describe("Express accounts and onboarding links", () => {
  it("creates one account per idempotency key, waiting for onboarding", async () => {
    const first = await newAccount();
    const again = await newAccount();

    expect(again.id).toBe(first.id);
    expect(first).toEqual({
      id: expect.stringMatching(/^acct_sim_[A-Za-z0-9]{24}$/),
      transfersCapability: "inactive",
      payoutsEnabled: false,
      detailsSubmitted: false,
      currentlyDue: SIM_INITIAL_REQUIREMENTS,
      eventuallyDue: SIM_INITIAL_REQUIREMENTS,
      pastDue: [],
      disabledReason: "requirements.past_due",
    });
    expect(
      await code(
        payments.createExpressAccount({
          advisorId,
          email: "other@example.com",
          country: "US",
          serviceAgreement: "full",
          idempotencyKey: `account:${advisorId}`,
        }),
      ),
    ).toBe("idempotency_error");
  });

  it("records the country and service agreement, and refuses what Stripe's regions don't allow", async () => {
    const cross = await payments.createExpressAccount({
      advisorId: "demo|advisor-lena",
      email: null,
      country: "DE",
      serviceAgreement: "recipient",
      idempotencyKey: "account:demo|advisor-lena",
    });
    const record = await payments.getAccount(cross.id);
    expect(record?.account).toMatchObject({
      country: "DE",
      default_currency: "eur",
      tos_acceptance: { service_agreement: "recipient" },
    });
    expect((await payments.getAccount((await newAccount()).id))?.account.tos_acceptance).toEqual({
      service_agreement: "full",
    });
    // The platform (US by default) can't pay a German account under the full agreement,
    // nor a Japanese one at all.
    expect(
      await code(
        payments.createExpressAccount({
          advisorId: "demo|advisor-jonas",
          email: null,
          country: "DE",
          serviceAgreement: "full",
          idempotencyKey: "account:demo|advisor-jonas",
        }),
      ),
    ).toBe("parameter_invalid_cross_border");
    expect(
      await code(
        payments.createExpressAccount({
          advisorId: "demo|advisor-kenji",
          email: null,
          country: "JP",
          serviceAgreement: "recipient",
          idempotencyKey: "account:demo|advisor-kenji",
        }),
      ),
    ).toBe("country_unsupported");
  });

  it("mints a fresh single-use link per call that expires after 300 s", async () => {
    const account = await newAccount();
    const input = {
      accountId: account.id,
      refreshUrl: "http://api.test/refresh",
      returnUrl: "http://app.test/back",
    };
    const a = await payments.createAccountLink(input);
    const b = await payments.createAccountLink(input);

    expect(a.url).not.toBe(b.url);
    expect(a.url).toMatch(
      /^http:\/\/api\.test\/sim\/connect\/onboarding\/link_sim_[A-Za-z0-9]{24}$/,
    );
    expect(a.expiresAt).toEqual(new Date(clock.getTime() + 300_000));

    const linkId = a.url.split("/").pop()!;
    expect((await payments.getAccountLink(linkId))?.state).toBe("valid");
    await expect(payments.submitOnboarding(linkId, "complete")).resolves.toBe(
      "http://app.test/back",
    );
    expect((await payments.getAccountLink(linkId))?.state).toBe("used");
    expect(await code(payments.submitOnboarding(linkId, "complete"))).toBe("account_link_used");

    const otherId = b.url.split("/").pop()!;
    clock = new Date(clock.getTime() + 300_000);
    expect((await payments.getAccountLink(otherId))?.state).toBe("expired");
    expect(await code(payments.submitOnboarding(otherId, "complete"))).toBe("account_link_expired");
  });

  it("refuses a link for an unknown account", async () => {
    expect(
      await code(
        payments.createAccountLink({ accountId: "acct_nope", refreshUrl: "x", returnUrl: "y" }),
      ),
    ).toBe("resource_missing");
  });

  it("sends account.updated to the Connect endpoint on every change, with the account", async () => {
    const account = await newAccount();

    await payments.completeOnboarding(account.id);
    await payments.setAccountCapability(account.id, "inactive", [
      "individual.verification.document",
    ]);

    const events = connectEvents();
    expect(events.map((e) => [e.type, e.account])).toEqual([
      ["account.updated", account.id],
      ["account.updated", account.id],
    ]);
    expect(sent.every((s) => s.provider === "stripe_connect")).toBe(true);
    expect(events[0]!.data.object).toMatchObject({
      capabilities: { transfers: "active" },
      payouts_enabled: true,
      details_submitted: true,
    });
    expect(events[0]!.data.previous_attributes).toMatchObject({
      capabilities: { transfers: "inactive" },
      payouts_enabled: false,
    });
    await expect(payments.retrieveAccount(account.id)).resolves.toMatchObject({
      transfersCapability: "inactive",
      payoutsEnabled: false,
      currentlyDue: ["individual.verification.document"],
      pastDue: ["individual.verification.document"],
      disabledReason: "requirements.past_due",
    });
  });

  it("submitted with details missing: pending, with what is due kept", async () => {
    const account = await newAccount();
    const link = await payments.createAccountLink({
      accountId: account.id,
      refreshUrl: "r",
      returnUrl: "http://app.test/back",
    });

    await payments.submitOnboarding(link.url.split("/").pop()!, "incomplete");

    await expect(payments.retrieveAccount(account.id)).resolves.toMatchObject({
      transfersCapability: "pending",
      detailsSubmitted: true,
      payoutsEnabled: false,
      currentlyDue: SIM_INITIAL_REQUIREMENTS,
    });
  });
});

describe("transfers", () => {
  it("moves the amount to the connected account, funded by the charge, recorded for reconciliation", async () => {
    const { chargeId, accountId } = await paidChargeAndActiveAccount();

    const transfer = await payments.createTransfer(transferInput(chargeId, accountId));

    expect(transfer).toEqual({
      id: expect.stringMatching(/^tr_sim_/),
      amount: 12_000,
      currency: "USD",
      destination: accountId,
      sourceTransaction: chargeId,
      transferGroup: `consultation_${consultationId}`,
      amountReversed: 0,
      payoutItemId: itemId,
      consultationId,
      created: clock,
    });
    expect((await payments.getAccount(accountId))?.balance).toEqual({ usd: 12_000 });
    const day = { from: new Date("2030-01-10T00:00:00Z"), to: new Date("2030-01-11T00:00:00Z") };
    await expect(payments.listTransfers(day)).resolves.toEqual([transfer]);
    const txns = await payments.listBalanceTransactions(day);
    expect(txns.map((t) => [t.type, t.amount, t.fee, t.source])).toEqual([
      ["charge", 15_000, 465, chargeId],
      ["transfer", -12_000, 0, transfer.id],
    ]);
    await expect(
      payments.listTransfers({ from: day.to, to: new Date("2030-01-12T00:00:00Z") }),
    ).resolves.toEqual([]);
  });

  it("the same payout item returns the same transfer; other parameters under its key are refused", async () => {
    const { chargeId, accountId } = await paidChargeAndActiveAccount();
    const first = await payments.createTransfer(transferInput(chargeId, accountId));
    const again = await payments.createTransfer(transferInput(chargeId, accountId));

    expect(again.id).toBe(first.id);
    expect((await payments.getAccount(accountId))?.balance).toEqual({ usd: 12_000 });
    expect(
      await code(
        payments.createTransfer(
          transferInput(chargeId, accountId, { amount: { amount: 100, currency: "USD" } }),
        ),
      ),
    ).toBe("idempotency_error");
  });

  it.each([
    ["pending", "pending"],
    ["inactive", "inactive"],
  ] as const)("refuses a destination whose transfers capability is %s", async (_name, state) => {
    const { chargeId, accountId } = await paidChargeAndActiveAccount();
    await payments.setAccountCapability(accountId, state);

    const error = await payments
      .createTransfer(transferInput(chargeId, accountId))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect((error as ProviderRejectedError).code).toBe("insufficient_capabilities_for_transfer");
    expect((error as Error).message).toBe(
      "Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments",
    );
    // A refused request frees its key: once the account is active again the same item goes through.
    await payments.completeOnboarding(accountId);
    await expect(
      payments.createTransfer(transferInput(chargeId, accountId)),
    ).resolves.toMatchObject({ amount: 12_000 });
  });

  it.each([
    ["an unknown charge", { sourceChargeId: "ch_unknown" }, "resource_missing"],
    [
      "another currency than the charge's",
      { amount: { amount: 1_000, currency: "EUR" as const } },
      "parameter_invalid",
    ],
    [
      "more than the charge",
      { amount: { amount: 15_001, currency: "USD" as const } },
      "amount_too_large",
    ],
    ["an unknown destination", { destinationAccountId: "acct_unknown" }, "resource_missing"],
  ])("refuses a transfer funded by %s", async (_name, overrides, expected) => {
    const { chargeId, accountId } = await paidChargeAndActiveAccount();
    expect(await code(payments.createTransfer(transferInput(chargeId, accountId, overrides)))).toBe(
      expected,
    );
  });

  it("never lets the transfers of one charge add up to more than the charge", async () => {
    const { chargeId, accountId } = await paidChargeAndActiveAccount();
    await payments.createTransfer(
      transferInput(chargeId, accountId, { amount: { amount: 10_000, currency: "USD" } }),
    );

    expect(
      await code(
        payments.createTransfer(
          transferInput(chargeId, accountId, {
            payoutItemId: "2f1e2d3c-4b5a-4968-8776-655443322110",
            amount: { amount: 5_001, currency: "USD" },
          }),
        ),
      ),
    ).toBe("amount_too_large");
    await expect(
      payments.createTransfer(
        transferInput(chargeId, accountId, {
          payoutItemId: "2f1e2d3c-4b5a-4968-8776-655443322110",
          amount: { amount: 5_000, currency: "USD" },
        }),
      ),
    ).resolves.toMatchObject({ amount: 5_000 });
  });
});

describe("reversals", () => {
  const reversalId = "3f1e2d3c-4b5a-4968-8776-655443322110";

  it("pulls back part of a transfer from the connected balance, once per reversal row", async () => {
    const { chargeId, accountId } = await paidChargeAndActiveAccount();
    const transfer = await payments.createTransfer(transferInput(chargeId, accountId));
    const input = {
      reversalId,
      transferId: transfer.id,
      amount: { amount: 4_000, currency: "USD" as const },
      consultationId,
    };

    const reversal = await payments.createTransferReversal(input);
    const again = await payments.createTransferReversal(input);

    expect(again).toEqual(reversal);
    expect(reversal).toEqual({
      id: expect.stringMatching(/^trr_sim_/),
      transferId: transfer.id,
      amount: 4_000,
      currency: "USD",
    });
    expect((await payments.getAccount(accountId))?.balance).toEqual({ usd: 8_000 });
    expect((await payments.getTransfer(transfer.id))?.amount_reversed).toBe(4_000);
    const txns = await payments.listBalanceTransactions({
      from: clock,
      to: new Date(clock.getTime() + 1000),
    });
    expect(txns.at(-1)).toMatchObject({
      type: "transfer_refund",
      amount: 4_000,
      source: reversal.id,
    });
  });

  it("refuses more than what is left of the transfer", async () => {
    const { chargeId, accountId } = await paidChargeAndActiveAccount();
    const transfer = await payments.createTransfer(transferInput(chargeId, accountId));

    expect(
      await code(
        payments.createTransferReversal({
          reversalId,
          transferId: transfer.id,
          amount: { amount: 12_001, currency: "USD" },
          consultationId,
        }),
      ),
    ).toBe("amount_too_large");
  });

  it("refuses a reversal once the advisor's balance went to their bank, leaving the transfer as it was", async () => {
    const { chargeId, accountId } = await paidChargeAndActiveAccount();
    const transfer = await payments.createTransfer(transferInput(chargeId, accountId));

    await payments.payOutConnectedBalance(accountId);

    expect(connectEvents().map((e) => [e.type, e.account, e.data.object.amount])).toEqual([
      ["payout.paid", accountId, 12_000],
    ]);
    expect(
      await code(
        payments.createTransferReversal({
          reversalId,
          transferId: transfer.id,
          amount: { amount: 4_000, currency: "USD" },
          consultationId,
        }),
      ),
    ).toBe("balance_insufficient");
    expect((await payments.getTransfer(transfer.id))?.amount_reversed).toBe(0);
    expect((await payments.getAccount(accountId))?.balance).toEqual({});
  });
});

describe("injected transfer faults", () => {
  it("timeout after send: the transfer is made, the answer lost, and the retry gets the same one", async () => {
    const { chargeId, accountId } = await paidChargeAndActiveAccount();
    await payments.setTransferFaults({ mode: "timeout_after_send", count: 1 });

    const error = await payments
      .createTransfer(transferInput(chargeId, accountId))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as ProviderUnavailableError).kind).toBe("outcome_unknown");
    expect((error as Error).message).toMatch(/may have been processed/);

    const retried = await payments.createTransfer(transferInput(chargeId, accountId));
    const all = await payments.listTransfers({ from: clock, to: new Date(clock.getTime() + 1000) });
    expect(all.map((t) => t.id)).toEqual([retried.id]);
    expect((await payments.getAccount(accountId))?.balance).toEqual({ usd: 12_000 });
  });

  it("balance_insufficient and unavailable fail that many requests, then transfers go through", async () => {
    const { chargeId, accountId } = await paidChargeAndActiveAccount();
    await payments.setTransferFaults({ mode: "balance_insufficient", count: 2 });

    expect(await code(payments.createTransfer(transferInput(chargeId, accountId)))).toBe(
      "balance_insufficient",
    );
    expect(await code(payments.createTransfer(transferInput(chargeId, accountId)))).toBe(
      "balance_insufficient",
    );
    await payments.setTransferFaults({ mode: "unavailable", count: 1 });
    await expect(
      payments.createTransfer(transferInput(chargeId, accountId)),
    ).rejects.toBeInstanceOf(ProviderUnavailableError);
    await expect(
      payments.createTransfer(transferInput(chargeId, accountId)),
    ).resolves.toMatchObject({ amount: 12_000 });
  });

  it("are seen by every process sharing the store", async () => {
    const { chargeId, accountId } = await paidChargeAndActiveAccount();
    await make().setTransferFaults({ mode: "balance_insufficient", count: 1 });

    expect(await code(payments.createTransfer(transferInput(chargeId, accountId)))).toBe(
      "balance_insufficient",
    );
  });
});

describe("rate limit", () => {
  it("answers 429 (unavailable, rate_limit, Retry-After) to a burst above the limit, and counts", async () => {
    const limited = make(configWith({ SIM_STRIPE_RATE_LIMIT: "5" }));
    const account = await newAccount();
    await limited.resetRequestStats();

    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => limited.retrieveAccount(account.id)),
    );

    const refused = results.filter((r) => r.status === "rejected");
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(5);
    expect(refused).toHaveLength(3);
    for (const r of refused) {
      const error = r.reason as ProviderUnavailableError;
      expect(error).toBeInstanceOf(ProviderUnavailableError);
      expect(error.code).toBe("rate_limit");
      expect(error.kind).toBe("throttled");
      expect(error.retryAfterSeconds).toBe(1);
    }
    await expect(limited.getRequestStats()).resolves.toEqual({ accepted: 5, throttled: 3 });
    await limited.resetRequestStats();
    await expect(limited.getRequestStats()).resolves.toEqual({ accepted: 0, throttled: 0 });
  });

  it("never refuses requests paced at the limit", async () => {
    const limited = make(configWith({ SIM_STRIPE_RATE_LIMIT: "10" }));
    const account = await newAccount();
    await limited.resetRequestStats();

    for (let i = 0; i < 50; i++) {
      await limited.retrieveAccount(account.id);
      clock = new Date(clock.getTime() + 100);
    }

    await expect(limited.getRequestStats()).resolves.toEqual({ accepted: 50, throttled: 0 });
  });

  it("with no limit, admits everything and still counts", async () => {
    const account = await newAccount();
    await payments.resetRequestStats();
    await Promise.all(Array.from({ length: 30 }, () => payments.retrieveAccount(account.id)));
    await expect(payments.getRequestStats()).resolves.toEqual({ accepted: 30, throttled: 0 });
  });
});

describe("seeded earnings", () => {
  const earning = {
    advisorId: "load|adv-1",
    accountId: "acct_load_1",
    chargeId: "ch_load_1",
    paymentIntentId: "pi_load_1",
    price: 10_000,
    currency: "USD",
  };

  it("creates active accounts and paid charges that transfers can draw on", async () => {
    await seedSimulatedConnect(store, [earning], { now: clock });

    await expect(payments.retrieveAccount("acct_load_1")).resolves.toMatchObject({
      transfersCapability: "active",
      payoutsEnabled: true,
    });
    await expect(
      payments.createTransfer(
        transferInput("ch_load_1", "acct_load_1", { amount: { amount: 8_000, currency: "USD" } }),
      ),
    ).resolves.toMatchObject({ amount: 8_000, sourceTransaction: "ch_load_1" });
    expect(
      await code(
        payments.createTransfer(
          transferInput("ch_load_1", "acct_load_1", {
            payoutItemId: "4f1e2d3c-4b5a-4968-8776-655443322110",
            amount: { amount: 2_001, currency: "USD" },
          }),
        ),
      ),
    ).toBe("amount_too_large");
  });

  it("a second round keeps the accounts (and their balances) as they are", async () => {
    await seedSimulatedConnect(store, [earning], { now: clock });
    await payments.createTransfer(
      transferInput("ch_load_1", "acct_load_1", { amount: { amount: 8_000, currency: "USD" } }),
    );

    await seedSimulatedConnect(store, [{ ...earning, chargeId: "ch_loadr2_1" }], { now: clock });

    expect((await payments.getAccount("acct_load_1"))?.balance).toEqual({ usd: 8_000 });
    await expect(
      payments.createTransfer(
        transferInput("ch_loadr2_1", "acct_load_1", {
          payoutItemId: "5f1e2d3c-4b5a-4968-8776-655443322110",
          amount: { amount: 8_000, currency: "USD" },
        }),
      ),
    ).resolves.toMatchObject({ sourceTransaction: "ch_loadr2_1" });
  });
});
