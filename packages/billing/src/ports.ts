import type { Money, ProviderFailureKind, SubscriptionStatus } from "@an/domain";

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
  /** ISO 3166-1 alpha-2, e.g. "US": the advisor's country. */
  country: string;
  /**
   * `full` (Stripe's default) for an account in the platform's region; `recipient` for a
   * cross-border one, which only receives transfers (`tos_acceptance.service_agreement`,
   * fixed once the advisor accepts). Decided by the domain's `planConnectAccount`.
   */
  serviceAgreement: "full" | "recipient";
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
  /** In the charge's currency. */
  amount: number;
  currency: string;
  status: string;
  /** What left the platform's balance for it (its balance transaction), when known. */
  settlement?: Settlement | null;
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
  /** Decimal string when Stripe converted the source's currency into `currency`. */
  exchangeRate?: string | null;
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

/**
 * How money landed in (or left) the platform's balance: the balance transaction's amount
 * and currency (a settlement currency), and the rate when Stripe converted.
 */
export type Settlement = {
  /** Minor units of `currency`, unsigned (what the balance received or paid). */
  amount: number;
  /** Uppercase ISO code. */
  currency: string;
  /** Decimal string (source amount × rate = `amount`, major units); null when not converted. */
  exchangeRate: string | null;
};

export type ChargeInfo = {
  chargeId: string;
  amount: number;
  currency: string;
  amountRefunded: number;
  /**
   * Stripe's fee, in the settlement currency (`settlement.currency`); null when the
   * balance transaction isn't known yet.
   */
  processingFee: number | null;
  /** The charge's balance transaction; null (or absent) when it isn't known yet. */
  settlement?: Settlement | null;
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
  /**
   * What left the platform's balance (the refund's balance transaction): for a converted
   * charge, the settlement currency at the rate of the refund's moment. Null (or absent)
   * when unknown.
   */
  settlement?: Settlement | null;
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

// ---------------------------------------------------------------------------------------
// Platform subscriptions (Stripe Billing)

/**
 * Stripe Billing as the platform's own subscriptions use it: customers, subscription-mode
 * Checkout, the customer portal, subscriptions and invoices. Reads return the provider's
 * current state (the sync never trusts an event's payload); every mutating call takes an
 * idempotency key derived from one of our rows. Failures are `ProviderError`s, as for
 * {@link PaymentPort}.
 */
export interface SubscriptionBillingPort {
  readonly mode: "real" | "simulated";
  /** Creates the user's customer; `idempotencyKey` is `customer:<user id>`, so a retry returns the same one. */
  createCustomer(input: {
    userId: string;
    email: string | null;
    name: string | null;
    /** The user's locale, for Stripe's emails and pages (`preferred_locales`). */
    locale: string | null;
    idempotencyKey: string;
  }): Promise<{ id: string }>;
  /**
   * A Checkout Session in `subscription` mode for one allowlisted price. Our user id and
   * checkout row id travel in the session's and the subscription's metadata.
   */
  createSubscriptionCheckout(input: {
    /** Our `billing_checkouts` row id (`checkout:<id>` is the idempotency key). */
    checkoutId: string;
    userId: string;
    customerId: string;
    priceId: string;
    trialDays: number;
    /** 30 minutes to 24 hours from now. */
    expiresAt: Date;
    successUrl: string;
    cancelUrl: string;
    locale?: string;
  }): Promise<SubscriptionCheckout>;
  retrieveSubscriptionCheckout(sessionId: string): Promise<SubscriptionCheckout>;
  /** Expires an open session (a newer checkout replaces it); a finished one comes back as is. */
  expireSubscriptionCheckout(input: {
    sessionId: string;
    idempotencyKey: string;
  }): Promise<SubscriptionCheckout>;
  /**
   * A customer portal session. Plan switches are limited to `allowedPrices` (the
   * allowlist, grouped by Stripe product); upgrades are prorated and invoiced at once,
   * downgrades scheduled for the period's end.
   */
  createPortalSession(input: {
    customerId: string;
    returnUrl: string;
    locale?: string;
    allowedPrices: { productId: string; priceIds: string[] }[];
  }): Promise<{ url: string }>;
  /** Every subscription of the customer, in any status, newest first. */
  listCustomerSubscriptions(customerId: string): Promise<ProviderSubscription[]>;
  /** The customer's invoices, newest first (the most recent 100). */
  listCustomerInvoices(customerId: string): Promise<ProviderInvoice[]>;
  /** Cancels now (`atPeriodEnd` false) or at the end of the period; `reason` goes to Stripe's cancellation comment. */
  cancelSubscription(input: {
    subscriptionId: string;
    atPeriodEnd: boolean;
    reason: string | null;
    idempotencyKey: string;
  }): Promise<ProviderSubscription>;
  /** Undoes a cancellation at period end. */
  resumeSubscription(input: {
    subscriptionId: string;
    idempotencyKey: string;
  }): Promise<ProviderSubscription>;
  /** The Stripe product behind a plan; `idempotencyKey` is `product:<plan id>`. */
  createPlanProduct(input: {
    planId: string;
    planKey: string;
    name: string;
    idempotencyKey: string;
  }): Promise<{ id: string }>;
  /** A recurring price of a plan's product; `idempotencyKey` is `price:<plan price id>`. */
  createPlanPrice(input: {
    planPriceId: string;
    productId: string;
    currency: string;
    interval: "month" | "year";
    amount: number;
    idempotencyKey: string;
  }): Promise<{ id: string }>;
  /** Stops a price being used for new subscriptions at the provider (existing ones keep it). */
  deactivatePlanPrice(input: { priceId: string }): Promise<void>;
  /** Customers with our user id in their metadata, for the nightly reconciliation (all pages). */
  listCustomers(): Promise<{ id: string; userId: string | null }[]>;
}

export type SubscriptionCheckout = {
  id: string;
  url: string | null;
  status: "open" | "complete" | "expired";
  customerId: string | null;
  subscriptionId: string | null;
  /** Our ids from the session's metadata. */
  userId: string | null;
  checkoutId: string | null;
  expiresAt: Date;
};

/** A subscription as the provider has it now. Period fields come from its (single) item. */
export type ProviderSubscription = {
  id: string;
  customerId: string;
  status: SubscriptionStatus;
  priceId: string;
  productId: string | null;
  /** Minor units per interval (the price's `unit_amount` × quantity). */
  amount: number;
  /** Uppercase ISO code. */
  currency: string;
  interval: "day" | "week" | "month" | "year" | null;
  currentPeriodStart: Date | null;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  cancelAt: Date | null;
  canceledAt: Date | null;
  endedAt: Date | null;
  trialEnd: Date | null;
  startDate: Date | null;
  created: Date;
  /** A change scheduled for a later phase (a downgrade at period end). */
  pending: { priceId: string; at: Date } | null;
  card: { brand: string; last4: string } | null;
  latestInvoiceId: string | null;
  /** Our ids from the metadata. */
  userId: string | null;
};

export type ProviderInvoice = {
  id: string;
  customerId: string;
  subscriptionId: string | null;
  status: "draft" | "open" | "paid" | "uncollectible" | "void";
  billingReason: string | null;
  currency: string;
  amountDue: number;
  amountPaid: number;
  /** Credit notes issued after payment (`post_payment_credit_notes_amount`). */
  creditedAfterPayment: number;
  attemptCount: number;
  nextPaymentAttempt: Date | null;
  hostedInvoiceUrl: string | null;
  periodStart: Date | null;
  periodEnd: Date | null;
  paidAt: Date | null;
  created: Date;
  /** The payment intent of its (latest) payment; its status tells whether 3-D Secure is needed. */
  paymentIntentId: string | null;
  paymentIntentStatus: string | null;
};
