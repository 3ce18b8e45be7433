import { ProviderUnavailableError } from "@an/billing";
import {
  getUserWithRoles,
  preparePayoutBatch,
  seedDemoData,
  seedReleasedEarnings,
  type SeededEarning,
} from "@an/db";
import { advisors, auditLog, payoutAccounts, payoutItems } from "@an/db/schema";
import { insertAdvisor, useTestDatabase, ADMIN, AMIRA } from "@an/db/testing";
import { and, desc, eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { createContextInner } from "../../trpc/context";
import { createCaller } from "../../trpc/router";
import { callerFor, testProviders } from "../consultations/test-fixtures";

const t = useTestDatabase(async (db) => {
  await seedDemoData(db.db);
  await insertAdvisor(db.db, { userId: AMIRA, displayName: "Amira Haddad", timeZone: "UTC" });
});

const NOW = new Date("2026-11-24T12:00:00.000Z");
const UNKNOWN = "00000000-0000-4000-8000-000000000000";
let round = 0;
let advisor: SeededEarning;

/** The advisor's payout item, prepared (pending) before each test. */
async function pendingItem(): Promise<{ id: string; advisorId: string }> {
  const [item] = await t.db
    .select()
    .from(payoutItems)
    .where(eq(payoutItems.advisorId, advisor.advisorId));
  return item!;
}

beforeEach(async () => {
  round += 1;
  const seeded = await seedReleasedEarnings(t.db, { prefix: `act${round}`, count: 1, now: NOW });
  advisor = seeded[0]!;
  const outcome = await t.db.transaction((tx) =>
    preparePayoutBatch(tx, {
      request: {
        kind: "scheduled",
        advisorId: advisor.advisorId,
        scheduledFor: new Date(NOW.getTime() - 60_000),
      },
      now: NOW,
    }),
  );
  expect(outcome.kind).toBe("created");
});

const admin = () => callerFor(t.db, ADMIN, { now: NOW });

async function audited(action: string, subjectId: string): Promise<number> {
  const rows = await t.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, action), eq(auditLog.subjectId, subjectId)));
  return rows.length;
}

describe("payoutAdmin.retryItem / cancelItem", () => {
  it("refuses unknown items and items that aren't failed (retry) or unsent (cancel)", async () => {
    const a = await admin();
    await expect(a.payoutAdmin.retryItem({ itemId: UNKNOWN })).rejects.toMatchObject({
      code: "NOT_FOUND",
      appCode: "PAYOUT_ITEM_NOT_FOUND",
    });
    const item = await pendingItem();
    await expect(a.payoutAdmin.retryItem({ itemId: item.id })).rejects.toMatchObject({
      code: "CONFLICT",
      appCode: "PAYOUT_ITEM_NOT_RETRYABLE",
    });
    await expect(a.payoutAdmin.retryItem({ itemId: "not-a-uuid" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(a.payoutAdmin.cancelItem({ itemId: item.id, reason: "x" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await t.db
      .update(payoutItems)
      .set({ status: "sent", providerTransferId: `tr_${round}` })
      .where(eq(payoutItems.id, item.id));
    await expect(
      a.payoutAdmin.cancelItem({ itemId: item.id, reason: "paid twice by mistake" }),
    ).rejects.toMatchObject({ appCode: "PAYOUT_ITEM_NOT_RETRYABLE" });
  });

  it("retries a failed item and cancels an unsent one, audited", async () => {
    const a = await admin();
    const item = await pendingItem();
    await t.db
      .update(payoutItems)
      .set({ status: "failed", lastErrorCode: "balance_insufficient", attempts: 1 })
      .where(eq(payoutItems.id, item.id));
    expect(await a.payoutAdmin.retryItem({ itemId: item.id })).toEqual({
      id: item.id,
      status: "retrying",
    });
    expect(await audited("payout_item.retried", item.id)).toBe(1);

    expect(
      await a.payoutAdmin.cancelItem({ itemId: item.id, reason: "advisor asked to wait" }),
    ).toEqual({ id: item.id, status: "cancelled" });
    expect(await audited("payout_item.cancelled", item.id)).toBe(1);
  });

  it("won't cancel an item whose transfer may exist (the outcome is unknown)", async () => {
    const item = await pendingItem();
    await t.db
      .update(payoutItems)
      .set({ status: "retrying", lastErrorCode: "outcome_unknown" })
      .where(eq(payoutItems.id, item.id));
    await expect(
      (await admin()).payoutAdmin.cancelItem({ itemId: item.id, reason: "changed my mind" }),
    ).rejects.toMatchObject({ appCode: "PAYOUT_ITEM_NOT_RETRYABLE" });
  });
});

describe("payoutAdmin.hold / releaseHold / runOffCycle", () => {
  it("holds, refuses to pay a held advisor, lifts the hold, audited", async () => {
    const a = await admin();
    await expect(
      a.payoutAdmin.hold({ advisorId: "nobody", reason: "KYC review" }),
    ).rejects.toMatchObject({ appCode: "ADVISOR_NOT_FOUND" });
    expect(
      await a.payoutAdmin.hold({ advisorId: advisor.advisorId, reason: "KYC review" }),
    ).toEqual({
      advisorId: advisor.advisorId,
      held: true,
      changed: true,
    });
    await expect(a.payoutAdmin.runOffCycle({ advisorId: advisor.advisorId })).rejects.toMatchObject(
      {
        code: "CONFLICT",
        appCode: "PAYOUTS_HELD",
      },
    );
    expect(await a.payoutAdmin.releaseHold({ advisorId: advisor.advisorId })).toEqual({
      advisorId: advisor.advisorId,
      held: false,
      changed: true,
    });
    // Lifting a hold that isn't there changes nothing and isn't audited again.
    expect((await a.payoutAdmin.releaseHold({ advisorId: advisor.advisorId })).changed).toBe(false);
    expect(await audited("payouts.held", advisor.advisorId)).toBe(1);
    expect(await audited("payouts.hold_released", advisor.advisorId)).toBe(1);
  });

  it("pays now only an advisor with an active account and released earnings", async () => {
    const a = await admin();
    // Everything released is already in the pending item.
    await expect(a.payoutAdmin.runOffCycle({ advisorId: advisor.advisorId })).rejects.toMatchObject(
      {
        appCode: "NOTHING_PAYABLE",
      },
    );
    const [more] = await seedReleasedEarnings(t.db, {
      prefix: `act${round}`,
      count: 1,
      now: NOW,
      moreFor: { round: 2 },
    });
    expect(more!.advisorId).toBe(advisor.advisorId);
    await t.db
      .update(payoutAccounts)
      .set({ transfersCapability: "inactive" })
      .where(eq(payoutAccounts.advisorId, advisor.advisorId));
    await expect(a.payoutAdmin.runOffCycle({ advisorId: advisor.advisorId })).rejects.toMatchObject(
      {
        appCode: "PAYOUT_ACCOUNT_NOT_READY",
      },
    );
    await t.db
      .update(payoutAccounts)
      .set({ transfersCapability: "active" })
      .where(eq(payoutAccounts.advisorId, advisor.advisorId));
    expect(await a.payoutAdmin.runOffCycle({ advisorId: advisor.advisorId })).toEqual({
      advisorId: advisor.advisorId,
      queued: true,
    });
    const jobs = await t.db.execute<{ payload: { advisorId: string; kind: string } }>(sql`
      select j.payload from graphile_worker._private_jobs j
      join graphile_worker._private_tasks k on k.id = j.task_id
      where k.identifier = 'prepare_payout_batch'`);
    expect(jobs.map((j) => j.payload)).toContainEqual(
      expect.objectContaining({ advisorId: advisor.advisorId, kind: "off_cycle" }),
    );
    expect(await audited("payouts.off_cycle_requested", advisor.advisorId)).toBe(1);
  });

  it("retryReversal refuses an unknown reversal", async () => {
    await expect(
      (await admin()).payoutAdmin.retryReversal({ reversalId: UNKNOWN }),
    ).rejects.toMatchObject({ code: "NOT_FOUND", appCode: "REVERSAL_NOT_FOUND" });
  });
});

describe("advisor: onboardingLink / updateSchedule", () => {
  it("creates one account however often it is asked, and mints a new link each time", async () => {
    const amira = await callerFor(t.db, AMIRA, { now: NOW });
    const first = await amira.payouts.createOnboardingLink();
    const second = await amira.payouts.createOnboardingLink();
    expect(first.url).not.toBe(second.url);
    const accounts = await t.db
      .select()
      .from(payoutAccounts)
      .where(eq(payoutAccounts.advisorId, AMIRA));
    expect(accounts).toHaveLength(1);
    expect(accounts[0]!.transfersCapability).not.toBe("active");
  });

  it("answers 503 and stores nothing when Stripe doesn't answer", async () => {
    const down = {
      ...testProviders,
      payments: {
        ...testProviders.payments,
        createExpressAccount: () =>
          Promise.reject(new ProviderUnavailableError("connect ETIMEDOUT")),
      },
    };
    const user = await getUserWithRoles(t.db, { id: "demo|advisor-lucas" });
    await insertAdvisor(t.db, { userId: "demo|advisor-lucas", displayName: "Lucas Martin" });
    const lucas = createCaller(
      createContextInner({
        db: t.db,
        user,
        requestId: "req-onboarding-down",
        providers: down,
        now: () => NOW,
      }),
    );
    await expect(lucas.payouts.createOnboardingLink()).rejects.toMatchObject({
      code: "SERVICE_UNAVAILABLE",
      appCode: "PAYMENT_PROVIDER_UNAVAILABLE",
    });
    expect(
      await t.db
        .select()
        .from(payoutAccounts)
        .where(eq(payoutAccounts.advisorId, "demo|advisor-lucas")),
    ).toEqual([]);
  });

  it("validates the schedule and returns the next run in the advisor's zone", async () => {
    const amira = await callerFor(t.db, AMIRA, { now: NOW });
    await expect(
      amira.payouts.updateSchedule({ cadence: "weekly", weekday: 8 }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      amira.payouts.updateSchedule({ cadence: "biweekly", anchorDate: "2026-02-30" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      amira.payouts.updateSchedule({ cadence: "monthly", runAt: "25:00" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const friday = await amira.payouts.updateSchedule({ cadence: "weekly", weekday: 5 });
    // Tuesday 2026-11-24 → Friday 2026-11-27, 09:00 UTC.
    expect(friday.nextPayoutAt).toEqual(new Date("2026-11-27T09:00:00.000Z"));
  });

  it("changing the schedule recomputes next_payout_at in the same step and audits it", async () => {
    const amira = await callerFor(t.db, AMIRA, { now: NOW });
    // A monthly advisor whose stored next run is the 1st of next month.
    const monthly = await amira.payouts.updateSchedule({ cadence: "monthly", dayOfMonth: 1 });
    expect(monthly.nextPayoutAt).toEqual(new Date("2026-12-01T09:00:00.000Z"));
    const stored = async () => {
      const [row] = await t.db
        .select({ next: advisors.nextPayoutAt, cadence: advisors.payoutCadence })
        .from(advisors)
        .where(eq(advisors.userId, AMIRA));
      return row!;
    };
    const scheduleAudits = () =>
      t.db
        .select({ before: auditLog.before, after: auditLog.after, actorId: auditLog.actorId })
        .from(auditLog)
        .where(
          and(
            eq(auditLog.action, "advisor.payout_schedule_changed"),
            eq(auditLog.subjectId, AMIRA),
          ),
        )
        .orderBy(auditLog.id);
    const audits = (await scheduleAudits()).length;

    await amira.payouts.updateSchedule({ cadence: "weekly", weekday: 5 });
    // The planner reads the stored run: it must be the new cadence's, not December's.
    expect(await stored()).toEqual({
      next: new Date("2026-11-27T09:00:00.000Z"),
      cadence: "weekly",
    });
    const rows = await scheduleAudits();
    expect(rows).toHaveLength(audits + 1);
    expect(rows.at(-1)).toEqual({
      actorId: AMIRA,
      before: {
        payoutCadence: "monthly",
        payoutWeekday: 1,
        nextPayoutAt: "2026-12-01T09:00:00.000Z",
      },
      after: {
        payoutCadence: "weekly",
        payoutWeekday: 5,
        nextPayoutAt: "2026-11-27T09:00:00.000Z",
      },
    });

    // Saving the same schedule again changes and records nothing.
    await amira.payouts.updateSchedule({ cadence: "weekly", weekday: 5 });
    expect((await scheduleAudits()).length).toBe(audits + 1);
    // The cadence has one procedure: the portal's old shortcut is gone.
    expect("setPayoutCadence" in amira.advisors).toBe(false);
  });

  it("moving to another time zone moves the stored next run with it (audited)", async () => {
    const amira = await callerFor(t.db, AMIRA, { now: NOW });
    await amira.payouts.updateSchedule({ cadence: "weekly", weekday: 5, runAt: "09:00" });
    await amira.advisors.updateProfile({ timeZone: "Asia/Dubai" });
    const [row] = await t.db
      .select({ next: advisors.nextPayoutAt })
      .from(advisors)
      .where(eq(advisors.userId, AMIRA));
    // Friday 09:00 in Dubai (UTC+4) is 05:00 UTC.
    expect(row!.next).toEqual(new Date("2026-11-27T05:00:00.000Z"));
    const [audit] = await t.db
      .select({ before: auditLog.before, after: auditLog.after })
      .from(auditLog)
      .where(and(eq(auditLog.action, "advisor.profile_updated"), eq(auditLog.subjectId, AMIRA)))
      .orderBy(desc(auditLog.id))
      .limit(1);
    expect(audit).toMatchObject({
      before: { timeZone: "UTC", nextPayoutAt: "2026-11-27T09:00:00.000Z" },
      after: { timeZone: "Asia/Dubai", nextPayoutAt: "2026-11-27T05:00:00.000Z" },
    });
    await amira.advisors.updateProfile({ timeZone: "UTC" });
  });

  it("endHoldWindow is refused outside development", async () => {
    await expect(
      (await admin()).sandbox.endHoldWindow({ consultationId: advisor.consultationId }),
    ).rejects.toMatchObject({ code: "FORBIDDEN", appCode: "DEV_ONLY" });
  });
});
