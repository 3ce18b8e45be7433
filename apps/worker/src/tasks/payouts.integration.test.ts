import {
  type ConnectAccount,
  type CreateReversalInput,
  type CreateTransferInput,
  type PaymentPort,
  ProviderRejectedError,
  ProviderUnavailableError,
  type TransferInfo,
} from "@an/billing";
import {
  accountBalances,
  applyConsultationEvent,
  type Db,
  findUnbalancedEntries,
  holdAdvisorPayouts,
  PayoutInFlightError,
  planDuePayouts,
  preparePayoutBatch,
  releaseAdvisorPayoutHold,
  requeueCapabilityFailedItems,
  retryPayoutItem,
  seedReleasedEarnings,
  type SeededEarning,
} from "@an/db";
import {
  consultations,
  payoutAccounts,
  payoutBatches,
  payoutItems,
  transferReversals,
} from "@an/db/schema";
import { useTestDatabase } from "@an/db/testing";
import { eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { jobHelpers } from "../processing/testing/fixtures";
import { testWorkerDeps } from "../testing";
import { createHandlers } from "./index";

/**
 * Payout runs against a scripted provider: each test decides what the next transfer call
 * does (succeed, refuse, time out after doing it, throttle), and the provider keeps
 * transfers by idempotency key the way Stripe does, so resends can be checked.
 */
class ScriptedConnect {
  constructor(readonly tag: string) {}
  transfers = new Map<string, TransferInfo>();
  calls = 0;
  reversals = new Map<string, { id: string; amount: number }>();
  /** Available balance per connected account (reversals need it). */
  balances = new Map<string, number>();
  capabilities = new Map<string, ConnectAccount["transfersCapability"]>();
  next: ("ok" | "timeout_after_send" | "balance_insufficient" | "rate_limit" | "unavailable")[] =
    [];

  createTransfer(input: CreateTransferInput): Promise<TransferInfo> {
    this.calls += 1;
    const mode = this.next.shift() ?? "ok";
    if (mode === "rate_limit") {
      return Promise.reject(
        new ProviderUnavailableError("Too many requests", {
          retryAfterSeconds: 1,
          code: "rate_limit",
          kind: "throttled",
        }),
      );
    }
    if (mode === "unavailable") {
      return Promise.reject(new ProviderUnavailableError("502 from the provider"));
    }
    if (mode === "balance_insufficient") {
      return Promise.reject(
        new ProviderRejectedError("Insufficient funds in your Stripe balance", {
          code: "balance_insufficient",
        }),
      );
    }
    if (this.capabilities.get(input.destinationAccountId) === "inactive") {
      return Promise.reject(
        new ProviderRejectedError("Your destination account needs the transfers capability", {
          code: "insufficient_capabilities_for_transfer",
        }),
      );
    }
    const key = `transfer:${input.payoutItemId}`;
    let transfer = this.transfers.get(key);
    if (!transfer) {
      transfer = {
        id: `tr_${this.tag}_${this.transfers.size + 1}`,
        amount: input.amount.amount,
        currency: input.amount.currency.toLowerCase(),
        destination: input.destinationAccountId,
        sourceTransaction: input.sourceChargeId,
        transferGroup: input.transferGroup,
        amountReversed: 0,
        payoutItemId: input.payoutItemId,
        consultationId: input.consultationId,
        created: new Date(),
      };
      this.transfers.set(key, transfer);
      this.balances.set(
        input.destinationAccountId,
        (this.balances.get(input.destinationAccountId) ?? 0) + input.amount.amount,
      );
    }
    if (mode === "timeout_after_send") {
      return Promise.reject(
        new ProviderUnavailableError("timed out; the request may have been processed"),
      );
    }
    return Promise.resolve(transfer);
  }

  createTransferReversal(input: CreateReversalInput) {
    const transfer = [...this.transfers.values()].find((t) => t.id === input.transferId)!;
    const existing = this.reversals.get(input.reversalId);
    if (existing) return Promise.resolve({ ...existing, transferId: transfer.id, currency: "usd" });
    const balance = this.balances.get(transfer.destination) ?? 0;
    if (balance < input.amount.amount) {
      return Promise.reject(
        new ProviderRejectedError("Insufficient funds in the destination account", {
          code: "balance_insufficient",
        }),
      );
    }
    this.balances.set(transfer.destination, balance - input.amount.amount);
    transfer.amountReversed += input.amount.amount;
    const reversal = {
      id: `trr_${this.tag}_${this.reversals.size + 1}`,
      amount: input.amount.amount,
    };
    this.reversals.set(input.reversalId, reversal);
    return Promise.resolve({ ...reversal, transferId: transfer.id, currency: "usd" });
  }

  port(base: PaymentPort): PaymentPort {
    return {
      ...base,
      createTransfer: (i) => this.createTransfer(i),
      createTransferReversal: (i) => this.createTransferReversal(i),
    };
  }
}

const t = useTestDatabase();
const helpers = jobHelpers();
const NOW = new Date("2026-11-24T12:00:00.000Z");
/** Who acts in the admin commands below (stored as the hold's `by`). */
const ADMIN = { kind: "system", label: "admin" } as const;
let provider: ScriptedConnect;
let handlers: ReturnType<typeof createHandlers>;
let db: Db;
let seeded: SeededEarning[];
let prefix = 0;

beforeEach(async () => {
  db = t.db;
  prefix += 1;
  provider = new ScriptedConnect(`p${prefix}`);
  const base = testWorkerDeps(db, { now: () => NOW });
  const deps = {
    ...base,
    payments: provider.port(base.payments),
    billing: {
      ...base.billing,
      connect: { ...base.billing.connect, requestsPerSecond: 1000 },
    },
  };
  handlers = createHandlers(deps);
  seeded = await seedReleasedEarnings(db, { prefix: `p${prefix}`, count: 2, now: NOW });
});

async function balance(account: string): Promise<number> {
  const rows = await accountBalances(db, { accounts: [account] });
  return rows.reduce((s, r) => s + r.balance, 0);
}

async function items(advisorId: string) {
  return db.select().from(payoutItems).where(eq(payoutItems.advisorId, advisorId));
}

async function nextRun(advisorId: string): Promise<Date> {
  const [row] = await db.execute<{ next: string }>(
    sql`select next_payout_at as next from advisors where user_id = ${advisorId}`,
  );
  return new Date(row!.next);
}

async function prepare(advisorId: string, now = NOW, scheduledFor?: Date) {
  const run = scheduledFor ?? (await nextRun(advisorId));
  return db.transaction((tx) =>
    preparePayoutBatch(tx, {
      request: { kind: "scheduled", advisorId, scheduledFor: run },
      // The minimum is the default `payouts` rules' (USD 20.00).
      now,
    }),
  );
}

async function send(itemId: string) {
  await handlers.send_payout_item({ itemId }, helpers);
  const [row] = await db.select().from(payoutItems).where(eq(payoutItems.id, itemId));
  return row!;
}

async function status(consultationId: string) {
  const [row] = await db
    .select({ status: consultations.status })
    .from(consultations)
    .where(eq(consultations.id, consultationId));
  return row!.status;
}

describe("a scheduled payout run", () => {
  it("books the batch, sends one transfer per consultation charge and never pays twice", async () => {
    const [a] = seeded;
    const payable = `advisor_payable:${a!.advisorId}`;
    const inTransit = `advisor_payout_in_transit:${a!.advisorId}`;
    expect(await balance(payable)).toBe(-8000);

    const run = await nextRun(a!.advisorId);
    const outcome = await prepare(a!.advisorId, NOW, run);
    expect(outcome.kind).toBe("created");
    // A second worker with the same run changes nothing.
    expect((await prepare(a!.advisorId, NOW, run)).kind).toBe("already_done");
    const [item] = await items(a!.advisorId);
    expect(item).toMatchObject({
      status: "pending",
      amount: 8000,
      sourceChargeId: a!.chargeId,
      destinationAccountId: a!.accountId,
    });
    expect(await balance(payable)).toBe(0);
    expect(await balance(inTransit)).toBe(-8000);

    const sent = await send(item!.id);
    expect(sent.status).toBe("sent");
    const transfer = [...provider.transfers.values()][0]!;
    expect(sent.providerTransferId).toBe(transfer.id);
    expect(transfer).toMatchObject({
      sourceTransaction: a!.chargeId,
      transferGroup: `consultation_${a!.consultationId}`,
    });
    expect(await status(a!.consultationId)).toBe("paid_out");
    expect(await balance(inTransit)).toBe(0);

    // A duplicate job finds the item sent and asks the provider nothing.
    const calls = provider.calls;
    await send(item!.id);
    expect(provider.calls).toBe(calls);
    expect(provider.transfers.size).toBe(1);
    const [batch] = await db
      .select()
      .from(payoutBatches)
      .where(eq(payoutBatches.advisorId, a!.advisorId));
    expect(batch!.settledAt).not.toBeNull();
    expect(await findUnbalancedEntries(db)).toEqual([]);
  });

  it("plans only due advisors whose account can be paid, each run once", async () => {
    const [a, b] = seeded;
    await db
      .update(payoutAccounts)
      .set({ transfersCapability: "inactive" })
      .where(eq(payoutAccounts.advisorId, b!.advisorId));
    await planDuePayouts(db, { now: NOW });
    await planDuePayouts(db, { now: NOW });
    const queued = await db.execute<{ payload: { advisorId: string } }>(sql`
      select j.payload from graphile_worker._private_jobs j
      join graphile_worker._private_tasks k on k.id = j.task_id
      where k.identifier = 'prepare_payout_batch'`);
    const advisors = queued.map((r) => r.payload.advisorId);
    expect(advisors.filter((id) => id === a!.advisorId)).toHaveLength(1);
    expect(advisors).not.toContain(b!.advisorId);
  });

  it("carries earnings below the minimum over and moves the schedule on", async () => {
    const [a] = await seedReleasedEarnings(db, {
      prefix: `p${prefix}small`,
      count: 1,
      price: 1_000,
      fee: 500,
      now: NOW,
    });
    expect((await prepare(a!.advisorId)).kind).toBe("below_minimum");
    expect(await items(a!.advisorId)).toHaveLength(0);
    const [row] = await db.execute<{ next: string }>(
      sql`select next_payout_at as next from advisors where user_id = ${a!.advisorId}`,
    );
    expect(new Date(row!.next).getTime()).toBeGreaterThan(NOW.getTime());
  });

  it("skips held advisors and sends their waiting items once the hold is lifted", async () => {
    const [a] = seeded;
    expect((await prepare(a!.advisorId)).kind).toBe("created");
    const [item] = await items(a!.advisorId);
    await db.transaction((tx) =>
      holdAdvisorPayouts(tx, {
        advisorId: a!.advisorId,
        reason: "KYC check",
        actor: ADMIN,
        now: NOW,
      }),
    );
    expect((await send(item!.id)).status).toBe("pending");
    expect(provider.calls).toBe(0);
    await db.transaction((tx) =>
      releaseAdvisorPayoutHold(tx, { advisorId: a!.advisorId, now: NOW, actor: ADMIN }),
    );
    expect((await send(item!.id)).status).toBe("sent");
  });
});

describe("faults end in a visible, retryable state with the money accounted for", () => {
  it("a timeout after the transfer was made: retried with the same key, recorded once", async () => {
    const [a] = seeded;
    await prepare(a!.advisorId);
    const [item] = await items(a!.advisorId);
    provider.next = ["timeout_after_send"];
    const first = await send(item!.id);
    expect(first).toMatchObject({ status: "retrying", lastErrorCode: "outcome_unknown" });
    expect(first.nextAttemptAt).not.toBeNull();
    expect(await balance(`advisor_payout_in_transit:${a!.advisorId}`)).toBe(-8000);
    // While the outcome is unknown, a refund must wait rather than race the transfer.
    await expect(
      db.transaction((tx) =>
        applyConsultationEvent(tx, {
          consultationId: a!.consultationId,
          event: {
            id: "admin-refund-1",
            actor: "admin",
            type: "admin_refund",
            amount: { amount: 10_000, currency: "USD" },
          },
          now: NOW,
          origin: { source: "test" },
        }),
      ),
    ).rejects.toBeInstanceOf(PayoutInFlightError);
    const second = await send(item!.id);
    expect(second.status).toBe("sent");
    expect(provider.transfers.size).toBe(1);
    expect(second.providerTransferId).toBe([...provider.transfers.values()][0]!.id);
    expect(await balance(`advisor_payout_in_transit:${a!.advisorId}`)).toBe(0);
  });

  it("a 429 waits its Retry-After without using up an attempt", async () => {
    const [a] = seeded;
    await prepare(a!.advisorId);
    const [item] = await items(a!.advisorId);
    provider.next = ["rate_limit"];
    const throttled = await send(item!.id);
    expect(throttled).toMatchObject({
      status: "retrying",
      lastErrorCode: "rate_limit",
      attempts: 0,
    });
    expect(throttled.nextAttemptAt!.getTime()).toBe(NOW.getTime() + 1000);
    expect((await send(item!.id)).status).toBe("sent");
  });

  it("insufficient balance: failed for an admin, who retries it", async () => {
    const [a] = seeded;
    await prepare(a!.advisorId);
    const [item] = await items(a!.advisorId);
    provider.next = ["balance_insufficient"];
    expect(await send(item!.id)).toMatchObject({
      status: "failed",
      lastErrorCode: "balance_insufficient",
    });
    const incidents = await db.execute<{ kind: string }>(
      sql`select kind from security_incidents where consultation_id = ${a!.consultationId}`,
    );
    expect(incidents.map((r) => r.kind)).toContain("payout_failed");
    expect(await balance(`advisor_payout_in_transit:${a!.advisorId}`)).toBe(-8000);
    const retried = await db.transaction((tx) =>
      retryPayoutItem(tx, { itemId: item!.id, now: NOW, actor: ADMIN }),
    );
    expect(retried.ok).toBe(true);
    expect((await send(item!.id)).status).toBe("sent");
  });

  it("a lost capability fails the item; the account's recovery sends it again", async () => {
    const [a] = seeded;
    await prepare(a!.advisorId);
    const [item] = await items(a!.advisorId);
    provider.capabilities.set(a!.accountId, "inactive");
    expect(await send(item!.id)).toMatchObject({
      status: "failed",
      lastErrorCode: "insufficient_capabilities_for_transfer",
    });
    provider.capabilities.set(a!.accountId, "active");
    const requeued = await db.transaction((tx) =>
      requeueCapabilityFailedItems(tx, { advisorId: a!.advisorId, now: NOW }),
    );
    expect(requeued).toBe(1);
    expect((await send(item!.id)).status).toBe("sent");
  });
});

describe("refunds around payouts", () => {
  async function adminRefund(consultationId: string, id: string, amount = 10_000) {
    return db.transaction((tx) =>
      applyConsultationEvent(tx, {
        consultationId,
        event: { id, actor: "admin", type: "admin_refund", amount: { amount, currency: "USD" } },
        now: NOW,
        origin: { source: "test" },
      }),
    );
  }

  it("a refund before sending withdraws the item and returns its share to payable", async () => {
    const [a] = seeded;
    await prepare(a!.advisorId);
    const [item] = await items(a!.advisorId);
    expect((await adminRefund(a!.consultationId, "refund-early")).kind).toBe("applied");
    const [after] = await db.select().from(payoutItems).where(eq(payoutItems.id, item!.id));
    expect(after!.status).toBe("cancelled");
    expect(await balance(`advisor_payout_in_transit:${a!.advisorId}`)).toBe(0);
    expect(await balance(`advisor_payable:${a!.advisorId}`)).toBe(0);
    await send(item!.id);
    expect(provider.calls).toBe(0);
  });

  it("after payout: reverses the transfer, or nets the receivable from the next payout", async () => {
    const [a] = seeded;
    const receivable = `advisor_receivable:${a!.advisorId}`;
    await prepare(a!.advisorId);
    const [item] = await items(a!.advisorId);
    await send(item!.id);

    // Reversal succeeds: the receivable booked by the refund is settled.
    expect((await adminRefund(a!.consultationId, "refund-late", 5_000)).kind).toBe("applied");
    const [reversal] = await db
      .select()
      .from(transferReversals)
      .where(eq(transferReversals.consultationId, a!.consultationId));
    expect(reversal).toMatchObject({ status: "pending", amount: 4_000 });
    expect(await balance(receivable)).toBe(4_000);
    await handlers.reverse_transfer({ reversalId: reversal!.id }, helpers);
    expect(await balance(receivable)).toBe(0);
    expect(provider.reversals.size).toBe(1);

    // The advisor's balance is gone: the second reversal fails and the receivable stays...
    provider.balances.set(a!.accountId, 0);
    expect((await adminRefund(a!.consultationId, "refund-rest", 5_000)).kind).toBe("applied");
    const [second] = await db
      .select()
      .from(transferReversals)
      .where(
        sql`${transferReversals.consultationId} = ${a!.consultationId} and ${transferReversals.id} <> ${reversal!.id}`,
      );
    await handlers.reverse_transfer({ reversalId: second!.id }, helpers);
    const [failed] = await db
      .select()
      .from(transferReversals)
      .where(eq(transferReversals.id, second!.id));
    expect(failed).toMatchObject({ status: "failed", lastErrorCode: "balance_insufficient" });
    expect(await balance(receivable)).toBe(4_000);

    // ...and is netted against the advisor's next earnings.
    const more = (
      await seedReleasedEarnings(db, {
        prefix: `p${prefix}`,
        count: 2,
        now: NOW,
        moreFor: { round: 2 },
      })
    ).filter((e) => e.advisorId === a!.advisorId);
    const later = new Date(NOW.getTime() + 8 * 86_400_000);
    expect((await prepare(a!.advisorId, later)).kind).toBe("created");
    const next = (await items(a!.advisorId)).find(
      (i) => i.consultationId === more[0]!.consultationId,
    )!;
    expect(next).toMatchObject({ grossAmount: 8000, nettedAmount: 4000, amount: 4000 });
    expect(await balance(receivable)).toBe(0);
    expect(await findUnbalancedEntries(db)).toEqual([]);
  });
});
