import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { quoteAsyncPass } from "./async-pass";
import {
  accounts,
  balanceOf,
  clawback,
  isBalanced,
  type JournalEntry,
  paymentCaptured,
  payoutReserved,
  processingFee,
  refund as refundEntry,
  release,
  transfer,
} from "./ledger";
import { BPS_DENOMINATOR, CURRENCY_CODES, type CurrencyCode, type Money, mulDiv } from "./money";
import { planPayout } from "./payout-plan";
import { quoteConsultation } from "./quote";
import { computeRefund, type PaidSplit, type RefundRequest, splitRefund } from "./refund-policy";
import type { Result } from "./result";
import {
  asyncPassRulesOf,
  commissionTermsOf,
  MAX_CONSULTATION_MINUTES,
  MAX_PASS_DAYS,
  minimumPayoutFor,
  pricingRulesOf,
  refundPolicyOf,
  ruleVersionLabel,
  validateCommissionRuleSet,
  validatePayoutRuleSet,
  validatePricingRuleSet,
  validateRefundPolicyRuleSet,
} from "./rule-sets";

/**
 * For any currency the platform can hold and any rule version an operator can save (rules
 * generated raw and passed through the same validators `setPlatformRules` uses), quote →
 * fee split → refund → payout never creates or loses a minor unit, and every ledger entry
 * built for it balances in its currency.
 */

const valueOf = <T>(r: Result<T, unknown>): T => {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error)}`);
  return r.value;
};

// Amounts from one minor unit to the rules' ceiling, biased small so all sizes turn up.
const amount = (max = 1_000_000_000_000) =>
  fc.oneof(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max }));
const range = (max?: number) =>
  fc.tuple(amount(max), amount(max)).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);

const currencyRules = fc.record({
  hourly: range(),
  lengths: fc.uniqueArray(fc.integer({ min: 5, max: MAX_CONSULTATION_MINUTES }), {
    minLength: 1,
    maxLength: 6,
  }),
  // A day rate times the longest pass stays a safe integer.
  day: range(10_000_000_000),
  maxPassDays: fc.integer({ min: 1, max: MAX_PASS_DAYS }),
});

const optionalAmount = fc.option(fc.integer({ min: 0, max: 1_000_000 }), { nil: undefined });

/** One rule version of each money kind for `currency`, validated as an admin would save it. */
const ruleVersion = (currency: CurrencyCode) =>
  fc
    .record({
      version: fc.nat(1_000),
      pricing: currencyRules,
      bps: fc.integer({ min: 0, max: BPS_DENOMINATOR }),
      fixed: optionalAmount,
      minFee: optionalAmount,
      maxFee: optionalAmount,
      tiers: fc.uniqueArray(fc.integer({ min: 1, max: 8_760 }), { maxLength: 5 }),
      tierBps: fc.array(fc.integer({ min: 0, max: BPS_DENOMINATOR }), {
        minLength: 6,
        maxLength: 6,
      }),
      holdWindowHours: fc.integer({ min: 0, max: 720 }),
      minimumPayout: optionalAmount,
    })
    .map((g) => {
      const [minFee, maxFee] =
        g.minFee !== undefined && g.maxFee !== undefined && g.minFee > g.maxFee
          ? [g.maxFee, g.minFee]
          : [g.minFee, g.maxFee];
      const only = (v: number | undefined) => (v === undefined ? {} : { [currency]: v });
      const hours = [...g.tiers.sort((a, b) => b - a), 0];
      const bps = g.tierBps.slice(0, hours.length).sort((a, b) => b - a);
      const pricing = valueOf(
        validatePricingRuleSet({
          currencies: {
            [currency]: {
              minHourlyRate: g.pricing.hourly[0],
              maxHourlyRate: g.pricing.hourly[1],
              allowedLengths: g.pricing.lengths.sort((a, b) => a - b),
              minPassDayRate: g.pricing.day[0],
              maxPassDayRate: g.pricing.day[1],
              maxPassDays: g.pricing.maxPassDays,
            },
          },
        }),
      );
      const commission = valueOf(
        validateCommissionRuleSet({
          bps: g.bps,
          fixed: only(g.fixed),
          minFee: only(minFee),
          maxFee: only(maxFee),
        }),
      );
      const refundPolicy = valueOf(
        validateRefundPolicyRuleSet({
          tiers: hours.map((h, i) => ({ minHoursBefore: h, refundBps: bps[i]! })),
        }),
      );
      const payouts = valueOf(
        validatePayoutRuleSet({
          holdWindowHours: g.holdWindowHours,
          minimumPayout: only(g.minimumPayout),
        }),
      );
      return { version: g.version, pricing, commission, refundPolicy, payouts };
    });

const scenario = fc
  .constantFrom(...CURRENCY_CODES)
  .chain((currency) => fc.record({ currency: fc.constant(currency), rules: ruleVersion(currency) }))
  .chain(({ currency, rules }) => {
    const c = rules.pricing.currencies[currency]!;
    return fc.record({
      currency: fc.constant(currency),
      rules: fc.constant(rules),
      rate: fc.integer({ min: c.minHourlyRate, max: c.maxHourlyRate }),
      length: fc.constantFrom(...c.allowedLengths),
      dayRate: fc.integer({ min: c.minPassDayRate, max: c.maxPassDayRate }),
      days: fc.integer({ min: 1, max: c.maxPassDays }),
      hoursBefore: fc.double({ min: 0.001, max: 10_000, noNaN: true }),
      // When, within the pass's window, the client cancels it (a share of the window).
      passCancelAt: fc.double({ min: 0, max: 0.999, noNaN: true }),
      advisorReplied: fc.boolean(),
      request: fc.constantFrom("client", "advisor", "client_no_show", "advisor_no_show"),
      // A second, partial refund: a share of what is left, in basis points.
      laterBps: fc.integer({ min: 0, max: BPS_DENOMINATOR }),
      receivable: fc.integer({ min: 0, max: 1_000_000 }),
    });
  });

const T0 = new Date("2030-01-01T12:00:00Z");
const HOUR = 3_600_000;

function requestFor(kind: string, hoursBefore: number): RefundRequest {
  const startsAt = new Date(T0.getTime() + 1_000 * HOUR);
  const cancelledAt = new Date(startsAt.getTime() - hoursBefore * HOUR);
  if (kind === "client_no_show") return { kind: "no_show", absent: "client" };
  if (kind === "advisor_no_show") return { kind: "no_show", absent: "advisor" };
  return { kind: "cancellation", by: kind as "client" | "advisor", startsAt, cancelledAt };
}

function expectSplit(split: PaidSplit) {
  expect(split.platformFee.amount).toBeGreaterThanOrEqual(0);
  expect(split.advisorShare.amount).toBeGreaterThanOrEqual(0);
  expect(split.platformFee.amount + split.advisorShare.amount).toBe(split.price.amount);
  expect(
    new Set([split.price, split.platformFee, split.advisorShare].map((m) => m.currency)).size,
  ).toBe(1);
}

function expectBalanced(entries: readonly JournalEntry[], currency: CurrencyCode) {
  for (const e of entries) {
    expect(isBalanced(e)).toBe(true);
    for (const line of e.lines) expect(line.amount.currency).toBe(currency);
  }
}

describe("money is conserved in every currency under any rule version", () => {
  it("quote, fee split, refund and payout to the minor unit, with balanced ledger entries", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { currency, rules } = s;
        const m = (n: number): Money => ({ amount: n, currency });
        const pricing = pricingRulesOf(rules.pricing, rules.version);
        const commission = commissionTermsOf(rules.commission, rules.version);
        const policy = refundPolicyOf(rules.refundPolicy, rules.version);

        // Quote: the price is rate × minutes / 60 rounded half up; fee + share = price.
        const quote = valueOf(
          quoteConsultation({
            hourlyRate: m(s.rate),
            durationMinutes: s.length,
            pricing,
            commission,
          }),
        );
        expect(quote.price).toEqual(m(mulDiv(s.rate, s.length, 60, "half_up")));
        expectSplit(quote);
        const minFee = rules.commission.minFee[currency];
        const maxFee = rules.commission.maxFee[currency];
        if (maxFee !== undefined) expect(quote.platformFee.amount).toBeLessThanOrEqual(maxFee);
        if (minFee !== undefined && quote.price.amount >= minFee) {
          expect(quote.platformFee.amount).toBeGreaterThanOrEqual(minFee);
        }
        expect(quote.rules).toEqual({
          pricing: ruleVersionLabel("pricing", rules.version),
          commission: ruleVersionLabel("commission", rules.version),
        });

        // A pass: day rate × days exactly, split the same way.
        const pass = valueOf(
          quoteAsyncPass({
            dayRate: m(s.dayRate),
            days: s.days,
            rules: asyncPassRulesOf(rules.pricing, rules.version),
            commission,
          }),
        );
        expect(pass.price).toEqual(m(s.dayRate * s.days));
        expectSplit(pass);
        // A pass cancelled midway: unused days back, taken from fee and share in proportion.
        const passStart = T0.getTime();
        const passEnd = passStart + s.days * 24 * HOUR;
        const passRefund = valueOf(
          computeRefund(pass, policy, {
            kind: "pass_cancellation",
            by: "client",
            advisorReplied: s.advisorReplied,
            startsAt: new Date(passStart),
            endsAt: new Date(passEnd),
            cancelledAt: new Date(passStart + Math.floor(s.passCancelAt * (passEnd - passStart))),
          }),
        );
        expect(passRefund.refund.amount).toBeLessThanOrEqual(pass.price.amount);
        expect(
          passRefund.refund.amount +
            passRefund.advisorShareKept.amount +
            passRefund.platformFeeKept.amount,
        ).toBe(pass.price.amount);
        expect(passRefund.refundFromAdvisorShare.amount + passRefund.advisorShareKept.amount).toBe(
          pass.advisorShare.amount,
        );

        // Refund under the policy, then a partial refund of what is left.
        const paid: PaidSplit = quote;
        const first = valueOf(computeRefund(paid, policy, requestFor(s.request, s.hoursBefore)));
        expect(first.refund.amount).toBeLessThanOrEqual(paid.price.amount);
        expect(first.refundFromAdvisorShare.amount + first.refundFromPlatformFee.amount).toBe(
          first.refund.amount,
        );
        expect(first.refundFromAdvisorShare.amount + first.advisorShareKept.amount).toBe(
          paid.advisorShare.amount,
        );
        expect(first.refundFromPlatformFee.amount + first.platformFeeKept.amount).toBe(
          paid.platformFee.amount,
        );
        const left: PaidSplit = {
          price: m(first.advisorShareKept.amount + first.platformFeeKept.amount),
          advisorShare: first.advisorShareKept,
          platformFee: first.platformFeeKept,
        };
        expectSplit(left);
        const second = valueOf(
          splitRefund(left, m(mulDiv(left.price.amount, s.laterBps, BPS_DENOMINATOR, "floor"))),
        );
        const refunded = first.refund.amount + second.refund.amount;
        expect(refunded).toBeLessThanOrEqual(paid.price.amount);
        const shareKept = second.advisorShareKept.amount;
        const feeKept = second.platformFeeKept.amount;
        expect(refunded + shareKept + feeKept).toBe(paid.price.amount);

        // The ledger: capture, Stripe's fee, the first refund while held, release of what
        // is left, the second refund after release.
        const id = "c1";
        const advisorId = "a1";
        const entries: JournalEntry[] = [
          valueOf(paymentCaptured({ consultationId: id, amount: paid.price })),
          valueOf(
            processingFee({
              consultationId: id,
              fee: m(mulDiv(paid.price.amount, 29, 1000, "half_up")),
            }),
          ),
          valueOf(
            refundEntry({
              consultationId: id,
              advisorId,
              fromAdvisorShare: first.refundFromAdvisorShare,
              fromPlatformFee: first.refundFromPlatformFee,
              stage: "held",
            }),
          ),
          valueOf(
            release({
              consultationId: id,
              advisorId,
              advisorShare: first.advisorShareKept,
              platformFee: first.platformFeeKept,
            }),
          ),
          valueOf(
            refundEntry({
              consultationId: id,
              advisorId,
              fromAdvisorShare: second.refundFromAdvisorShare,
              fromPlatformFee: second.refundFromPlatformFee,
              stage: "released",
            }),
          ),
        ];
        expect(balanceOf(entries, accounts.clientFundsHeld(id), currency).amount).toBe(0);
        expect(balanceOf(entries, accounts.advisorPayable(advisorId), currency).amount).toBe(
          -shareKept || 0,
        );
        expect(balanceOf(entries, accounts.platformFeeRevenue, currency).amount).toBe(
          -feeKept || 0,
        );

        // A receivable from an earlier payout, then the payout of the share kept and the pass.
        entries.push(
          valueOf(
            refundEntry({
              consultationId: "c0",
              advisorId,
              fromAdvisorShare: m(s.receivable),
              fromPlatformFee: m(0),
              stage: "paid_out",
            }),
          ),
          valueOf(paymentCaptured({ consultationId: "p1", amount: pass.price })),
          valueOf(
            release({
              consultationId: "p1",
              advisorId,
              advisorShare: pass.advisorShare,
              platformFee: pass.platformFee,
            }),
          ),
        );
        const completedAt = new Date(T0.getTime() - (rules.payouts.holdWindowHours + 1) * HOUR);
        const plan = valueOf(
          planPayout({
            earnings: [
              { id, amount: m(shareKept), completedAt },
              { id: "p1", amount: pass.advisorShare, completedAt },
            ],
            receivable: m(s.receivable),
            runAt: T0,
            holdWindowHours: rules.payouts.holdWindowHours,
            minimumPayout: m(minimumPayoutFor(rules.payouts, currency)),
          }),
        );
        const gross = shareKept + pass.advisorShare.amount;
        if (plan.outcome !== "pay") {
          expect(plan.items).toEqual([]);
          return;
        }
        expect(plan.gross.amount).toBe(gross);
        expect(plan.total.amount).toBe(plan.gross.amount - plan.netted.amount);
        expect(plan.items.reduce((t, i) => t + i.transfer.amount, 0)).toBe(plan.total.amount);
        expect(plan.items.reduce((t, i) => t + i.netted.amount, 0)).toBe(plan.netted.amount);
        expect(plan.netted.amount + plan.receivableLeft.amount).toBe(s.receivable);
        for (const item of plan.items) {
          expect(item.transfer.amount).toBeGreaterThanOrEqual(0);
          expect(item.gross.amount).toBe(item.netted.amount + item.transfer.amount);
          const consultationId = item.id;
          entries.push(
            valueOf(clawback({ consultationId, advisorId, amount: item.netted })),
            valueOf(payoutReserved({ consultationId, advisorId, amount: item.transfer })),
            valueOf(transfer({ consultationId, advisorId, amount: item.transfer })),
          );
        }
        expectBalanced(entries, currency);
        // Everything earned is paid or netted; what is still owed is the receivable left.
        expect(balanceOf(entries, accounts.advisorPayable(advisorId), currency).amount).toBe(0);
        expect(
          balanceOf(entries, accounts.advisorPayoutInTransit(advisorId), currency).amount,
        ).toBe(0);
        expect(balanceOf(entries, accounts.advisorReceivable(advisorId), currency).amount).toBe(
          plan.receivableLeft.amount,
        );
        // The Stripe balance moved by exactly what came in less what went out.
        const fee = mulDiv(paid.price.amount, 29, 1000, "half_up");
        expect(balanceOf(entries, accounts.stripeBalance, currency).amount).toBe(
          paid.price.amount + pass.price.amount - fee - refunded - s.receivable - plan.total.amount,
        );
      }),
      { numRuns: 1000 },
    );
  }, 60_000);
});
