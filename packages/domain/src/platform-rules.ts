import { err, ok, type Result } from "./result";
import {
  type CommissionRuleSet,
  DEFAULT_COMMISSION_RULE_SET,
  DEFAULT_PAYOUT_RULE_SET,
  DEFAULT_PRICING_RULE_SET,
  DEFAULT_REFUND_POLICY_RULE_SET,
  invalidRules,
  isRecord,
  type PayoutRuleSet,
  type PlatformRulesError,
  type PricingRuleSet,
  type RefundPolicyRuleSet,
  unknownField,
  validateCommissionRuleSet,
  validatePayoutRuleSet,
  validatePricingRuleSet,
  validateRefundPolicyRuleSet,
} from "./rule-sets";

export type { PlatformRulesError } from "./rule-sets";

/**
 * The rule sets an operator sets without a deploy. Each kind is stored as numbered versions
 * (1, 2, …); the newest is in force, and version 0 is the code default, in force until an
 * operator saves one. `pricing` is the limits per currency and, by its keys, which
 * currencies are offered; `commission` the platform's fee; `refund_policy` the
 * cancellation tiers; `payouts` the hold window and the minimum payout per currency.
 */
export const PLATFORM_RULE_KINDS = [
  "advisor_onboarding",
  "pricing",
  "commission",
  "refund_policy",
  "payouts",
] as const;
export type PlatformRuleKind = (typeof PLATFORM_RULE_KINDS)[number];

/**
 * How advisors join, following the planned rollout: `closed` (internal alpha: nobody new
 * applies), `invite_only` (beta: an admin's single-use invitation is needed to submit),
 * `open` (the marketplace).
 */
export const ADVISOR_ONBOARDING_MODES = ["open", "invite_only", "closed"] as const;
export type AdvisorOnboardingMode = (typeof ADVISOR_ONBOARDING_MODES)[number];

export type AdvisorOnboardingRules = { mode: AdvisorOnboardingMode };

/** The rules each kind holds. */
export type PlatformRulesOf = {
  advisor_onboarding: AdvisorOnboardingRules;
  pricing: PricingRuleSet;
  commission: CommissionRuleSet;
  refund_policy: RefundPolicyRuleSet;
  payouts: PayoutRuleSet;
};

/**
 * What is in force while no version was saved (version 0). Onboarding is open, so a fresh
 * install, the demo and the tests behave as before rules were stored.
 */
export const DEFAULT_PLATFORM_RULES: { [K in PlatformRuleKind]: PlatformRulesOf[K] } = {
  advisor_onboarding: { mode: "open" },
  pricing: DEFAULT_PRICING_RULE_SET,
  commission: DEFAULT_COMMISSION_RULE_SET,
  refund_policy: DEFAULT_REFUND_POLICY_RULE_SET,
  payouts: DEFAULT_PAYOUT_RULE_SET,
};

const invalid = invalidRules;

function validateAdvisorOnboarding(
  rules: unknown,
): Result<AdvisorOnboardingRules, PlatformRulesError> {
  const kind = "advisor_onboarding";
  if (!isRecord(rules)) return invalid(kind, "", "not_an_object");
  const extra = unknownField(rules, ["mode"]);
  if (extra !== undefined) return invalid(kind, extra, "unknown_field");
  if (rules.mode === undefined) return invalid(kind, "mode", "missing");
  if (!(ADVISOR_ONBOARDING_MODES as readonly unknown[]).includes(rules.mode)) {
    return invalid(kind, "mode", "not_allowed");
  }
  return ok({ mode: rules.mode as AdvisorOnboardingMode });
}

/**
 * Checks a rule set before it is stored (and again when read, so a row written by hand
 * can't put nonsense in force): the rules normalized, or the first field at fault.
 */
export function validatePlatformRules<K extends PlatformRuleKind>(
  kind: K,
  rules: unknown,
): Result<PlatformRulesOf[K], PlatformRulesError>;
export function validatePlatformRules(
  kind: string,
  rules: unknown,
): Result<PlatformRulesOf[PlatformRuleKind], PlatformRulesError>;
export function validatePlatformRules(
  kind: string,
  rules: unknown,
): Result<PlatformRulesOf[PlatformRuleKind], PlatformRulesError> {
  switch (kind) {
    case "advisor_onboarding":
      return validateAdvisorOnboarding(rules);
    case "pricing":
      return validatePricingRuleSet(rules);
    case "commission":
      return validateCommissionRuleSet(rules);
    case "refund_policy":
      return validateRefundPolicyRuleSet(rules);
    case "payouts":
      return validatePayoutRuleSet(rules);
    default:
      return invalid(kind, "", "unknown_kind");
  }
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** How long an application invitation lasts when the admin names no expiry: 14 days. */
export const APPLICATION_INVITATION_DEFAULT_TTL_MS = 14 * DAY_MS;
/** The shortest expiry an admin may set: 1 hour from now. */
export const APPLICATION_INVITATION_MIN_TTL_MS = HOUR_MS;
/** The longest: 90 days from now (a beta invitation is not a standing pass). */
export const APPLICATION_INVITATION_MAX_TTL_MS = 90 * DAY_MS;

export const APPLICATION_INVITATION_STATUSES = ["pending", "used", "expired", "revoked"] as const;
export type ApplicationInvitationStatus = (typeof APPLICATION_INVITATION_STATUSES)[number];

export type ApplicationInvitationFacts = {
  email: string;
  expiresAt: Date;
  usedAt: Date | null;
  revokedAt: Date | null;
};

/** An invitation's standing at `now`: used and revoked are final; otherwise expiry decides. */
export function applicationInvitationStatus(
  facts: Pick<ApplicationInvitationFacts, "expiresAt" | "usedAt" | "revokedAt">,
  now: Date,
): ApplicationInvitationStatus {
  if (facts.usedAt) return "used";
  if (facts.revokedAt) return "revoked";
  return facts.expiresAt.getTime() <= now.getTime() ? "expired" : "pending";
}

export type ApplicationInvitationExpiryError = {
  code: "APPLICATION_INVITATION_EXPIRY_OUT_OF_RANGE";
  minHours: number;
  maxDays: number;
};

/** When a new application invitation expires: `requested` (1 hour to 90 days ahead) or 14 days. */
export function applicationInvitationExpiry(params: {
  requested?: Date | null;
  now: Date;
}): Result<Date, ApplicationInvitationExpiryError> {
  const now = params.now.getTime();
  if (!params.requested) return ok(new Date(now + APPLICATION_INVITATION_DEFAULT_TTL_MS));
  const at = params.requested.getTime();
  if (
    Number.isNaN(at) ||
    at < now + APPLICATION_INVITATION_MIN_TTL_MS ||
    at > now + APPLICATION_INVITATION_MAX_TTL_MS
  ) {
    return err({
      code: "APPLICATION_INVITATION_EXPIRY_OUT_OF_RANGE",
      minHours: APPLICATION_INVITATION_MIN_TTL_MS / HOUR_MS,
      maxDays: APPLICATION_INVITATION_MAX_TTL_MS / DAY_MS,
    });
  }
  return ok(new Date(at));
}

/** Why the onboarding mode refuses an application. */
export type ApplicationAccessError =
  | { code: "APPLICATIONS_CLOSED" }
  | { code: "APPLICATION_INVITATION_REQUIRED" }
  | {
      code: "APPLICATION_INVITATION_INVALID";
      /** What is wrong with it (not shown as a different code, so tokens can't be probed). */
      why: "unknown" | "used" | "expired" | "revoked" | "other_email";
    };

/**
 * Whether an applicant may submit a first round under `mode`. `open` lets everyone in;
 * `closed` nobody; `invite_only` needs an invitation (looked up by its token) that is
 * pending at `now` and addressed to the applicant's email, compared case-insensitively.
 * Answers whether an invitation is to be consumed. A resubmission after changes were
 * requested is no new application: callers don't ask.
 */
export function decideApplicationAccess(params: {
  mode: AdvisorOnboardingMode;
  /** Whether the applicant named a token at all. */
  tokenGiven: boolean;
  /** The invitation the token names, or null when none does. */
  invitation: ApplicationInvitationFacts | null;
  applicantEmail: string | null;
  now: Date;
}): Result<{ consumeInvitation: boolean }, ApplicationAccessError> {
  switch (params.mode) {
    case "open":
      return ok({ consumeInvitation: false });
    case "closed":
      return err({ code: "APPLICATIONS_CLOSED" });
    case "invite_only": {
      if (!params.tokenGiven) return err({ code: "APPLICATION_INVITATION_REQUIRED" });
      const invitation = params.invitation;
      if (!invitation) return err({ code: "APPLICATION_INVITATION_INVALID", why: "unknown" });
      const status = applicationInvitationStatus(invitation, params.now);
      if (status !== "pending") return err({ code: "APPLICATION_INVITATION_INVALID", why: status });
      const email = params.applicantEmail?.trim().toLowerCase();
      if (!email || email !== invitation.email.trim().toLowerCase()) {
        return err({ code: "APPLICATION_INVITATION_INVALID", why: "other_email" });
      }
      return ok({ consumeInvitation: true });
    }
  }
}
