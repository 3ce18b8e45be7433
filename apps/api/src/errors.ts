import { isProviderError } from "@an/billing";
import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import type {
  AdvisorError,
  BillingCommandError,
  PlanError,
  ApplicationError,
  ApplicationInvitationRevokeError,
  ProjectError,
  ChatFailure,
  CommissionOverrideError,
  PassError,
  ReviewReplyError,
  SkillError,
  UserPreferencesError,
  WebhookReplayError,
} from "@an/db";
import type {
  ConnectRegionError,
  ApplicationAccessError,
  ApplicationInvitationExpiryError,
  ApplicationRateError,
  PlatformRulesError,
  InvitationError,
  Money,
  PlanGateError,
  Result,
  TransitionError,
  Translator,
} from "@an/domain";

/**
 * Every error a caller can get, each mapped once to a tRPC code (and so an HTTP status).
 * The message shown is the catalog entry `errors.<CODE>`, localized in the error formatter.
 */
export const APP_ERROR_CODES = {
  UNAUTHENTICATED: "UNAUTHORIZED",
  TOKEN_MALFORMED: "UNAUTHORIZED",
  TOKEN_EXPIRED: "UNAUTHORIZED",
  TOKEN_INVALID: "UNAUTHORIZED",
  TOKEN_MISSING_SUBJECT: "UNAUTHORIZED",
  TOKEN_MISSING_EXPIRY: "UNAUTHORIZED",
  FORBIDDEN_ROLE: "FORBIDDEN",
  FORBIDDEN: "FORBIDDEN",
  CANNOT_REVOKE_OWN_ADMIN: "FORBIDDEN",
  DEV_ONLY: "FORBIDDEN",
  USER_NOT_FOUND: "NOT_FOUND",
  DEV_USER_UNKNOWN: "NOT_FOUND",
  PROCEDURE_NOT_FOUND: "NOT_FOUND",
  UNKNOWN_ROLE: "BAD_REQUEST",
  INVALID_LOCALE: "BAD_REQUEST",
  VALIDATION_FAILED: "BAD_REQUEST",
  MALFORMED_BODY: "BAD_REQUEST",
  MALFORMED_QUERY_INPUT: "BAD_REQUEST",
  UNSUPPORTED_CONTENT_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  TEXT_INVALID_CHARACTERS: "BAD_REQUEST",
  BATCH_TOO_LARGE: "BAD_REQUEST",
  METHOD_NOT_SUPPORTED: "METHOD_NOT_SUPPORTED",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  AUTH_PROVIDER_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  APPLICATION_EXISTS: "CONFLICT",
  APPLICATIONS_CLOSED: "FORBIDDEN",
  APPLICATION_INVITATION_REQUIRED: "FORBIDDEN",
  APPLICATION_INVITATION_INVALID: "FORBIDDEN",
  APPLICATION_INVITATION_NOT_FOUND: "NOT_FOUND",
  APPLICATION_INVITATION_NOT_REVOCABLE: "CONFLICT",
  APPLICATION_INVITATION_EXPIRY_OUT_OF_RANGE: "BAD_REQUEST",
  PLATFORM_RULES_INVALID: "BAD_REQUEST",
  COMMISSION_OVERRIDE_NOT_FOUND: "NOT_FOUND",
  COMMISSION_OVERRIDE_ENDS_IN_PAST: "BAD_REQUEST",
  COMMISSION_OVERRIDE_ALREADY_ENDED: "CONFLICT",
  APPLICATION_NOT_FOUND: "NOT_FOUND",
  APPLICATION_NOT_EDITABLE: "CONFLICT",
  APPLICATION_NOT_PENDING: "CONFLICT",
  APPLICATION_INCOMPLETE: "BAD_REQUEST",
  UNKNOWN_SKILLS: "BAD_REQUEST",
  SKILL_NOT_FOUND: "NOT_FOUND",
  SKILL_EXISTS: "CONFLICT",
  SKILL_MERGE_INVALID: "BAD_REQUEST",
  SYNONYM_TAKEN: "CONFLICT",
  RATE_OUT_OF_LIMITS: "BAD_REQUEST",
  CURRENCY_NOT_OFFERED: "BAD_REQUEST",
  ADVISOR_NOT_FOUND: "NOT_FOUND",
  ADVISOR_SUSPENDED: "CONFLICT",
  ADVISOR_NOT_INVITABLE: "CONFLICT",
  ADVISOR_ACCOUNT_SUSPENDED: "FORBIDDEN",
  INVITATION_NOT_FOUND: "NOT_FOUND",
  INVITATION_NOT_PENDING: "CONFLICT",
  INVITATION_NOT_REVOCABLE: "CONFLICT",
  INVITATION_EXPIRED: "CONFLICT",
  INVITATION_EXISTS: "CONFLICT",
  INVITATION_EXPIRY_OUT_OF_RANGE: "BAD_REQUEST",
  CANNOT_INVITE_SELF: "BAD_REQUEST",
  AVATAR_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  AVATAR_NOT_IMAGE: "UNSUPPORTED_MEDIA_TYPE",
  INVALID_LINK: "BAD_REQUEST",
  INVALID_TIME_ZONE: "BAD_REQUEST",
  INVALID_COUNTRY: "BAD_REQUEST",
  CONNECT_COUNTRY_NOT_SUPPORTED: "BAD_REQUEST",
  PREFERENCES_EMPTY: "BAD_REQUEST",
  REVIEW_EXISTS: "CONFLICT",
  REVIEW_WINDOW_CLOSED: "CONFLICT",
  REVIEW_NOT_ALLOWED: "FORBIDDEN",
  REPLY_EXISTS: "CONFLICT",
  REVIEW_NOT_FOUND: "NOT_FOUND",
  CONSULTATION_NOT_FOUND: "NOT_FOUND",
  INVALID_CURSOR: "BAD_REQUEST",
  ADVISOR_NOT_BOOKABLE: "CONFLICT",
  DURATION_NOT_OFFERED: "BAD_REQUEST",
  CANNOT_BOOK_SELF: "BAD_REQUEST",
  ADVISOR_NOT_INVITED: "CONFLICT",
  PASS_NOT_AVAILABLE: "CONFLICT",
  PASS_DAYS_NOT_ALLOWED: "BAD_REQUEST",
  ASYNC_RATE_OUT_OF_LIMITS: "BAD_REQUEST",
  TRANSITION_TOO_EARLY: "CONFLICT",
  TRANSITION_TOO_LATE: "CONFLICT",
  TRANSITION_NOT_ALLOWED: "CONFLICT",
  REFUND_INVALID: "BAD_REQUEST",
  CHARGE_NOT_UNAPPLIED: "NOT_FOUND",
  CHARGE_ALREADY_REFUNDED: "CONFLICT",
  CHARGE_REFUND_NOT_FULL: "BAD_REQUEST",
  CHARGE_CHOOSE_ONE: "BAD_REQUEST",
  REFUND_EXCEEDS_REFUNDABLE: "BAD_REQUEST",
  INCIDENT_NOT_FOUND: "NOT_FOUND",
  WEBHOOK_EVENT_NOT_FOUND: "NOT_FOUND",
  WEBHOOK_BODY_PURGED: "CONFLICT",
  PAYOUT_ITEM_NOT_FOUND: "NOT_FOUND",
  PAYOUT_ITEM_NOT_RETRYABLE: "CONFLICT",
  PAYOUT_BATCH_NOT_FOUND: "NOT_FOUND",
  PAYOUT_IN_FLIGHT: "CONFLICT",
  PAYOUT_ACCOUNT_NOT_READY: "CONFLICT",
  PAYOUTS_HELD: "CONFLICT",
  NOTHING_PAYABLE: "CONFLICT",
  REVERSAL_NOT_FOUND: "NOT_FOUND",
  REVERSAL_NOT_RETRYABLE: "CONFLICT",
  RECONCILIATION_NOT_FOUND: "NOT_FOUND",
  PERIOD_INVALID: "BAD_REQUEST",
  PERIOD_IN_FUTURE: "BAD_REQUEST",
  NOT_AN_ADVISOR: "FORBIDDEN",
  PROJECT_NOT_FOUND: "NOT_FOUND",
  PROJECT_EXTERNAL_REF_TAKEN: "CONFLICT",
  PROJECT_ARCHIVED: "CONFLICT",
  CONVERSATION_NOT_FOUND: "NOT_FOUND",
  MESSAGE_NOT_FOUND: "NOT_FOUND",
  SERVICE_CREDENTIAL_NOT_FOUND: "NOT_FOUND",
  CHAT_ACCESS_DENIED: "FORBIDDEN",
  LAST_EVENT_ID_INVALID: "BAD_REQUEST",
  LAST_EVENT_ID_AHEAD: "BAD_REQUEST",
  PAYMENT_PROVIDER_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  SERVICE_KEY_INVALID: "UNAUTHORIZED",
  SERVICE_KEY_WRONG_SCOPE: "FORBIDDEN",
  CHAT_INVITATION_PENDING: "FORBIDDEN",
  CHAT_ACCESS_ENDED: "FORBIDDEN",
  CHAT_ADVISOR_SUSPENDED: "FORBIDDEN",
  CHAT_NO_ENGAGEMENT: "FORBIDDEN",
  CHAT_CANNOT_POST: "FORBIDDEN",
  CHAT_CLIENT_MSG_ID_CONFLICT: "CONFLICT",
  CHAT_BODY_EMPTY: "BAD_REQUEST",
  CHAT_BODY_TOO_LONG: "BAD_REQUEST",
  CHAT_TOO_MANY_ATTACHMENTS: "BAD_REQUEST",
  CHAT_NOT_AUTHOR: "FORBIDDEN",
  CHAT_MESSAGE_DELETED: "CONFLICT",
  CHAT_MESSAGE_HIDDEN: "CONFLICT",
  CHAT_NO_READ_CURSOR: "FORBIDDEN",
  CHAT_CANNOT_REPORT: "FORBIDDEN",
  CHAT_REPORT_OWN: "BAD_REQUEST",
  CHAT_CURSOR_INVALID: "BAD_REQUEST",
  CHAT_RATE_LIMITED: "TOO_MANY_REQUESTS",
  CHAT_LIST_NOT_FOR_ASSISTANT: "FORBIDDEN",
  CHAT_ATTACHMENT_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  CHAT_ATTACHMENT_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  CHAT_ATTACHMENT_UNKNOWN: "BAD_REQUEST",
  CHAT_ATTACHMENT_PDF_UNREADABLE: "UNSUPPORTED_MEDIA_TYPE",
  CHAT_ATTACHMENT_PDF_ENCRYPTED: "UNSUPPORTED_MEDIA_TYPE",
  CHAT_ATTACHMENT_LINK_INVALID: "FORBIDDEN",
  CHAT_ATTACHMENT_LINK_EXPIRED: "FORBIDDEN",
  CHAT_ATTACHMENT_MISSING: "NOT_FOUND",
  PLAN_NOT_FOUND: "NOT_FOUND",
  PLAN_RETIRED: "CONFLICT",
  PLAN_PRICE_NOT_OFFERED: "BAD_REQUEST",
  PLAN_EXISTS: "CONFLICT",
  PLAN_INVALID: "BAD_REQUEST",
  SUBSCRIPTION_EXISTS: "CONFLICT",
  NO_BILLING_CUSTOMER: "CONFLICT",
  NO_LIVE_SUBSCRIPTION: "CONFLICT",
  SUBSCRIPTION_NOT_CANCELING: "CONFLICT",
  GRANT_NOT_FOUND: "NOT_FOUND",
  GRANT_END_OUT_OF_RANGE: "BAD_REQUEST",
  PLAN_REQUIRED_INVITE: "FORBIDDEN",
  PLAN_ADVISOR_LIMIT: "FORBIDDEN",
  PLAN_REQUIRED_PASSES: "FORBIDDEN",
  BILLING_PROVIDER_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  INTERNAL: "INTERNAL_SERVER_ERROR",
} as const satisfies Record<string, TRPC_ERROR_CODE_KEY>;

export type AppErrorCode = keyof typeof APP_ERROR_CODES;

export function isAppErrorCode(value: string): value is AppErrorCode {
  return Object.hasOwn(APP_ERROR_CODES, value);
}

/**
 * Values interpolated into the localized message, e.g. `{ role: "admin" }`. Amounts are
 * passed as Money (minor units and currency), never pre-formatted: the error formatter
 * writes them in the caller's locale.
 */
export type AppErrorParams = Record<string, string | number | Money>;

/**
 * The one error type the app throws. Guards throw it directly; the error formatter turns
 * it into a localized message with the request id.
 */
export class AppError extends TRPCError {
  readonly appCode: AppErrorCode;
  readonly params: AppErrorParams;
  /** Seconds to wait before retrying, for RATE_LIMITED; sent as Retry-After. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: AppErrorCode,
    params: AppErrorParams = {},
    options: { cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super({ code: APP_ERROR_CODES[code], message: code, cause: options.cause });
    this.name = "AppError";
    this.appCode = code;
    this.params = params;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** A missing subject: the caller sees `ref`, the id they asked about. */
type NotFound = {
  code:
    | "ADVISOR_NOT_FOUND"
    | "APPLICATION_NOT_FOUND"
    | "CONSULTATION_NOT_FOUND"
    | "CONVERSATION_NOT_FOUND"
    | "INCIDENT_NOT_FOUND"
    | "MESSAGE_NOT_FOUND"
    | "PAYOUT_BATCH_NOT_FOUND"
    | "PAYOUT_ITEM_NOT_FOUND"
    | "PROJECT_NOT_FOUND"
    | "RECONCILIATION_NOT_FOUND"
    | "REVERSAL_NOT_FOUND"
    | "REVIEW_NOT_FOUND"
    | "SERVICE_CREDENTIAL_NOT_FOUND"
    | "SKILL_NOT_FOUND"
    | "USER_NOT_FOUND"
    | "WEBHOOK_EVENT_NOT_FOUND";
  ref: string;
};

/** A subject in a status the command doesn't accept: the caller sees the status it is in. */
type WrongStatus = {
  code:
    | "APPLICATION_NOT_EDITABLE"
    | "APPLICATION_NOT_PENDING"
    | "PAYOUT_ITEM_NOT_RETRYABLE"
    | "REVERSAL_NOT_RETRYABLE";
  status: string;
};

/**
 * Every expected failure a workflow returns in its outcome (`Result`'s error): a missing
 * subject, a wrong status, a refused rule (rate, skills, taxonomy), a state-machine
 * refusal. {@link toAppError} maps each to its AppError once.
 */
export type Failure =
  | NotFound
  | WrongStatus
  | ChatFailure
  | AdvisorError
  | ApplicationError
  | ApplicationRateError
  | ApplicationAccessError
  | ApplicationInvitationExpiryError
  | ApplicationInvitationRevokeError
  | ProjectError
  | SkillError
  | UserPreferencesError
  | ReviewReplyError
  | WebhookReplayError
  | InvitationError
  | PlanGateError
  | TransitionError;

function isChatFailure(failure: Failure): failure is ChatFailure {
  return "kind" in failure && failure.kind === "chat";
}

/** The AppError for a workflow's expected failure, with the params its message names. */
export function toAppError(failure: Failure): AppError {
  // Chat failures carry their own message params (their codes overlap the not-found ones).
  if (isChatFailure(failure)) return new AppError(failure.code, failure.params);
  switch (failure.code) {
    case "ADVISOR_NOT_FOUND":
    case "APPLICATION_NOT_FOUND":
    case "CONSULTATION_NOT_FOUND":
    case "CONVERSATION_NOT_FOUND":
    case "INCIDENT_NOT_FOUND":
    case "MESSAGE_NOT_FOUND":
    case "PAYOUT_BATCH_NOT_FOUND":
    case "PAYOUT_ITEM_NOT_FOUND":
    case "PROJECT_NOT_FOUND":
    case "PROJECT_ARCHIVED":
    case "RECONCILIATION_NOT_FOUND":
    case "REVERSAL_NOT_FOUND":
    case "REVIEW_NOT_FOUND":
    case "SERVICE_CREDENTIAL_NOT_FOUND":
    case "SKILL_NOT_FOUND":
    case "USER_NOT_FOUND":
    case "WEBHOOK_EVENT_NOT_FOUND":
    case "WEBHOOK_BODY_PURGED":
      return new AppError(failure.code, { ref: failure.ref });
    case "INVITATION_NOT_FOUND":
      return new AppError(failure.code, { ref: failure.ref });
    case "INVITATION_NOT_PENDING":
    case "INVITATION_NOT_REVOCABLE":
      return new AppError(failure.code, { status: failure.status });
    case "INVITATION_EXPIRED":
    case "INVITATION_EXISTS":
    case "CANNOT_INVITE_SELF":
    case "ADVISOR_NOT_INVITABLE":
    case "ADVISOR_ACCOUNT_SUSPENDED":
      return new AppError(failure.code);
    case "INVITATION_EXPIRY_OUT_OF_RANGE":
      return new AppError(failure.code, { minHours: failure.minHours, maxDays: failure.maxDays });
    case "INVITATION_FORBIDDEN":
      return new AppError("FORBIDDEN");
    case "APPLICATION_NOT_EDITABLE":
    case "APPLICATION_NOT_PENDING":
    case "PAYOUT_ITEM_NOT_RETRYABLE":
    case "REVERSAL_NOT_RETRYABLE":
      return new AppError(failure.code, { status: failure.status });
    case "APPLICATION_EXISTS":
    case "REPLY_EXISTS":
    case "SKILL_MERGE_INVALID":
      return new AppError(failure.code);
    case "APPLICATION_OWN_DECISION":
      return new AppError("FORBIDDEN");
    case "APPLICATIONS_CLOSED":
    case "APPLICATION_INVITATION_REQUIRED":
      return new AppError(failure.code);
    case "APPLICATION_INVITATION_INVALID":
      // Which way it is invalid stays unsaid: a token's fate is not to be probed.
      return new AppError(failure.code);
    case "APPLICATION_INVITATION_NOT_FOUND":
      return new AppError(failure.code, { ref: failure.ref });
    case "APPLICATION_INVITATION_NOT_REVOCABLE":
      return new AppError(failure.code, { status: failure.status });
    case "APPLICATION_INVITATION_EXPIRY_OUT_OF_RANGE":
      return new AppError(failure.code, { minHours: failure.minHours, maxDays: failure.maxDays });
    case "APPLICATION_INCOMPLETE":
      return new AppError(failure.code, { fields: failure.fields.join(", ") });
    case "UNKNOWN_SKILLS":
      return new AppError(failure.code, { skills: failure.skills.join(", ") });
    case "RATE_OUT_OF_LIMITS":
      return new AppError(failure.code, { min: failure.minimum, max: failure.maximum });
    case "CURRENCY_NOT_OFFERED":
      // i18next picks `CURRENCY_NOT_OFFERED_offered`, which names the currencies offered.
      return new AppError(failure.code, {
        currency: failure.currency,
        offered: failure.offered.join(", "),
        context: "offered",
      });
    case "SKILL_EXISTS":
      return new AppError(failure.code, { name: failure.name });
    case "INVALID_TIME_ZONE":
    case "INVALID_COUNTRY":
      return new AppError(failure.code, { value: failure.value });
    case "SYNONYM_TAKEN":
      return new AppError(failure.code, { term: failure.term });
    case "PROJECT_EXTERNAL_REF_TAKEN":
      return new AppError(failure.code, { externalRef: failure.externalRef });
    case "EMPTY_TERM":
      return new AppError("VALIDATION_FAILED");
    case "PLAN_REQUIRED_INVITE":
    case "PLAN_REQUIRED_PASSES":
      return new AppError(failure.code);
    case "PLAN_ADVISOR_LIMIT":
      return new AppError(failure.code, { limit: failure.limit });
    default:
      return transitionAppError(failure);
  }
}

/**
 * The state machine's refusals: the domain message is the `detail`, with the status the
 * consultation was in.
 */
function transitionAppError(error: TransitionError): AppError {
  if (error.refundExceeded) {
    const { requested, refundable } = error.refundExceeded;
    return new AppError("REFUND_EXCEEDS_REFUNDABLE", { requested, refundable });
  }
  const params = { detail: error.message, status: error.status };
  switch (error.code) {
    case "TOO_EARLY":
      return new AppError("TRANSITION_TOO_EARLY", params);
    case "TOO_LATE":
      return new AppError("TRANSITION_TOO_LATE", params);
    case "NOT_ALLOWED":
    case "ACTOR_NOT_ALLOWED":
      return new AppError("TRANSITION_NOT_ALLOWED", params);
    case "REFUND_REJECTED":
    case "INVALID_EVENT":
    case "AMOUNT_MISMATCH":
      return new AppError("REFUND_INVALID", params);
    case "LEDGER_REJECTED":
      // The posting rules refused amounts the machine accepted: a bug, not the caller's fault.
      return new AppError("INTERNAL", {}, { cause: new Error(error.message) });
  }
}

/** A workflow's value, or its failure thrown as the AppError {@link toAppError} gives. */
export function unwrap<T>(outcome: Result<T, Failure>): T {
  if (!outcome.ok) throw toAppError(outcome.error);
  return outcome.value;
}

/**
 * A pass workflow's refusal (`quotePass`, `purchasePass`) as the caller's AppError. The
 * refusal doesn't repeat what was asked, so `input` supplies the project and the days; why
 * an advisor sells no pass is a catalog phrase, worded by `t` in the caller's language.
 */
export function passAppError(
  error: PassError,
  input: { projectId: string; days: number },
  t: Translator,
): AppError {
  switch (error.code) {
    case "PROJECT_NOT_FOUND":
    case "PROJECT_ARCHIVED":
      return new AppError(error.code, { ref: input.projectId });
    case "ADVISOR_NOT_INVITED":
      return new AppError(error.code);
    case "PASS_NOT_AVAILABLE":
      return new AppError(error.code, {
        name: error.advisorName,
        reason: t(`errors.pass_not_available.${error.reason}`),
      });
    case "PASS_DAYS_NOT_ALLOWED":
      return new AppError(error.code, { max: error.maxDays, value: input.days });
    case "PLAN_REQUIRED_PASSES":
      return new AppError(error.code);
  }
}

/**
 * Operator rules refused by the domain's validator: which field and why, the reason worded
 * by `t` in the caller's language.
 */
export function platformRulesAppError(error: PlatformRulesError, t: Translator): AppError {
  return new AppError(error.code, {
    detail: t(`errors.platform_rules.${error.reason}`, { field: error.field }),
  });
}

/** An admin's commission override refused: unknown advisor or override, bad terms or end date. */
export function commissionOverrideAppError(
  error: CommissionOverrideError,
  t: Translator,
): AppError {
  switch (error.code) {
    case "PLATFORM_RULES_INVALID":
      return platformRulesAppError(error, t);
    case "ADVISOR_NOT_FOUND":
    case "COMMISSION_OVERRIDE_NOT_FOUND":
    case "COMMISSION_OVERRIDE_ALREADY_ENDED":
      return new AppError(error.code, { ref: error.ref });
    case "COMMISSION_OVERRIDE_ENDS_IN_PAST":
      return new AppError(error.code);
  }
}

/** A subscriber's or an admin's billing command refused (nothing was asked of the provider). */
export function billingAppError(error: BillingCommandError | PlanError): AppError {
  switch (error.code) {
    case "PLAN_NOT_FOUND":
    case "PLAN_RETIRED":
    case "PLAN_EXISTS":
      return new AppError(error.code, { planKey: error.planKey });
    case "PLAN_PRICE_NOT_OFFERED":
      return new AppError(error.code, {
        planKey: error.planKey,
        currency: error.currency,
        interval: error.interval,
        // i18next picks `PLAN_PRICE_NOT_OFFERED_month` / `_year`: the interval in words.
        context: error.interval,
      });
    case "PLAN_INVALID":
      return new AppError(error.code, { reason: error.reason });
    case "USER_NOT_FOUND":
    case "GRANT_NOT_FOUND":
      return new AppError(error.code, { ref: error.ref });
    case "GRANT_END_OUT_OF_RANGE":
      return new AppError(error.code, { maxDays: error.maxDays });
    case "SUBSCRIPTION_EXISTS":
    case "NO_BILLING_CUSTOMER":
    case "NO_LIVE_SUBSCRIPTION":
    case "SUBSCRIPTION_NOT_CANCELING":
      return new AppError(error.code);
  }
}

/**
 * An advisor whose country Stripe can't pay from this platform: the country by its name in
 * the caller's language (its code when the runtime has no name for it).
 */
export function connectRegionAppError(error: ConnectRegionError, locale: string): AppError {
  let name: string | undefined;
  try {
    name = new Intl.DisplayNames([locale], { type: "region", fallback: "none" }).of(error.country);
  } catch {
    name = undefined;
  }
  return new AppError(error.code, { country: name ?? error.country });
}

/** A billing workflow's value, or its refusal thrown as the AppError {@link billingAppError} gives. */
export function unwrapBilling<T>(outcome: Result<T, BillingCommandError | PlanError>): T {
  if (!outcome.ok) throw billingAppError(outcome.error);
  return outcome.value;
}

/**
 * Runs a command that talks to the subscription provider: a provider failure (down,
 * throttled or refusing) is BILLING_PROVIDER_UNAVAILABLE (503), the one place that mapping
 * is made for billing.
 */
export async function withBillingProvider<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isProviderError(error)) {
      throw new AppError("BILLING_PROVIDER_UNAVAILABLE", {}, { cause: error });
    }
    throw error;
  }
}
