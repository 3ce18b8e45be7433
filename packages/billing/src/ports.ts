import type { Money, ProviderFailureKind } from "@an/domain";

/**
 * The payment provider as the rest of the system sees it: Stripe in production, the
 * simulated provider in development. Every mutating call takes an idempotency key derived
 * from one of our own rows, so a retried job can never charge or refund twice.
 */
export interface PaymentPort {
  readonly mode: "real" | "simulated";
  /** A hosted checkout page for one consultation (Checkout Session, mode `payment`). */
  createCheckoutSession(input: CreateCheckoutInput): Promise<CheckoutSession>;
  /**
   * Expires an open session so it can no longer be paid, and returns the session as the
   * provider has it afterwards. A session that is no longer open is no error: it comes back
   * `expired`, or `complete` when the client finished checkout first (`paid`, or `unpaid`
   * while a delayed payment method settles). Callers deciding what the deadline means must
   * read that status: the provider's refusal to expire a completed session is how we learn
   * the client paid before it.
   */
  expireCheckoutSession(input: {
    sessionId: string;
    idempotencyKey: string;
  }): Promise<CheckoutSession>;
  /** The session as the provider has it now (for reconciling a webhook against fresh state). */
  retrieveCheckoutSession(sessionId: string): Promise<CheckoutSession>;
  /** The charge behind a payment intent: its id (`source_transaction`), amount and fee. */
  retrieveCharge(input: { paymentIntentId: string }): Promise<ChargeInfo>;
  /** Refunds part or all of a payment. */
  refund(input: RefundInput): Promise<RefundResult>;

  // --- Stripe Connect (separate charges and transfers) ---

  /**
   * Creates the advisor's Express account (v1 accounts with controller properties,
   * `transfers` requested). The idempotency key is derived from the advisor id, so a
   * second call (a double click, a retried job) returns the same account.
   */
  createExpressAccount(input: CreateExpressAccountInput): Promise<ConnectAccount>;
  /** A fresh single-use onboarding link (`account_onboarding`); never store or log its url. */
  createAccountLink(input: {
    accountId: string;
    refreshUrl: string;
    returnUrl: string;
  }): Promise<AccountLink>;
  /** The account as the provider has it now (capabilities, requirements). */
  retrieveAccount(accountId: string): Promise<ConnectAccount>;
  /**
   * Transfers a payout item's amount to a connected account, funded by the charge it came
   * from (`source_transaction`). The item id is the idempotency key. Refusals are
   * `ProviderRejectedError` with Stripe's code: `balance_insufficient`,
   * `insufficient_capabilities_for_transfer`, …; timeouts and 5xx/429 are
   * `ProviderUnavailableError` (the request may have reached the provider: retry with the
   * same key).
   */
  createTransfer(input: CreateTransferInput): Promise<TransferInfo>;
  /** Reverses (part of) a transfer; the reversal row id is the idempotency key. */
  createTransferReversal(input: CreateReversalInput): Promise<TransferReversalInfo>;
  /** The provider's own records, for reconciliation: everything created in `[from, to)`, all pages. */
  listTransfers(input: { from: Date; to: Date }): Promise<TransferInfo[]>;
  listRefunds(input: { from: Date; to: Date }): Promise<RefundInfo[]>;
  listBalanceTransactions(input: { from: Date; to: Date }): Promise<BalanceTransactionInfo[]>;
}

export type CreateExpressAccountInput = {
  advisorId: string;
  email: string | null;
  /** ISO 3166-1 alpha-2, e.g. "US". */
  country: string;
  /** E.g. `account:<advisor id>`. */
  idempotencyKey: string;
};

export type ConnectAccount = {
  id: string;
  /** `capabilities.transfers`; null when not requested. */
  transfersCapability: "active" | "inactive" | "pending" | null;
  payoutsEnabled: boolean;
  detailsSubmitted: boolean;
  currentlyDue: string[];
  eventuallyDue: string[];
  pastDue: string[];
  disabledReason: string | null;
};

export type AccountLink = { url: string; expiresAt: Date };

export type CreateTransferInput = {
  /** Our payout item id: the idempotency key (`transfer:<id>`) and metadata. */
  payoutItemId: string;
  consultationId: string;
  amount: Money;
  destinationAccountId: string;
  /** The charge id (`ch_…`), never a payment intent id. */
  sourceChargeId: string;
  transferGroup: string;
};

export type TransferInfo = {
  id: string;
  amount: number;
  currency: string;
  destination: string;
  sourceTransaction: string | null;
  transferGroup: string | null;
  amountReversed: number;
  /** Our ids from the metadata. */
  payoutItemId: string | null;
  consultationId: string | null;
  created: Date;
};

export type CreateReversalInput = {
  /** Our reversal row id: the idempotency key (`reversal:<id>`). */
  reversalId: string;
  transferId: string;
  amount: Money;
  consultationId: string;
};

export type TransferReversalInfo = {
  id: string;
  transferId: string;
  amount: number;
  currency: string;
};

export type RefundInfo = {
  id: string;
  amount: number;
  currency: string;
  status: string;
  paymentIntentId: string | null;
  chargeId: string | null;
  /** Our refund row id from the metadata. */
  refundId: string | null;
  created: Date;
};

export type BalanceTransactionInfo = {
  id: string;
  /** Stripe's `type`: `charge`, `refund`, `transfer`, `transfer_refund`, `adjustment`, … */
  type: string;
  amount: number;
  fee: number;
  net: number;
  currency: string;
  /** The object it is for (`ch_…`, `re_…`, `tr_…`, `trr_…`, `dp_…`). */
  source: string | null;
  created: Date;
};

export type CreateCheckoutInput = {
  /** Our payment row id; also the idempotency key's base. */
  paymentId: string;
  consultationId: string;
  advisorId: string;
  amount: Money;
  /** What the client sees on the page, e.g. "60-minute consultation with Ada L." */
  description: string;
  customerEmail: string | null;
  /** 30 minutes to 24 hours from now (Stripe's limits). */
  expiresAt: Date;
  successUrl: string;
  cancelUrl: string;
  locale?: string;
};

export type CheckoutSession = {
  id: string;
  url: string | null;
  status: "open" | "complete" | "expired";
  paymentStatus: "paid" | "unpaid" | "no_payment_required";
  amount: number;
  currency: string;
  paymentIntentId: string | null;
  /** Our ids, as put on the session's metadata. */
  consultationId: string | null;
  paymentId: string | null;
  expiresAt: Date;
};

export type ChargeInfo = {
  chargeId: string;
  amount: number;
  currency: string;
  amountRefunded: number;
  /** Stripe's fee in the charge's currency, null when the balance transaction isn't known yet. */
  processingFee: number | null;
  /** When the provider made the charge (Stripe's `created`); null when it didn't say. */
  created: Date | null;
};

export type RefundInput = {
  /** Our refund row id: the idempotency key. */
  refundId: string;
  paymentIntentId: string;
  amount: Money;
  reason: "requested_by_customer" | "duplicate" | "fraudulent";
  consultationId: string;
};

export type RefundResult = {
  providerRefundId: string;
  status: "succeeded" | "pending" | "failed" | "requires_action" | "canceled";
};

/** A booking as the scheduler reports it (reconciliation and simulator). */
export type SchedulingBooking = {
  uid: string;
  status: "accepted" | "pending" | "cancelled" | "rejected";
  startTime: Date;
  endTime: Date;
  eventTypeId: number | null;
  /** Booking metadata (where our booking token travels). */
  metadata: Record<string, string>;
  attendees: { email: string; name: string; timeZone: string | null }[];
  /** The uid this booking replaced, when it is a reschedule. */
  rescheduledFromUid: string | null;
};

/** The scheduler (Cal.com, or the simulated booking page). */
export interface SchedulingPort {
  readonly mode: "real" | "simulated";
  /**
   * The page a client books on: the advisor's event type with our booking token in
   * `metadata[bookingToken]` and the client's name and email prefilled.
   */
  bookingUrl(input: {
    eventType: string;
    bookingToken: string;
    name?: string | null;
    email?: string | null;
  }): string;
  /** Cancels a booking; cancelling one that is already cancelled is not an error. */
  cancelBooking(input: { bookingUid: string; reason: string }): Promise<void>;
  /** Bookings whose start lies in [from, to), newest first, all pages. */
  listBookings(input: { from: Date; to: Date }): Promise<SchedulingBooking[]>;
}

/**
 * A provider call that failed, with its kind: `throttled` (a 429: nothing was done, try
 * again after `retryAfterSeconds`), `outcome_unknown` (a timeout, 5xx or dropped
 * connection: the request may have taken effect, so retry with the same idempotency key)
 * or `rejected` (the provider refused; the same request won't succeed). `code` is the
 * provider's own (Stripe's `balance_insufficient`, `rate_limit`, …) when it gave one.
 * Every port method throws this for provider failures; anything else is a bug of ours.
 */
export class ProviderError extends Error {
  readonly kind: ProviderFailureKind;
  readonly code: string | null;
  /** Seconds the provider asked us to wait (`Retry-After`), when it said. */
  readonly retryAfterSeconds: number | null;
  constructor(
    kind: ProviderFailureKind,
    message: string,
    options: { cause?: unknown; retryAfterSeconds?: number | null; code?: string | null } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "ProviderError";
    this.kind = kind;
    this.code = options.code ?? null;
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
  }
}

/** Whether `error` is a provider failure, of `kind` when given. */
export function isProviderError(
  error: unknown,
  kind?: ProviderFailureKind,
): error is ProviderError {
  return error instanceof ProviderError && (kind === undefined || error.kind === kind);
}

/** Stripe's code for a 429 (`rate_limit`): the one unavailability that did nothing. */
export const THROTTLED_CODE = "rate_limit";

/**
 * A provider call failed in a way worth retrying later (5xx, network, 429): `throttled`
 * when the provider said it was pacing us, `outcome_unknown` otherwise. Without an
 * explicit kind, Stripe's `rate_limit` code means throttled.
 */
export class ProviderUnavailableError extends ProviderError {
  declare readonly kind: "throttled" | "outcome_unknown";
  constructor(
    message: string,
    options: {
      cause?: unknown;
      retryAfterSeconds?: number | null;
      code?: string | null;
      kind?: "throttled" | "outcome_unknown";
    } = {},
  ) {
    super(
      options.kind ?? (options.code === THROTTLED_CODE ? "throttled" : "outcome_unknown"),
      message,
      options,
    );
    this.name = "ProviderUnavailableError";
  }
}

/** The provider refused the request; retrying the same request won't help. */
export class ProviderRejectedError extends ProviderError {
  declare readonly kind: "rejected";
  constructor(message: string, options: { cause?: unknown; code?: string | null } = {}) {
    super("rejected", message, options);
    this.name = "ProviderRejectedError";
  }
}
