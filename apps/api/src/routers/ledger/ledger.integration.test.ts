import { seedDemoData } from "@an/db";
import {
  insertAdvisor,
  useTestDatabase,
  ADMIN,
  AMIRA,
  bookConsultation,
  DIEGO,
  hours,
  SAM,
} from "@an/db/testing";
import { describe, expect, it } from "vitest";
import { callerFor } from "../consultations/test-fixtures";

const t = useTestDatabase(async (db) => {
  await seedDemoData(db.db);
  await insertAdvisor(db.db, {
    userId: AMIRA,
    displayName: "Amira Haddad",
    hourlyRate: 15_000,
    calcomEventType: "amira/consultation",
  });
});

const T0 = new Date("2026-11-02T09:00:00.000Z");
const at = (h: number) => new Date(T0.getTime() + hours(h));

describe("ledger", () => {
  it("balances per account add up to zero per currency; one consultation's entries show what is held", async () => {
    const kept = await bookConsultation(t.db, {
      clientId: SAM,
      advisorId: AMIRA,
      bookedAt: T0,
      startsAt: at(72),
    });
    const cancelled = await bookConsultation(t.db, {
      clientId: DIEGO,
      advisorId: AMIRA,
      bookedAt: T0,
      startsAt: at(10),
    });
    // Diego cancels 9 h ahead: half back, the rest released to the advisor and the platform.
    await (
      await callerFor(t.db, DIEGO, { now: at(1) })
    ).consultations.cancel({
      consultationId: cancelled.id,
    });

    const admin = await callerFor(t.db, ADMIN, { now: at(2) });
    const all = await admin.ledger.listBalances({});
    expect(all.balanced).toBe(true);
    expect(all.unbalancedEntryIds).toEqual([]);
    expect(all.totals).toEqual([{ currency: "USD", balance: 0 }]);
    const balance = (account: string) => all.accounts.find((a) => a.account === account)?.balance;
    // The platform holds both payments minus the half refunded.
    expect(balance("stripe_balance")).toBe(15_000 + 15_000 - 7_500);
    expect(balance(`client_funds_held:${kept.id}`)).toBe(-15_000);
    // Released: the kept half of Diego's booking, split 80/20 like the quote.
    expect(balance(`advisor_payable:${AMIRA}`)).toBe(-6_000);
    expect(balance("platform_fee_revenue")).toBe(-1_500);

    const payable = await admin.ledger.listBalances({ prefix: "advisor_payable:" });
    expect(payable.accounts).toEqual([
      { account: `advisor_payable:${AMIRA}`, currency: "USD", balance: -6_000 },
    ]);
    expect(payable.totals).toEqual([{ currency: "USD", balance: -6_000 }]);

    const forKept = await admin.ledger.listForConsultation({ consultationId: kept.id });
    expect(forKept.entries.map((e) => e.kind)).toEqual(["payment_captured"]);
    expect(forKept.held).toEqual([{ currency: "USD", amount: 15_000 }]);
    const forCancelled = await admin.ledger.listForConsultation({ consultationId: cancelled.id });
    // Refund and release are posted in one transaction, so they share a timestamp.
    expect(forCancelled.entries.map((e) => e.kind).sort()).toEqual([
      "payment_captured",
      "refund",
      "release",
    ]);
    expect(forCancelled.held).toEqual([{ currency: "USD", amount: 0 }]);
    for (const entry of forCancelled.entries) {
      expect(entry.postings.reduce((sum, p) => sum + p.amount, 0)).toBe(0);
    }
  });

  it("is for admins only", async () => {
    for (const userId of [SAM, AMIRA]) {
      await expect((await callerFor(t.db, userId)).ledger.listBalances({})).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
    }
  });
});
