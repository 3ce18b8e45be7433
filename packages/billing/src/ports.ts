import type { Money } from "@an/domain";

/**
 * The payment provider as the rest of the system sees it: Stripe in production, the
 * simulated provider in development. Every mutating call takes an idempotency key derived
 * from one of our own rows, so a retried job can never charge or refund twice.
 */
export interface PaymentPort {
  readonly mode: "real" | "simulated";
  /** A hosted checkout page for one consultation (Checkout Session, mode `payment`). */
  createCheckoutSession(input: CreateCheckoutInput): Promise<CheckoutSession>;
  /** Expires an open session so it can no longer be paid. Expiring an expired one is fine. */
  expireCheckoutSession(input: { sessionId: string; idempotencyKey: string }): Promise<void>;
  /** The session as the provider has it now (for reconciling a webhook against fresh state). */
  retrieveCheckoutSession(sessionId: string): Promise<CheckoutSession>;
  /** The charge behind a payment intent: its id (`source_transaction`), amount and fee. */
  retrieveCharge(input: { paymentIntentId: string }): Promise<ChargeInfo>;
  /** Refunds part or all of a payment. */
  refund(input: RefundInput): Promise<RefundResult>;
}

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

/** A provider call failed in a way worth retrying later (5xx, network, 429). */
export class ProviderUnavailableError extends Error {
  readonly retryAfterSeconds: number | null;
  constructor(
    message: string,
    options: { cause?: unknown; retryAfterSeconds?: number | null } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = "ProviderUnavailableError";
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
  }
}

/** The provider refused the request; retrying the same request won't help. */
export class ProviderRejectedError extends Error {
  readonly code: string | null;
  constructor(message: string, options: { cause?: unknown; code?: string | null } = {}) {
    super(message, { cause: options.cause });
    this.name = "ProviderRejectedError";
    this.code = options.code ?? null;
  }
}
