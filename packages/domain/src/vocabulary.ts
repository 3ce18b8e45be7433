/**
 * The platform's words: every status, kind and cadence a row, a procedure input or a console
 * filter can hold, declared once. The database enums are built from these arrays (same
 * names, same values, same order: reordering one changes the enum and needs a migration),
 * the API's zod enums and the console's types import them.
 *
 * The rest of the vocabulary lives beside its rules: consultation events, actors and timers in
 * `consultation-types.ts`, roles in `roles.ts`, ledger entry kinds in `ledger.ts`,
 * notice names in `consultation-notice.ts`, provider failure kinds in `provider-failure.ts`.
 */

// Advisors

/** An advisor's standing: `suspended` by an admin (with a reason), hidden and not bookable. */
export const ADVISOR_STATUSES = ["active", "suspended"] as const;
export type AdvisorStatus = (typeof ADVISOR_STATUSES)[number];

/**
 * How often an advisor is paid, as stored and chosen; `PayoutCadence` is the schedule each
 * one becomes (with its weekday, anchor date or day of month).
 */
export const PAYOUT_CADENCES = ["weekly", "biweekly", "monthly"] as const;
export type PayoutCadenceKind = (typeof PAYOUT_CADENCES)[number];

// Advisor applications

export const APPLICATION_STATUSES = [
  "draft",
  "submitted",
  "changes_requested",
  "approved",
  "rejected",
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/** Statuses in which an application is open: at most one per user (a partial unique index). */
export const OPEN_APPLICATION_STATUSES = [
  "draft",
  "submitted",
  "changes_requested",
] as const satisfies readonly ApplicationStatus[];

/** Statuses in which the applicant may still edit the profile. */
export const EDITABLE_APPLICATION_STATUSES = [
  "draft",
  "changes_requested",
] as const satisfies readonly ApplicationStatus[];

// Consultations: states, and what a state means outside the machine

/** Consultation states; the DB enum reuses this list. */
export const CONSULTATION_STATES = [
  "awaiting_payment",
  "payment_expired",
  "confirmed",
  "reschedule_requested",
  "completed",
  "released",
  "paid_out",
  "cancelled",
  "no_show_client",
  "no_show_advisor",
  "disputed",
  "refunded",
] as const;
export type ConsultationStatus = (typeof CONSULTATION_STATES)[number];

/** Statuses in which a consultation has reached completion, so its client may review it. */
export const REVIEWABLE_STATUSES = [
  "completed",
  "released",
  "paid_out",
] as const satisfies readonly ConsultationStatus[];

/**
 * States whose money is paid but still held (not released to the advisor): the share may
 * yet be refunded. A dispute holds the money too unless it was opened after release.
 */
export const EARNINGS_PENDING_STATES = [
  "confirmed",
  "reschedule_requested",
  "completed",
  "no_show_client",
  "no_show_advisor",
] as const satisfies readonly ConsultationStatus[];

// Payments and refunds

export const PAYMENT_STATUSES = ["open", "paid", "failed", "expired"] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const REFUND_STATUSES = ["pending", "succeeded", "failed"] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

// Incidents

/** What an admin must look at: money that doesn't match, a bad booking, a failing provider call. */
export const INCIDENT_KINDS = [
  "amount_mismatch",
  "booking_token_invalid",
  "booking_token_reused",
  "unknown_charge",
  "provider_action_failed",
  "reversal_required",
  "payout_failed",
  "reversal_failed",
  "reconciliation_difference",
  // A subscription at the provider carries a price that no active plan offers (a
  // misconfigured portal, or tampering): it grants nothing until an admin looks.
  "price_not_allowlisted",
  // The provider holds more than one live subscription for one customer.
  "duplicate_subscription",
  // The nightly re-sync found our copy of a customer's subscriptions differing from Stripe's.
  "subscription_out_of_sync",
] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

// Notifications

/** An outbox message: `queued` until sent (it stays queued when no SMTP is configured). */
export const NOTIFICATION_STATUSES = ["queued", "sent", "failed"] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

// Payouts

/** `scheduled`: the advisor's own run; `off_cycle`: an admin asked for it now. */
export const PAYOUT_BATCH_KINDS = ["scheduled", "off_cycle"] as const;
export type PayoutBatchKind = (typeof PAYOUT_BATCH_KINDS)[number];

/**
 * `pending`: created, its transfer not yet asked for. `sending`: claimed by a worker, the
 * request may be at the provider. `retrying`: a retryable failure (5xx, 429, timeout — a
 * timeout may have reached the provider, the same idempotency key makes the retry safe).
 * `failed`: refused or out of attempts; an admin retries it. `sent`: the provider returned
 * the transfer. `cancelled`: withdrawn before sending (refund, dispute, admin); its money
 * went back to the advisor's payable.
 */
export const PAYOUT_ITEM_STATUSES = [
  "pending",
  "sending",
  "retrying",
  "failed",
  "sent",
  "cancelled",
] as const;
export type PayoutItemStatus = (typeof PAYOUT_ITEM_STATUSES)[number];

/** Items neither sent nor cancelled: still to be sent, being sent, or waiting on an admin. */
export const OPEN_PAYOUT_ITEM_STATUSES = [
  "pending",
  "sending",
  "retrying",
  "failed",
] as const satisfies readonly PayoutItemStatus[];

/** `pending` → `succeeded`, or `failed` (e.g. the advisor's balance is too low): then the
 * receivable stays booked and later payouts net it. */
export const TRANSFER_REVERSAL_STATUSES = ["pending", "retrying", "succeeded", "failed"] as const;
export type TransferReversalStatus = (typeof TRANSFER_REVERSAL_STATUSES)[number];

// Reconciliation

export const RECONCILIATION_STATUSES = ["running", "completed", "failed"] as const;
export type ReconciliationStatus = (typeof RECONCILIATION_STATUSES)[number];

// Webhooks

/** `stripe_connect`: the Connect endpoint (events of connected accounts, its own secret). */
export const WEBHOOK_PROVIDERS = ["stripe", "calcom", "stripe_connect"] as const;
export type WebhookProvider = (typeof WEBHOOK_PROVIDERS)[number];

/**
 * `received`: stored, its job queued. `processed`: applied (or found to change nothing).
 * `ignored`: a type we don't act on. `deferred`: about a consultation we don't know yet,
 * retried later. `failed`: gave up after retries; an admin can replay it.
 */
export const WEBHOOK_EVENT_STATUSES = [
  "received",
  "processed",
  "ignored",
  "deferred",
  "failed",
] as const;
export type WebhookEventStatus = (typeof WEBHOOK_EVENT_STATUSES)[number];

// Consultations: kinds

/**
 * `booking`: a meeting booked through Cal.com. `async_pass`: N days of written advice in a
 * project's chat, bought at the advisor's async day rate; no booking, the same machine,
 * quote, payment, hold, refunds, ledger and payouts.
 */
export const CONSULTATION_KINDS = ["booking", "async_pass"] as const;
export type ConsultationKind = (typeof CONSULTATION_KINDS)[number];

// Project chat

/** Who wrote a message: a member as client or advisor, the platform's assistant, or the system. */
export const CHAT_ACTOR_TYPES = ["client", "advisor", "assistant", "system"] as const;
export type ChatActorType = (typeof CHAT_ACTOR_TYPES)[number];

/** Why a user is a member of a project's conversation. */
export const CHAT_MEMBER_ROLES = ["owner", "advisor"] as const;
export type ChatMemberRole = (typeof CHAT_MEMBER_ROLES)[number];

/**
 * An advisor's invitation into a project's chat. `pending` until the advisor answers;
 * `accepted` grants access (while it lasts); `declined`, `revoked` and `expired` are final.
 */
export const INVITATION_STATUSES = [
  "pending",
  "accepted",
  "declined",
  "revoked",
  "expired",
] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

/** Invitation statuses that still count: at most one per project and advisor (a partial unique index). */
export const LIVE_INVITATION_STATUSES = [
  "pending",
  "accepted",
] as const satisfies readonly InvitationStatus[];

/** What a service credential (an API key, stored hashed) may do. */
export const SERVICE_CREDENTIAL_SCOPES = ["assistant"] as const;
export type ServiceCredentialScope = (typeof SERVICE_CREDENTIAL_SCOPES)[number];

/** Why a message was flagged for review (flagged, never blocked). */
export const MESSAGE_FLAG_REASONS = ["email", "phone", "payment_link", "reported"] as const;
export type MessageFlagReason = (typeof MESSAGE_FLAG_REASONS)[number];
