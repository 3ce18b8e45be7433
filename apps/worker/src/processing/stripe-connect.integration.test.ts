import {
  createSimulatedPayments,
  memorySimStore,
  ProviderUnavailableError,
  type SimulatedPayments,
} from "@an/billing";
import { getPayoutAccount, insertPayoutAccount } from "@an/db";
import { payoutAccounts, payoutBatches, payoutItems } from "@an/db/schema";
import { useTestDatabase, ADVISOR, PRICE, queuedJobs, seedParties } from "@an/db/testing";
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { createHandlers } from "../tasks";
import { testBillingConfig, testWorkerDeps } from "../testing";
import {
  bookAndPay,
  processDelivery,
  storeDelivery,
  T0,
  world,
  type World,
} from "./testing/fixtures";

/*
 * Connect events as the simulated Stripe sends them (to the Connect endpoint, with
 * `event.account`), processed by the worker against the same simulated Stripe: every
 * event makes the worker re-read the account, so the saved state is the provider's own.
 */

const t = useTestDatabase((db) => seedParties(db.db));
let w: World;
let sim: SimulatedPayments;
let connectBodies: string[];

let nextRun = 0;

beforeEach(async () => {
  // One database per file: each test starts without payout state.
  await t.db.delete(payoutItems);
  await t.db.delete(payoutBatches);
  await t.db.delete(payoutAccounts);
  const base = world(t.db);
  connectBodies = [];
  sim = createSimulatedPayments(testBillingConfig(), {
    store: memorySimStore(),
    deliver: (provider, body) => {
      if (provider === "stripe_connect") connectBodies.push(body);
      return Promise.resolve();
    },
    now: () => base.clock.now,
  });
  const deps = testWorkerDeps(t.db, { payments: sim, now: () => base.clock.now });
  w = { ...base, deps, handlers: createHandlers(deps) };
});

/** Amira's Express account, created and stored the way the onboarding procedure does. */
async function amirasAccount() {
  const account = await sim.createExpressAccount({
    advisorId: ADVISOR.id,
    email: ADVISOR.email,
    country: "US",
    serviceAgreement: "full",
    idempotencyKey: `account:${ADVISOR.id}`,
  });
  await insertPayoutAccount(t.db, { advisorId: ADVISOR.id, account, now: T0 });
  return account;
}

/** The Connect events sent since the last call, each stored as the Connect route stores it. */
async function storeSent(): Promise<string[]> {
  const bodies = connectBodies.splice(0);
  const ids: string[] = [];
  for (const body of bodies) ids.push(await storeDelivery(t.db, "stripe_connect", body));
  return ids;
}

describe("account.updated", () => {
  it("saves the account's fresh state: transfers active, payouts enabled, nothing due", async () => {
    const account = await amirasAccount();
    expect(await getPayoutAccount(t.db, { advisorId: ADVISOR.id })).toMatchObject({
      transfersCapability: "inactive",
      currentlyDue: [
        "business_profile.url",
        "external_account",
        "individual.dob.day",
        "tos_acceptance.date",
      ],
    });

    await sim.completeOnboarding(account.id);
    const [id] = await storeSent();
    const r = await processDelivery(w, id!);

    expect(r).toMatchObject({ status: "processed", error: null });
    expect(r.outcome).toContain(`${account.id} transfers inactive → active`);
    expect(await getPayoutAccount(t.db, { advisorId: ADVISOR.id })).toMatchObject({
      providerAccountId: account.id,
      transfersCapability: "active",
      payoutsEnabled: true,
      detailsSubmitted: true,
      currentlyDue: [],
      pastDue: [],
      disabledReason: null,
      syncedAt: T0,
    });
  });

  it("events processed out of order still leave the provider's current state", async () => {
    const account = await amirasAccount();
    await sim.completeOnboarding(account.id);
    await sim.setAccountCapability(account.id, "inactive", ["individual.verification.document"]);
    const [activated, disabled] = await storeSent();

    await processDelivery(w, disabled!);
    await processDelivery(w, activated!);

    expect(await getPayoutAccount(t.db, { advisorId: ADVISOR.id })).toMatchObject({
      transfersCapability: "inactive",
      payoutsEnabled: false,
      currentlyDue: ["individual.verification.document"],
      pastDue: ["individual.verification.document"],
      disabledReason: "requirements.past_due",
    });
  });

  it("an account no advisor of ours has is ignored with the reason", async () => {
    const stranger = await sim.createExpressAccount({
      advisorId: "someone-else",
      email: null,
      country: "US",
      serviceAgreement: "full",
      idempotencyKey: "account:someone-else",
    });
    await sim.completeOnboarding(stranger.id);
    const [id] = await storeSent();

    const r = await processDelivery(w, id!);

    expect(r.status).toBe("ignored");
    expect(r.outcome).toBe(
      `account.updated: connected account ${stranger.id} belongs to no advisor here`,
    );
  });

  it("the provider being unavailable retries the event, changing nothing", async () => {
    const account = await amirasAccount();
    await sim.completeOnboarding(account.id);
    const [id] = await storeSent();
    const failing = world(t.db);
    failing.payments.failRetrieveAccount = new ProviderUnavailableError("503 from Stripe");

    const r = await processDelivery(failing, id!);

    expect(r.error).toBeInstanceOf(ProviderUnavailableError);
    expect(r.status).toBe("received");
    expect((await getPayoutAccount(t.db, { advisorId: ADVISOR.id }))?.transfersCapability).toBe(
      "inactive",
    );
    expect((await processDelivery(w, id!, 2)).status).toBe("processed");
  });

  it("an account the provider won't show (deleted) is ignored with its refusal", async () => {
    await amirasAccount();
    const id = await storeDelivery(t.db, "stripe_connect", {
      id: "evt_connect_gone",
      object: "event",
      account: "acct_gone",
      type: "account.updated",
      data: { object: { id: "acct_gone", object: "account" } },
    });

    const r = await processDelivery(w, id);

    expect(r.status).toBe("ignored");
    expect(r.outcome).toMatch(/account acct_gone unreadable: No such account/);
  });
});

describe("the transfers capability coming back", () => {
  /** A payout item that failed because the account could not receive transfers. */
  async function failedItem(accountId: string, code: string) {
    const { consultationId } = await bookAndPay(w);
    const [batch] = await t.db
      .insert(payoutBatches)
      .values({
        advisorId: ADVISOR.id,
        kind: "scheduled",
        scheduledFor: new Date(T0.getTime() + nextRun++ * 60_000),
        currency: PRICE.currency,
        grossAmount: PRICE.advisorShare,
        totalAmount: PRICE.advisorShare,
        itemCount: 1,
        settledAt: T0,
      })
      .returning();
    const [item] = await t.db
      .insert(payoutItems)
      .values({
        batchId: batch!.id,
        advisorId: ADVISOR.id,
        consultationId,
        sourceChargeId: "ch_test",
        destinationAccountId: accountId,
        currency: PRICE.currency,
        grossAmount: PRICE.advisorShare,
        amount: PRICE.advisorShare,
        status: "failed",
        attempts: 1,
        lastErrorCode: code,
        lastError: "refused",
      })
      .returning();
    return item!;
  }

  const itemStatus = async (id: string) =>
    (await t.db.select().from(payoutItems).where(eq(payoutItems.id, id)))[0]!.status;

  it("requeues items that failed for want of the capability once transfers are active", async () => {
    const account = await amirasAccount();
    const item = await failedItem(account.id, "insufficient_capabilities_for_transfer");
    const refused = await failedItem(account.id, "balance_insufficient");

    await sim.completeOnboarding(account.id);
    const [id] = await storeSent();
    const r = await processDelivery(w, id!);

    expect(r.outcome).toContain("1 payout item(s) requeued");
    expect(r.details).toMatchObject({ requeued: 1, transfersCapability: "active" });
    expect(await itemStatus(item.id)).toBe("retrying");
    expect(await itemStatus(refused.id)).toBe("failed");
    const jobs = await queuedJobs(t.db, "send_payout_item");
    expect(jobs.filter((j) => j.payload.itemId === item.id)).toHaveLength(1);
    expect(jobs.filter((j) => j.payload.itemId === refused.id)).toEqual([]);
  });

  it("leaves them failed while the capability is still pending", async () => {
    const account = await amirasAccount();
    const capability = await failedItem(account.id, "insufficient_capabilities_for_transfer");

    await sim.setAccountCapability(account.id, "pending");
    const [pending] = await storeSent();
    expect((await processDelivery(w, pending!)).details).toMatchObject({ requeued: 0 });
    expect(await itemStatus(capability.id)).toBe("failed");
    const jobs = await queuedJobs(t.db, "send_payout_item");
    expect(jobs.filter((j) => j.payload.itemId === capability.id)).toEqual([]);
  });

  it("capability.updated is handled the same way, from the capability's account", async () => {
    const account = await amirasAccount();
    await sim.completeOnboarding(account.id);
    connectBodies.length = 0;
    const id = await storeDelivery(t.db, "stripe_connect", {
      id: "evt_capability_1",
      object: "event",
      account: account.id,
      type: "capability.updated",
      data: {
        object: { id: "transfers", object: "capability", account: account.id, status: "active" },
      },
    });

    const r = await processDelivery(w, id);

    expect(r.status).toBe("processed");
    expect((await getPayoutAccount(t.db, { advisorId: ADVISOR.id }))?.transfersCapability).toBe(
      "active",
    );
  });
});

describe("payout events", () => {
  it("payout.paid is stored as ignored with the reason", async () => {
    const account = await amirasAccount();
    await sim.completeOnboarding(account.id);
    connectBodies.length = 0;
    const id = await storeDelivery(t.db, "stripe_connect", {
      id: "evt_payout_1",
      object: "event",
      account: account.id,
      type: "payout.paid",
      data: { object: { id: "po_1", object: "payout", amount: 9_600, currency: "usd" } },
    });

    const r = await processDelivery(w, id);

    expect(r.status).toBe("ignored");
    expect(r.outcome).toMatch(/^payout\.paid: .*not acted on$/);
    expect(r.details).toEqual({ account: account.id });
  });
});
