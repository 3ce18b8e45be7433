import {
  type AsyncPassRules,
  asyncPassRulesOf,
  type CommissionTerms,
  commissionOverrideTermsOf,
  commissionTermsOf,
  type CurrencyCode,
  offeredCurrencies,
  type PricingRules,
  pricingRulesOf,
  type RefundPolicy,
  refundPolicyOf,
  ruleVersionLabel,
} from "@an/domain";
import type { Executor } from "../client";
import { getLiveCommissionOverride } from "./commission-overrides";
import { getPlatformRulesInForce } from "./platform-rules";

/**
 * The money rules a booking or a pass is priced under, as the operator set them (or the
 * code defaults, version 0). The quote records the version labels, and the intent or
 * consultation freezes the refund policy and hold window, so a later version never
 * reprices what was quoted.
 */
export type MoneyRulesInForce = {
  pricing: PricingRules;
  asyncPass: AsyncPassRules;
  commission: CommissionTerms;
  /** The advisor's own commission while an override is live (null: the platform's applies). */
  commissionOverride: CommissionTerms | null;
  refundPolicy: RefundPolicy;
  holdWindowHours: number;
  /** The currencies advisors may price in: the ones the pricing rules list. */
  offeredCurrencies: CurrencyCode[];
  /** The version label of each kind used, e.g. `{ pricing: "pricing-v3", payouts: "payouts-default" }`. */
  versions: { pricing: string; commission: string; refundPolicy: string; payouts: string };
};

/** The pricing rules in force (consultations and passes) and the currencies they offer. */
export async function getPricingRulesInForce(ex: Executor) {
  const pricing = await getPlatformRulesInForce(ex, { kind: "pricing" });
  return {
    pricing: pricingRulesOf(pricing.rules, pricing.version),
    asyncPass: asyncPassRulesOf(pricing.rules, pricing.version),
    offeredCurrencies: offeredCurrencies(pricing.rules),
  };
}

/**
 * Everything that prices a booking or a pass now; with `advisorId`, that advisor's live
 * commission override too (checked at `now`).
 */
export async function getMoneyRulesInForce(
  ex: Executor,
  params: { advisorId?: string | null; now: Date },
): Promise<MoneyRulesInForce> {
  // One after another: in a transaction the queries share one connection anyway.
  const pricing = await getPlatformRulesInForce(ex, { kind: "pricing" });
  const commission = await getPlatformRulesInForce(ex, { kind: "commission" });
  const refund = await getPlatformRulesInForce(ex, { kind: "refund_policy" });
  const payouts = await getPlatformRulesInForce(ex, { kind: "payouts" });
  const override = params.advisorId
    ? await getLiveCommissionOverride(ex, { advisorId: params.advisorId, now: params.now })
    : null;
  return {
    pricing: pricingRulesOf(pricing.rules, pricing.version),
    asyncPass: asyncPassRulesOf(pricing.rules, pricing.version),
    commission: commissionTermsOf(commission.rules, commission.version),
    commissionOverride: override ? commissionOverrideTermsOf(override.terms, override.id) : null,
    refundPolicy: refundPolicyOf(refund.rules, refund.version),
    holdWindowHours: payouts.rules.holdWindowHours,
    offeredCurrencies: offeredCurrencies(pricing.rules),
    versions: {
      pricing: ruleVersionLabel("pricing", pricing.version),
      commission: ruleVersionLabel("commission", commission.version),
      refundPolicy: ruleVersionLabel("refund_policy", refund.version),
      payouts: ruleVersionLabel("payouts", payouts.version),
    },
  };
}
