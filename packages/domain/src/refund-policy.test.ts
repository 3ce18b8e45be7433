import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { moneyOf } from "./money";
import {
  computeRefund,
  DEFAULT_REFUND_POLICY,
  type PaidSplit,
  type RefundPolicy,
  type RefundRequest,
  splitRefund,
  tierRefundBps,
  validatePaidSplit,
  validateRefundPolicy,
} from "./refund-policy";

const usd = (n: number) => moneyOf(n, "USD");
const split = (price: number, fee: number): PaidSplit => ({
  price: usd(price),
  platformFee: usd(fee),
  advisorShare: usd(price - fee),
});
const START = new Date("2026-03-10T15:00:00Z");
const hoursBefore = (h: number) => new Date(START.getTime() - h * 3_600_000);
const cancel = (by: "client" | "advisor" | "admin", h: number): RefundRequest => ({
  kind: "cancellation",
  by,
  startsAt: START,
  cancelledAt: hoursBefore(h),
});

describe("validateRefundPolicy", () => {
  it("accepts the default policy", () => {
    expect(validateRefundPolicy(DEFAULT_REFUND_POLICY).ok).toBe(true);
  });

  it.each<[string, RefundPolicy, string]>([
    [
      "a blank version",
      { version: " ", tiers: [{ minHoursBefore: 0, refundBps: 0 }] },
      "MISSING_VERSION",
    ],
    ["no tiers", { version: "v", tiers: [] }, "NO_TIERS"],
    [
      "negative hours",
      { version: "v", tiers: [{ minHoursBefore: -1, refundBps: 0 }] },
      "INVALID_TIER_HOURS",
    ],
    [
      "NaN hours",
      { version: "v", tiers: [{ minHoursBefore: Number.NaN, refundBps: 0 }] },
      "INVALID_TIER_HOURS",
    ],
    [
      "bps above 100 %",
      { version: "v", tiers: [{ minHoursBefore: 0, refundBps: 10_001 }] },
      "INVALID_TIER_BPS",
    ],
    [
      "fractional bps",
      { version: "v", tiers: [{ minHoursBefore: 0, refundBps: 50.5 }] },
      "INVALID_TIER_BPS",
    ],
    [
      "negative bps",
      { version: "v", tiers: [{ minHoursBefore: 0, refundBps: -1 }] },
      "INVALID_TIER_BPS",
    ],
    [
      "ascending tiers",
      {
        version: "v",
        tiers: [
          { minHoursBefore: 2, refundBps: 0 },
          { minHoursBefore: 24, refundBps: 0 },
        ],
      },
      "TIERS_NOT_SORTED",
    ],
    [
      "duplicate thresholds",
      {
        version: "v",
        tiers: [
          { minHoursBefore: 2, refundBps: 100 },
          { minHoursBefore: 2, refundBps: 0 },
        ],
      },
      "TIERS_NOT_SORTED",
    ],
    [
      "a refund that grows when cancelling later",
      {
        version: "v",
        tiers: [
          { minHoursBefore: 24, refundBps: 5_000 },
          { minHoursBefore: 0, refundBps: 10_000 },
        ],
      },
      "REFUND_GROWS_LATER",
    ],
    [
      "no 0 h tier",
      { version: "v", tiers: [{ minHoursBefore: 24, refundBps: 10_000 }] },
      "NO_ZERO_HOUR_TIER",
    ],
  ])("refuses %s", (_name, policy, code) => {
    const result = validateRefundPolicy(policy);
    expect(result.ok ? null : result.error.code).toBe(code);
  });
});

describe("validatePaidSplit", () => {
  it.each<[string, PaidSplit, string]>([
    [
      "mixed currencies",
      { price: usd(100), platformFee: moneyOf(20, "EUR"), advisorShare: usd(80) },
      "CURRENCY_MISMATCH",
    ],
    [
      "parts that don't add up",
      { price: usd(100), platformFee: usd(20), advisorShare: usd(70) },
      "INVALID_SPLIT",
    ],
    [
      "a negative part",
      { price: usd(100), platformFee: usd(-20), advisorShare: usd(120) },
      "INVALID_SPLIT",
    ],
    [
      "a fractional part",
      {
        price: { amount: 100.5, currency: "USD" },
        platformFee: usd(20),
        advisorShare: { amount: 80.5, currency: "USD" },
      },
      "INVALID_SPLIT",
    ],
  ])("refuses %s", (_name, s, code) => {
    const result = validatePaidSplit(s);
    expect(result.ok ? null : result.error.code).toBe(code);
  });
});

describe("computeRefund", () => {
  it.each<[string, RefundRequest, number, string]>([
    ["client, 48 h before → 100 %", cancel("client", 48), 10_000, "tier"],
    ["client, exactly 24 h before → 100 %", cancel("client", 24), 10_000, "tier"],
    ["client, 23 h before → 50 %", cancel("client", 23), 5_000, "tier"],
    ["client, exactly 2 h before → 50 %", cancel("client", 2), 5_000, "tier"],
    ["client, 1 h 59 before → 0 %", cancel("client", 1 + 59 / 60), 0, "tier"],
    ["client, a minute before → 0 %", cancel("client", 1 / 60), 0, "tier"],
    [
      "advisor, a minute before → 100 %",
      cancel("advisor", 1 / 60),
      10_000,
      "advisor_or_admin_cancelled",
    ],
    ["admin, after the start → 100 %", cancel("admin", -1), 10_000, "advisor_or_admin_cancelled"],
    ["client no-show → nothing", { kind: "no_show", absent: "client" }, 0, "client_no_show"],
    [
      "advisor no-show → everything",
      { kind: "no_show", absent: "advisor" },
      10_000,
      "advisor_no_show",
    ],
  ])("%s", (_name, request, bps, rule) => {
    const result = computeRefund(split(10_000, 2_000), DEFAULT_REFUND_POLICY, request);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.refundBps).toBe(bps);
    expect(result.value.rule).toBe(rule);
    expect(result.value.refund.amount).toBe(bps);
    expect(result.value.policyVersion).toBe(DEFAULT_REFUND_POLICY.version);
  });

  it("takes a 50 % refund proportionally from advisor share and platform fee", () => {
    const result = computeRefund(split(10_001, 2_001), DEFAULT_REFUND_POLICY, cancel("client", 5));
    expect(result.ok && result.value).toMatchObject({
      refund: usd(5_001), // 5,000.5 rounds half-up, in the client's favour
      refundFromAdvisorShare: usd(4_000),
      refundFromPlatformFee: usd(1_001),
      advisorShareKept: usd(4_000),
      platformFeeKept: usd(1_000),
    });
  });

  it("refunds an admin-chosen amount exactly", () => {
    const result = computeRefund(split(10_000, 2_000), DEFAULT_REFUND_POLICY, {
      kind: "admin_override",
      amount: usd(2_500),
    });
    expect(result.ok && result.value).toMatchObject({
      refund: usd(2_500),
      refundBps: null,
      rule: "admin_override",
    });
  });

  it.each<[string, PaidSplit, RefundPolicy, RefundRequest, string]>([
    [
      "a client cancelling at the start",
      split(100, 20),
      DEFAULT_REFUND_POLICY,
      cancel("client", 0),
      "CANCELLED_AFTER_START",
    ],
    [
      "an invalid date",
      split(100, 20),
      DEFAULT_REFUND_POLICY,
      { kind: "cancellation", by: "client", startsAt: new Date(Number.NaN), cancelledAt: START },
      "INVALID_TIME",
    ],
    [
      "an override above what is refundable",
      split(100, 20),
      DEFAULT_REFUND_POLICY,
      { kind: "admin_override", amount: usd(101) },
      "REFUND_EXCEEDS_REFUNDABLE",
    ],
    [
      "a negative override",
      split(100, 20),
      DEFAULT_REFUND_POLICY,
      { kind: "admin_override", amount: usd(-1) },
      "INVALID_AMOUNT",
    ],
    [
      "an override in another currency",
      split(100, 20),
      DEFAULT_REFUND_POLICY,
      { kind: "admin_override", amount: moneyOf(1, "EUR") },
      "CURRENCY_MISMATCH",
    ],
    [
      "an invalid policy",
      split(100, 20),
      { version: "v", tiers: [] },
      cancel("client", 48),
      "NO_TIERS",
    ],
    [
      "an inconsistent split",
      { price: usd(100), platformFee: usd(1), advisorShare: usd(1) },
      DEFAULT_REFUND_POLICY,
      cancel("client", 48),
      "INVALID_SPLIT",
    ],
  ])("refuses %s", (_name, s, policy, request, code) => {
    const result = computeRefund(s, policy, request);
    expect(result.ok ? null : result.error.code).toBe(code);
  });

  it("tierRefundBps falls back to 0 below every threshold", () => {
    expect(tierRefundBps({ version: "v", tiers: [{ minHoursBefore: 5, refundBps: 100 }] }, 1)).toBe(
      0,
    );
  });

  it("splitRefund refuses an invalid split", () => {
    expect(
      splitRefund({ price: usd(1), platformFee: usd(1), advisorShare: usd(1) }, usd(0)).ok,
    ).toBe(false);
  });
});

const splitArb = fc
  .tuple(fc.integer({ min: 0, max: 1_000_000_000 }), fc.integer({ min: 0, max: 10_000 }))
  .map(([price, feeBps]) => split(price, Math.floor((price * feeBps) / 10_000)));

const policyArb: fc.Arbitrary<RefundPolicy> = fc
  .uniqueArray(fc.double({ min: 0.01, max: 1_000, noNaN: true }), { maxLength: 5 })
  .chain((hours) =>
    fc
      .array(fc.integer({ min: 0, max: 10_000 }), {
        minLength: hours.length + 1,
        maxLength: hours.length + 1,
      })
      .map((bps) => ({
        version: "p",
        tiers: [...[...hours].sort((a, b) => b - a), 0].map((h, i) => ({
          minHoursBefore: h,
          refundBps: [...bps].sort((a, b) => b - a)[i] ?? 0,
        })),
      })),
  );

const requestArb = (s: PaidSplit): fc.Arbitrary<RefundRequest> =>
  fc.oneof(
    fc
      .tuple(
        fc.constantFrom("client" as const, "advisor" as const, "admin" as const),
        fc.double({ min: 0.001, max: 2_000, noNaN: true }),
      )
      .map(([by, h]) => cancel(by, h)),
    fc
      .constantFrom("client" as const, "advisor" as const)
      .map((absent): RefundRequest => ({ kind: "no_show", absent })),
    fc
      .integer({ min: 0, max: s.price.amount })
      .map((n): RefundRequest => ({ kind: "admin_override", amount: usd(n) })),
  );

describe("computeRefund properties", () => {
  it("refund + advisor share kept + platform fee kept = what was paid, each part within its share", () => {
    fc.assert(
      fc.property(
        splitArb.chain((s) => fc.tuple(fc.constant(s), policyArb, requestArb(s))),
        ([s, policy, request]) => {
          expect(validateRefundPolicy(policy).ok).toBe(true);
          const result = computeRefund(s, policy, request);
          expect(result.ok).toBe(true);
          if (!result.ok) return;
          const o = result.value;
          expect(o.refund.amount + o.advisorShareKept.amount + o.platformFeeKept.amount).toBe(
            s.price.amount,
          );
          expect(o.refundFromAdvisorShare.amount + o.advisorShareKept.amount).toBe(
            s.advisorShare.amount,
          );
          expect(o.refundFromPlatformFee.amount + o.platformFeeKept.amount).toBe(
            s.platformFee.amount,
          );
          for (const m of [
            o.refundFromAdvisorShare,
            o.refundFromPlatformFee,
            o.advisorShareKept,
            o.platformFeeKept,
          ]) {
            expect(Number.isSafeInteger(m.amount) && m.amount >= 0).toBe(true);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("a client never gets more back by cancelling later", () => {
    fc.assert(
      fc.property(
        splitArb,
        policyArb,
        fc.double({ min: 0.001, max: 2_000, noNaN: true }),
        fc.double({ min: 0.001, max: 2_000, noNaN: true }),
        (s, policy, a, b) => {
          const [early, late] = a >= b ? [a, b] : [b, a];
          const e = computeRefund(s, policy, cancel("client", early));
          const l = computeRefund(s, policy, cancel("client", late));
          expect(e.ok && l.ok && e.value.refund.amount >= l.value.refund.amount).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
