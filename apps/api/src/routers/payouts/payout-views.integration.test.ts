import { seedDemoData } from "@an/db";
import { payoutAccounts, transferReversals } from "@an/db/schema";
import {
  insertAdvisor,
  useTestDatabase,
  ADMIN,
  AMIRA,
  DIEGO,
  hours,
  LUCAS,
  SAM,
  insertBatch,
  releasedConsultation,
} from "@an/db/testing";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { callerFor } from "../consultations/test-fixtures";

const t = useTestDatabase(async (db) => {
  await seedDemoData(db.db);
  for (const [userId, displayName] of [
    [AMIRA, "Amira Haddad"],
    [LUCAS, "Lucas Moreau"],
  ] as const) {
    await insertAdvisor(db.db, {
      userId,
      displayName,
      hourlyRate: 15_000,
      calcomEventType: `${userId}/consultation`,
    });
  }
});

const T0 = new Date("2026-11-02T09:00:00.000Z");
const at = (h: number) => new Date(T0.getTime() + hours(h));
const UNKNOWN = "00000000-0000-4000-8000-000000000000";

/**
 * Amira: batch A1 (c1 sent, c2 failed for good), off-cycle batch A2 (c3 retrying), and a
 * failed reversal of c1's transfer. Lucas: batch L1 (one item sent), between them in time.
 */
let ids: {
  a1: string;
  a2: string;
  l1: string;
  sentItem: string;
  failedItem: string;
  retryingItem: string;
  reversal: string;
};

beforeAll(async () => {
  const db = t.db;
  const [c1, c2, c3] = [
    await releasedConsultation(db, { clientId: SAM, advisorId: AMIRA, bookedAt: T0 }),
    await releasedConsultation(db, { clientId: SAM, advisorId: AMIRA, bookedAt: at(1) }),
    await releasedConsultation(db, { clientId: DIEGO, advisorId: AMIRA, bookedAt: at(2) }),
  ];
  const l = await releasedConsultation(db, { clientId: SAM, advisorId: LUCAS, bookedAt: T0 });
  const a1 = await insertBatch(db, {
    advisorId: AMIRA,
    createdAt: at(100),
    items: [
      { consultationId: c1.id, amount: 12_000, status: "sent" },
      {
        consultationId: c2.id,
        amount: 12_000,
        status: "failed",
        attempts: 1,
        lastErrorCode: "insufficient_capabilities_for_transfer",
        lastError: "The destination account needs the transfers capability",
      },
    ],
  });
  const l1 = await insertBatch(db, {
    advisorId: LUCAS,
    createdAt: at(150),
    items: [{ consultationId: l.id, amount: 12_000, status: "sent" }],
  });
  const a2 = await insertBatch(db, {
    advisorId: AMIRA,
    kind: "off_cycle",
    createdAt: at(200),
    items: [{ consultationId: c3.id, amount: 12_000, status: "retrying", attempts: 2 }],
  });
  const [reversal] = await db
    .insert(transferReversals)
    .values({
      consultationId: c1.id,
      payoutItemId: a1.itemIds[0]!,
      advisorId: AMIRA,
      providerTransferId: "tr_c1",
      amount: 3_000,
      currency: "USD",
      dedupeKey: "test:reversal:c1",
      reason: "refund after payout",
      status: "failed",
      lastErrorCode: "balance_insufficient",
      lastError: "The connected account's balance is too low",
    })
    .returning({ id: transferReversals.id });
  ids = {
    a1: a1.batchId,
    a2: a2.batchId,
    l1: l1.batchId,
    sentItem: a1.itemIds[0]!,
    failedItem: a1.itemIds[1]!,
    retryingItem: a2.itemIds[0]!,
    reversal: reversal!.id,
  };
});

describe("payouts admin views", () => {
  it("listBatches: newest first, filtered by advisor, kind and period, with items counted by status", async () => {
    const admin = await callerFor(t.db, ADMIN);
    const all = await admin.payoutAdmin.listBatches();
    expect(all.items.map((b) => b.id)).toEqual([ids.a2, ids.l1, ids.a1]);
    const a1 = all.items[2]!;
    expect(a1).toMatchObject({
      advisorId: AMIRA,
      advisorName: "Amira Haddad",
      kind: "scheduled",
      currency: "USD",
      totalAmount: 24_000,
      itemCount: 2,
      sentAmount: 12_000,
      itemsByStatus: { pending: 0, sending: 0, retrying: 0, failed: 1, sent: 1, cancelled: 0 },
    });

    const mine = await admin.payoutAdmin.listBatches({ advisorId: AMIRA, limit: 1 });
    expect(mine.items.map((b) => b.id)).toEqual([ids.a2]);
    const next = await admin.payoutAdmin.listBatches({
      advisorId: AMIRA,
      limit: 1,
      cursor: mine.nextCursor,
    });
    expect(next.items.map((b) => b.id)).toEqual([ids.a1]);
    expect(next.nextCursor).toBeNull();

    expect(
      (await admin.payoutAdmin.listBatches({ kind: "off_cycle" })).items.map((b) => b.id),
    ).toEqual([ids.a2]);
    const window = await admin.payoutAdmin.listBatches({
      from: at(120).toISOString(),
      to: at(180).toISOString(),
    });
    expect(window.items.map((b) => b.id)).toEqual([ids.l1]);
    await expect(admin.payoutAdmin.listBatches({ cursor: "%%%" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("getBatch: the batch with every item and the provider's errors; unknown ids are PAYOUT_BATCH_NOT_FOUND", async () => {
    const admin = await callerFor(t.db, ADMIN);
    const batch = await admin.payoutAdmin.getBatch({ id: ids.a1 });
    expect(batch).toMatchObject({ id: ids.a1, advisorName: "Amira Haddad", requestedByName: null });
    expect(batch.items.map((i) => i.id)).toEqual([ids.sentItem, ids.failedItem]);
    expect(batch.items[0]!.providerTransferId).toMatch(/^tr_/);
    expect(batch.items[1]).toMatchObject({
      status: "failed",
      attempts: 1,
      lastErrorCode: "insufficient_capabilities_for_transfer",
      lastError: "The destination account needs the transfers capability",
      providerTransferId: null,
      nextAttemptAt: null,
    });
    await expect(admin.payoutAdmin.getBatch({ id: UNKNOWN })).rejects.toMatchObject({
      code: "NOT_FOUND",
      appCode: "PAYOUT_BATCH_NOT_FOUND",
    });
    await expect(admin.payoutAdmin.getBatch({ id: "nope" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("listItems: the failures view puts the longest-failing item first and pages by cursor", async () => {
    const admin = await callerFor(t.db, ADMIN);
    const first = await admin.payoutAdmin.listItems({
      status: ["failed", "retrying"],
      order: "oldest_update",
      limit: 1,
    });
    expect(first.items.map((i) => i.id)).toEqual([ids.failedItem]);
    const second = await admin.payoutAdmin.listItems({
      status: ["failed", "retrying"],
      order: "oldest_update",
      limit: 1,
      cursor: first.nextCursor,
    });
    expect(second.items.map((i) => [i.id, i.status, i.attempts])).toEqual([
      [ids.retryingItem, "retrying", 2],
    ]);
    expect(second.nextCursor).toBeNull();

    const newest = await admin.payoutAdmin.listItems({ advisorId: AMIRA });
    expect(newest.items.map((i) => i.id)).toEqual([ids.retryingItem, ids.failedItem, ids.sentItem]);
    expect(
      (await admin.payoutAdmin.listItems({ batchId: ids.l1 })).items.map((i) => i.advisorName),
    ).toEqual(["Lucas Moreau"]);
  });

  it("listReversals: by status, with the provider's error", async () => {
    const admin = await callerFor(t.db, ADMIN);
    const failed = await admin.payoutAdmin.listReversals({ status: ["failed"] });
    expect(failed.items).toEqual([
      expect.objectContaining({
        id: ids.reversal,
        advisorName: "Amira Haddad",
        payoutItemId: ids.sentItem,
        amount: 3_000,
        lastErrorCode: "balance_insufficient",
      }),
    ]);
    expect((await admin.payoutAdmin.listReversals({ status: ["succeeded"] })).items).toEqual([]);
  });

  it("getAdvisor: account and what Stripe needs, schedule, hold, balances, batches, open items, reversals", async () => {
    const admin = await callerFor(t.db, ADMIN, { now: new Date("2026-11-24T12:00:00Z") });
    const before = await admin.payoutAdmin.getAdvisor({ advisorId: AMIRA });
    expect(before).toMatchObject({
      advisorId: AMIRA,
      displayName: "Amira Haddad",
      account: null,
      ready: false,
      hold: null,
      // Not planned yet: the run the schedule gives (monthly on the 1st, 09:00 UTC).
      schedule: {
        cadence: "monthly",
        runAt: "09:00",
        timeZone: "UTC",
        nextPayoutAt: new Date("2026-12-01T09:00:00Z"),
      },
      // c1 paid out; c2 and c3 reserved in items not yet sent.
      balances: [
        { currency: "USD", pending: 0, released: 0, inTransit: 24_000, paidOut: 12_000, owed: 0 },
      ],
    });
    expect(before.recentBatches.map((b) => b.id)).toEqual([ids.a2, ids.a1]);
    expect(before.openItems.map((i) => i.id)).toEqual([ids.failedItem, ids.retryingItem]);
    expect(before.reversals.map((r) => r.id)).toEqual([ids.reversal]);

    await t.db.insert(payoutAccounts).values({
      advisorId: AMIRA,
      providerAccountId: "acct_amira",
      transfersCapability: "inactive",
      currentlyDue: ["external_account"],
      pastDue: ["individual.dob.day"],
    });
    try {
      const after = await admin.payoutAdmin.getAdvisor({ advisorId: AMIRA });
      expect(after.account).toMatchObject({
        providerAccountId: "acct_amira",
        transfersCapability: "inactive",
        currentlyDue: [{ key: "external_account", label: "Bank account for payouts" }],
        pastDue: [{ key: "individual.dob.day", label: "Date of birth" }],
      });
    } finally {
      await t.db.delete(payoutAccounts).where(eq(payoutAccounts.advisorId, AMIRA));
    }
    await expect(admin.payoutAdmin.getAdvisor({ advisorId: SAM })).rejects.toMatchObject({
      code: "NOT_FOUND",
      appCode: "ADVISOR_NOT_FOUND",
    });
  });

  it("are for admins only", async () => {
    for (const userId of [AMIRA, SAM]) {
      const caller = await callerFor(t.db, userId);
      await expect(caller.payoutAdmin.listBatches()).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(caller.payoutAdmin.getBatch({ id: ids.a1 })).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
      await expect(caller.payoutAdmin.listItems()).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(caller.payoutAdmin.listReversals()).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(caller.payoutAdmin.getAdvisor({ advisorId: AMIRA })).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
    }
  });
});

describe("payouts.getAccount", () => {
  it("is null before onboarding, then shows what Stripe needs with labels and whether payouts can go", async () => {
    const amira = await callerFor(t.db, AMIRA, { now: new Date("2026-11-24T12:00:00Z") });
    expect(await amira.payouts.getAccount()).toMatchObject({
      account: null,
      ready: false,
      payoutsHeld: false,
      schedule: { cadence: "monthly", dayOfMonth: 1 },
      nextPayoutAt: new Date("2026-12-01T09:00:00Z"),
    });

    await t.db.insert(payoutAccounts).values({
      advisorId: AMIRA,
      providerAccountId: "acct_amira",
      transfersCapability: "pending",
      detailsSubmitted: true,
      currentlyDue: ["external_account", "individual.address.line1", "individual.some_new_field"],
      pastDue: ["tos_acceptance.date"],
    });
    try {
      const pending = await amira.payouts.getAccount();
      expect(pending.ready).toBe(false);
      expect(pending.account).toMatchObject({
        transfersCapability: "pending",
        detailsSubmitted: true,
        currentlyDue: [
          { key: "external_account", label: "Bank account for payouts" },
          { key: "individual.address.line1", label: "Home address" },
          { key: "individual.some_new_field", label: "individual.some_new_field" },
        ],
        pastDue: [{ key: "tos_acceptance.date", label: "Accept Stripe's terms of service" }],
      });
      // The advisor doesn't need the provider's account id.
      expect(pending.account).not.toHaveProperty("providerAccountId");

      await t.db
        .update(payoutAccounts)
        .set({ transfersCapability: "active", currentlyDue: [], pastDue: [] })
        .where(eq(payoutAccounts.advisorId, AMIRA));
      expect((await amira.payouts.getAccount()).ready).toBe(true);
      // Each advisor sees only their own account.
      expect((await (await callerFor(t.db, LUCAS)).payouts.getAccount()).account).toBeNull();
    } finally {
      await t.db.delete(payoutAccounts).where(eq(payoutAccounts.advisorId, AMIRA));
    }
  });

  it("is for advisors only", async () => {
    for (const userId of [ADMIN, SAM]) {
      await expect((await callerFor(t.db, userId)).payouts.getAccount()).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
    }
  });
});
