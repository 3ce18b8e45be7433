import { allocate, BPS_DENOMINATOR, type CurrencyCode, type Money, mulDiv } from "./money";
import { passDaysOf, unusedPassDays } from "./async-pass";
import { err, ok, type Result } from "./result";
import type { PartyRole } from "./roles";

/**
 * What was paid for one consultation, frozen at booking: `platformFee + advisorShare =
 * price`, all non-negative, one currency. The same shape also describes what is still
 * refundable after earlier partial refunds.
 */
export type PaidSplit = {
  readonly price: Money;
  readonly platformFee: Money;
  readonly advisorShare: Money;
};

/** One step of a cancellation schedule: cancelling at least `minHoursBefore` the start refunds `refundBps`. */
export type RefundTier = {
  /** Hours before the start (finite, ≥ 0; fractions allowed). */
  readonly minHoursBefore: number;
  /** Share of what was paid that goes back to the client, 0–10,000 (10,000 = 100 %). */
  readonly refundBps: number;
};

/**
 * A versioned refund policy. Frozen onto each consultation when it is paid, so a later
 * policy change never alters a booking already made.
 *
 * Invariants (checked by {@link validateRefundPolicy}): tiers sorted by `minHoursBefore`
 * strictly descending; the last tier starts at 0 h so every cancellation before the start
 * falls in some tier; cancelling later never refunds more than cancelling earlier.
 */
export type RefundPolicy = {
  readonly version: string;
  readonly tiers: readonly RefundTier[];
};

/** 2025 default: ≥ 24 h → 100 %, 2–24 h → 50 %, < 2 h → 0 %. */
export const DEFAULT_REFUND_POLICY: RefundPolicy = {
  version: "refund-2025-01-v1",
  tiers: [
    { minHoursBefore: 24, refundBps: 10_000 },
    { minHoursBefore: 2, refundBps: 5_000 },
    { minHoursBefore: 0, refundBps: 0 },
  ],
};

export type RefundPolicyError =
  | { code: "MISSING_VERSION"; message: string }
  | { code: "NO_TIERS"; message: string }
  | { code: "INVALID_TIER_HOURS"; message: string; index: number }
  | { code: "INVALID_TIER_BPS"; message: string; index: number }
  | { code: "TIERS_NOT_SORTED"; message: string; index: number }
  | { code: "NO_ZERO_HOUR_TIER"; message: string }
  | { code: "REFUND_GROWS_LATER"; message: string; index: number };

/** Checks a policy's invariants (see {@link RefundPolicy}); returns it unchanged when valid. */
export function validateRefundPolicy(
  policy: RefundPolicy,
): Result<RefundPolicy, RefundPolicyError> {
  if (policy.version.trim() === "") {
    return err({ code: "MISSING_VERSION", message: "refund policy needs a version" });
  }
  if (policy.tiers.length === 0) {
    return err({ code: "NO_TIERS", message: `refund policy ${policy.version} has no tiers` });
  }
  for (const [index, tier] of policy.tiers.entries()) {
    if (!Number.isFinite(tier.minHoursBefore) || tier.minHoursBefore < 0) {
      return err({
        code: "INVALID_TIER_HOURS",
        message: `tier ${index}: minHoursBefore must be a finite number ≥ 0, got ${tier.minHoursBefore}`,
        index,
      });
    }
    if (
      !Number.isInteger(tier.refundBps) ||
      tier.refundBps < 0 ||
      tier.refundBps > BPS_DENOMINATOR
    ) {
      return err({
        code: "INVALID_TIER_BPS",
        message: `tier ${index}: refundBps must be a whole number in 0–${BPS_DENOMINATOR}, got ${tier.refundBps}`,
        index,
      });
    }
    const previous = policy.tiers[index - 1];
    if (previous && tier.minHoursBefore >= previous.minHoursBefore) {
      return err({
        code: "TIERS_NOT_SORTED",
        message: `tier ${index}: minHoursBefore ${tier.minHoursBefore} must be below the previous tier's ${previous.minHoursBefore} (sorted, no duplicates)`,
        index,
      });
    }
    if (previous && tier.refundBps > previous.refundBps) {
      return err({
        code: "REFUND_GROWS_LATER",
        message: `tier ${index}: cancelling later can't refund more (${tier.refundBps} bp > ${previous.refundBps} bp)`,
        index,
      });
    }
  }
  if (policy.tiers.at(-1)?.minHoursBefore !== 0) {
    return err({
      code: "NO_ZERO_HOUR_TIER",
      message: "the last tier must start at 0 hours so every cancellation is covered",
    });
  }
  return ok(policy);
}

/** Who cancelled; an advisor's "request reschedule" is not a cancellation and never refunds. */
export type Canceller = "client" | "advisor" | "admin";

/** Why money goes back (or doesn't). */
export type RefundRequest =
  | {
      readonly kind: "cancellation";
      readonly by: Canceller;
      readonly startsAt: Date;
      readonly cancelledAt: Date;
    }
  | { readonly kind: "no_show"; readonly absent: PartyRole }
  | { readonly kind: "admin_override"; readonly amount: Money }
  /** An async advice pass cancelled during its window (see `async-pass.ts` for the policy). */
  | {
      readonly kind: "pass_cancellation";
      readonly by: Canceller;
      /** The advisor had posted a reply attributed to the pass before the cancellation. */
      readonly advisorReplied: boolean;
      readonly startsAt: Date;
      readonly endsAt: Date;
      readonly cancelledAt: Date;
    }
  /** The advisor never replied within the pass's reply window: everything goes back. */
  | { readonly kind: "pass_no_reply" };

/**
 * The outcome of a refund decision. Invariants: `refund + advisorShareKept + platformFeeKept
 * = refundable.price`; `refundFromAdvisorShare + advisorShareKept = refundable.advisorShare`;
 * `refundFromPlatformFee + platformFeeKept = refundable.platformFee`; all non-negative.
 */
export type RefundOutcome = {
  readonly refund: Money;
  readonly refundFromAdvisorShare: Money;
  readonly refundFromPlatformFee: Money;
  readonly advisorShareKept: Money;
  readonly platformFeeKept: Money;
  /** The refund as a share of what was refundable, when a rule (not an amount) decided it. */
  readonly refundBps: number | null;
  readonly rule:
    | "tier"
    | "advisor_or_admin_cancelled"
    | "client_no_show"
    | "advisor_no_show"
    | "admin_override"
    | "pass_no_reply"
    | "pass_before_first_reply"
    | "pass_unused_days";
  readonly policyVersion: string;
};

export type RefundError =
  | { code: "INVALID_SPLIT"; message: string }
  | { code: "INVALID_TIME"; message: string }
  | { code: "CANCELLED_AFTER_START"; message: string }
  | { code: "CURRENCY_MISMATCH"; message: string }
  | { code: "INVALID_AMOUNT"; message: string }
  | {
      code: "REFUND_EXCEEDS_REFUNDABLE";
      message: string;
      /** The amount asked for and what was still refundable, so callers can word it. */
      requested: Money;
      refundable: Money;
    }
  | RefundPolicyError;

const HOUR_MS = 3_600_000;

/** Checks that a split is one currency, non-negative whole minor units, and adds up. */
export function validatePaidSplit(split: PaidSplit): Result<PaidSplit, RefundError> {
  const { price, platformFee, advisorShare } = split;
  const currencies = new Set([price.currency, platformFee.currency, advisorShare.currency]);
  if (currencies.size !== 1) {
    return err({
      code: "CURRENCY_MISMATCH",
      message: `paid split mixes currencies: ${[...currencies].join(", ")}`,
    });
  }
  for (const [name, m] of [
    ["price", price],
    ["platformFee", platformFee],
    ["advisorShare", advisorShare],
  ] as const) {
    if (!Number.isSafeInteger(m.amount) || m.amount < 0) {
      return err({
        code: "INVALID_SPLIT",
        message: `${name} must be a non-negative whole number of minor units, got ${m.amount}`,
      });
    }
  }
  if (platformFee.amount + advisorShare.amount !== price.amount) {
    return err({
      code: "INVALID_SPLIT",
      message: `platformFee ${platformFee.amount} + advisorShare ${advisorShare.amount} must equal price ${price.amount}`,
    });
  }
  return ok(split);
}

/** Refund percentage for cancelling `hoursBefore` the start (first tier whose threshold is met). */
export function tierRefundBps(policy: RefundPolicy, hoursBefore: number): number {
  // Validated policies end with a 0 h tier, so any hoursBefore ≥ 0 finds one.
  return policy.tiers.find((t) => hoursBefore >= t.minHoursBefore)?.refundBps ?? 0;
}

/**
 * Takes `refund` out of `refundable`, from the advisor share and the platform fee in
 * proportion to their sizes (largest-remainder `allocate`, advisor share first on a tie),
 * so neither party bears a partial refund alone and no minor unit is lost or created.
 */
export function splitRefund(
  refundable: PaidSplit,
  refund: Money,
): Result<Omit<RefundOutcome, "refundBps" | "rule" | "policyVersion">, RefundError> {
  const checked = validatePaidSplit(refundable);
  if (!checked.ok) return checked;
  const currency: CurrencyCode = refundable.price.currency;
  if (refund.currency !== currency) {
    return err({
      code: "CURRENCY_MISMATCH",
      message: `refund is in ${refund.currency} but the consultation was paid in ${currency}`,
    });
  }
  if (!Number.isSafeInteger(refund.amount) || refund.amount < 0) {
    return err({
      code: "INVALID_AMOUNT",
      message: `refund must be a non-negative whole number of minor units, got ${refund.amount}`,
    });
  }
  if (refund.amount > refundable.price.amount) {
    return err({
      code: "REFUND_EXCEEDS_REFUNDABLE",
      message: `refund ${refund.amount} exceeds the ${refundable.price.amount} still refundable`,
      requested: refund,
      refundable: refundable.price,
    });
  }
  let fromAdvisor = 0;
  let fromPlatform = 0;
  if (refund.amount > 0) {
    // refund.amount > 0 and ≤ price, so price > 0 and the ratios are not all zero.
    const parts = allocate(refund, [refundable.advisorShare.amount, refundable.platformFee.amount]);
    if (!parts.ok) return err({ code: "INVALID_AMOUNT", message: parts.error.message });
    fromAdvisor = parts.value[0]?.amount ?? 0;
    fromPlatform = parts.value[1]?.amount ?? 0;
  }
  return ok({
    refund,
    refundFromAdvisorShare: { amount: fromAdvisor, currency },
    refundFromPlatformFee: { amount: fromPlatform, currency },
    advisorShareKept: { amount: refundable.advisorShare.amount - fromAdvisor, currency },
    platformFeeKept: { amount: refundable.platformFee.amount - fromPlatform, currency },
  });
}

/**
 * Decides how much of `refundable` goes back to the client under the frozen `policy`:
 *
 * - client cancels: the tier for the lead time (`startsAt − cancelledAt`, in hours);
 *   refund = refundable × bps / 10,000 rounded half-up (exact halves favour the client);
 * - advisor or admin cancels, or the advisor doesn't show: everything refundable;
 * - the client doesn't show: nothing (the advisor is paid);
 * - admin override: exactly the amount given, up to what is refundable — never clamped.
 *
 * The refund is then taken from advisor share and platform fee proportionally
 * ({@link splitRefund}). Cancelling at or after the start is an error: that is a no-show.
 */
export function computeRefund(
  refundable: PaidSplit,
  policy: RefundPolicy,
  request: RefundRequest,
): Result<RefundOutcome, RefundError> {
  const validPolicy = validateRefundPolicy(policy);
  if (!validPolicy.ok) return validPolicy;
  const split = validatePaidSplit(refundable);
  if (!split.ok) return split;
  const price = refundable.price;
  const byBps = (bps: number, rule: RefundOutcome["rule"]): Result<RefundOutcome, RefundError> => {
    const amount = mulDiv(price.amount, bps, BPS_DENOMINATOR, "half_up");
    const parts = splitRefund(refundable, { amount, currency: price.currency });
    return parts.ok
      ? ok({ ...parts.value, refundBps: bps, rule, policyVersion: policy.version })
      : parts;
  };
  switch (request.kind) {
    case "cancellation": {
      const start = request.startsAt.getTime();
      const at = request.cancelledAt.getTime();
      if (!Number.isFinite(start) || !Number.isFinite(at)) {
        return err({
          code: "INVALID_TIME",
          message: "startsAt and cancelledAt must be valid dates",
        });
      }
      if (request.by !== "client") return byBps(BPS_DENOMINATOR, "advisor_or_admin_cancelled");
      if (at >= start) {
        return err({
          code: "CANCELLED_AFTER_START",
          message: "a client can't cancel at or after the start; report a no-show instead",
        });
      }
      return byBps(tierRefundBps(policy, (start - at) / HOUR_MS), "tier");
    }
    case "no_show":
      return request.absent === "advisor"
        ? byBps(BPS_DENOMINATOR, "advisor_no_show")
        : byBps(0, "client_no_show");
    case "pass_no_reply":
      return byBps(BPS_DENOMINATOR, "pass_no_reply");
    case "pass_cancellation": {
      const start = request.startsAt.getTime();
      const end = request.endsAt.getTime();
      const at = request.cancelledAt.getTime();
      if (![start, end, at].every(Number.isFinite) || end <= start) {
        return err({
          code: "INVALID_TIME",
          message: "the pass window and cancelledAt must be valid",
        });
      }
      if (at >= end) {
        return err({
          code: "CANCELLED_AFTER_START",
          message: "the pass has ended: there is nothing left to cancel; open a dispute instead",
        });
      }
      if (request.by !== "client") return byBps(BPS_DENOMINATOR, "advisor_or_admin_cancelled");
      if (!request.advisorReplied) return byBps(BPS_DENOMINATOR, "pass_before_first_reply");
      const window = { startsAt: request.startsAt, endsAt: request.endsAt };
      const amount = mulDiv(
        price.amount,
        unusedPassDays(window, request.cancelledAt),
        passDaysOf(window),
        "half_up",
      );
      const parts = splitRefund(refundable, { amount, currency: price.currency });
      return parts.ok
        ? ok({
            ...parts.value,
            refundBps: null,
            rule: "pass_unused_days",
            policyVersion: policy.version,
          })
        : parts;
    }
    case "admin_override": {
      const parts = splitRefund(refundable, request.amount);
      return parts.ok
        ? ok({
            ...parts.value,
            refundBps: null,
            rule: "admin_override",
            policyVersion: policy.version,
          })
        : parts;
    }
  }
}
