import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isBalanced, ledger } from "./index";
import {
  type ComplimentaryGrant,
  combineEntitlements,
  DEFAULT_FREE_ENTITLEMENTS,
  type Entitlements,
  entitlementsFor,
  isLiveSubscriptionStatus,
  NO_ENTITLEMENTS,
  PLAN_KEY_PATTERN,
  planChangeKind,
  planTextFor,
  SUBSCRIPTION_STATUSES,
  type SubscriptionStanding,
  subscriptionAccess,
} from "./subscriptions";

const NOW = new Date("2026-12-02T12:00:00.000Z");
const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(NOW.getTime() - n * DAY);
const TEAM: Entitlements = { inviteAdvisors: true, maxAdvisorsPerProject: 3, buyPasses: true };
const PRO: Entitlements = { inviteAdvisors: true, maxAdvisorsPerProject: 10, buyPasses: false };

const sub = (over: Partial<SubscriptionStanding>): SubscriptionStanding => ({
  status: "active",
  entitlements: TEAM,
  pastDueSince: null,
  ...over,
});

describe("subscriptionAccess", () => {
  it.each([
    ["active", {}, true, "active"],
    ["trialing", { status: "trialing" }, true, "trialing"],
    [
      "past due for 2 days",
      { status: "past_due", pastDueSince: daysAgo(2) },
      true,
      "past_due_grace",
    ],
    [
      "past due for 7 days",
      { status: "past_due", pastDueSince: daysAgo(7) },
      false,
      "past_due_expired",
    ],
    ["past due, start unknown", { status: "past_due", pastDueSince: null }, true, "past_due_grace"],
    ["active, price not allowlisted", { entitlements: null }, false, "not_allowlisted"],
    [
      "trialing, price not allowlisted",
      { status: "trialing", entitlements: null },
      false,
      "not_allowlisted",
    ],
    [
      "past due, price not allowlisted",
      { status: "past_due", entitlements: null },
      false,
      "not_allowlisted",
    ],
    ["a duplicate", { duplicate: true }, false, "duplicate"],
    ["canceled", { status: "canceled" }, false, "inactive"],
    ["unpaid", { status: "unpaid" }, false, "inactive"],
    ["incomplete", { status: "incomplete" }, false, "inactive"],
    ["paused", { status: "paused" }, false, "inactive"],
  ] as const)("%s", (_name, over, grants, reason) => {
    expect(subscriptionAccess(sub(over as Partial<SubscriptionStanding>), NOW)).toEqual({
      grants,
      reason,
    });
  });

  it("takes the grace period it is given", () => {
    const late = sub({ status: "past_due", pastDueSince: daysAgo(10) });
    expect(subscriptionAccess(late, NOW, 14).grants).toBe(true);
    expect(subscriptionAccess(late, NOW, 10).grants).toBe(false);
  });
});

describe("entitlementsFor", () => {
  const grant = (over: Partial<ComplimentaryGrant> = {}): ComplimentaryGrant => ({
    entitlements: PRO,
    startsAt: daysAgo(1),
    endsAt: new Date(NOW.getTime() + DAY),
    revokedAt: null,
    ...over,
  });

  it("is the free tier without anything else", () => {
    expect(
      entitlementsFor({ free: DEFAULT_FREE_ENTITLEMENTS, subscriptions: [], grants: [], now: NOW }),
    ).toEqual(DEFAULT_FREE_ENTITLEMENTS);
  });

  it("adds a subscription that grants access and ignores one that doesn't", () => {
    const free = NO_ENTITLEMENTS;
    expect(entitlementsFor({ free, subscriptions: [sub({})], grants: [], now: NOW })).toEqual(TEAM);
    expect(
      entitlementsFor({ free, subscriptions: [sub({ status: "canceled" })], grants: [], now: NOW }),
    ).toEqual(NO_ENTITLEMENTS);
    expect(
      entitlementsFor({ free, subscriptions: [sub({ entitlements: null })], grants: [], now: NOW }),
    ).toEqual(NO_ENTITLEMENTS);
  });

  it("counts a grant only between its start and end, unless revoked", () => {
    const with_ = (g: ComplimentaryGrant) =>
      entitlementsFor({ free: NO_ENTITLEMENTS, subscriptions: [], grants: [g], now: NOW });
    expect(with_(grant())).toEqual(PRO);
    expect(with_(grant({ endsAt: NOW }))).toEqual(NO_ENTITLEMENTS);
    expect(with_(grant({ startsAt: new Date(NOW.getTime() + 1) }))).toEqual(NO_ENTITLEMENTS);
    expect(with_(grant({ revokedAt: daysAgo(0.5) }))).toEqual(NO_ENTITLEMENTS);
  });

  it("is the most generous of everything held", () => {
    expect(
      entitlementsFor({
        free: DEFAULT_FREE_ENTITLEMENTS,
        subscriptions: [sub({})],
        grants: [grant()],
        now: NOW,
      }),
    ).toEqual({ inviteAdvisors: true, maxAdvisorsPerProject: 10, buyPasses: true });
  });
});

describe("combineEntitlements", () => {
  const entitlements = fc.record({
    inviteAdvisors: fc.boolean(),
    maxAdvisorsPerProject: fc.integer({ min: 0, max: 100 }),
    buyPasses: fc.boolean(),
  });

  it("never grants less than any part, and is order-independent", () => {
    fc.assert(
      fc.property(fc.array(entitlements, { maxLength: 6 }), (all) => {
        const combined = combineEntitlements(all);
        for (const e of all) {
          if (e.inviteAdvisors) {
            expect(combined.inviteAdvisors).toBe(true);
            expect(combined.maxAdvisorsPerProject).toBeGreaterThanOrEqual(e.maxAdvisorsPerProject);
          }
          if (e.buyPasses) expect(combined.buyPasses).toBe(true);
        }
        expect(combineEntitlements([...all].reverse())).toEqual(combined);
      }),
    );
  });

  it("doesn't let a limit count where invitations aren't allowed", () => {
    expect(
      combineEntitlements([{ inviteAdvisors: false, maxAdvisorsPerProject: 9, buyPasses: false }]),
    ).toEqual(NO_ENTITLEMENTS);
  });
});

describe("vocabulary", () => {
  it("knows which statuses are live", () => {
    const live = SUBSCRIPTION_STATUSES.filter(isLiveSubscriptionStatus);
    expect(live).toEqual(["incomplete", "trialing", "active", "past_due", "unpaid", "paused"]);
  });

  it.each([
    ["pro", true],
    ["team-2", true],
    ["a", false],
    ["Pro", false],
    ["2pro", false],
    ["pro_plan", false],
    ["x".repeat(41), false],
  ])("plan key %s valid: %s", (key, valid) => {
    expect(PLAN_KEY_PATTERN.test(key)).toBe(valid);
  });
});

describe("planTextFor", () => {
  const texts = {
    en: { name: "Team", description: "For teams" },
    fr: { name: "Équipe", description: "Pour les équipes" },
  };
  it.each([
    ["fr-MA", "Équipe"],
    ["fr", "Équipe"],
    ["de", "Team"],
  ])("%s → %s", (locale, name) => {
    expect(planTextFor(texts, locale).name).toBe(name);
  });
  it("falls back to any text, then a placeholder", () => {
    expect(planTextFor({ de: { name: "Profi", description: "" } }, "es").name).toBe("Profi");
    expect(planTextFor({}, "es").name).toBe("?");
  });
});

describe("planChangeKind", () => {
  it.each([
    [{ amount: 1900, interval: "month" }, { amount: 4900, interval: "month" }, "upgrade"],
    [{ amount: 4900, interval: "month" }, { amount: 1900, interval: "month" }, "downgrade"],
    [{ amount: 1900, interval: "month" }, { amount: 1900, interval: "month" }, "same"],
    // 190.00 a year is less per day than 19.00 a month: a downgrade.
    [{ amount: 1900, interval: "month" }, { amount: 19000, interval: "year" }, "downgrade"],
    [{ amount: 1900, interval: "month" }, { amount: 23400, interval: "year" }, "upgrade"],
    // Same per-day price, longer interval: treated as an upgrade (more paid now).
    [{ amount: 3000, interval: "month" }, { amount: 36500, interval: "year" }, "upgrade"],
    [{ amount: 36500, interval: "year" }, { amount: 3000, interval: "month" }, "downgrade"],
  ] as const)("%o → %o is %s", (from, to, kind) => {
    expect(planChangeKind(from, to)).toBe(kind);
  });
});

describe("subscription ledger entries", () => {
  const usd = (amount: number) => ({ amount, currency: "USD" as const });
  it("books a paid invoice, its fee and a reversal, each balanced", () => {
    const paid = ledger.subscriptionPayment({ amount: usd(1900) });
    const fee = ledger.subscriptionProcessingFee({ fee: usd(85) });
    const back = ledger.subscriptionReversal({ amount: usd(500) });
    for (const entry of [paid, fee, back]) {
      expect(entry.ok).toBe(true);
      if (entry.ok) expect(isBalanced(entry.value)).toBe(true);
    }
    if (paid.ok) {
      expect(paid.value.lines).toEqual([
        { account: "stripe_balance", amount: usd(1900) },
        { account: "subscription_revenue", amount: usd(-1900) },
      ]);
      expect(paid.value.consultationId).toBeNull();
    }
  });
  it("refuses a fractional amount", () => {
    expect(ledger.subscriptionPayment({ amount: usd(19.5) }).ok).toBe(false);
  });
});
