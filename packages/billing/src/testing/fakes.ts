import type {
  ChargeInfo,
  CheckoutSession,
  ConnectAccount,
  CreateCheckoutInput,
  PaymentPort,
  ProviderInvoice,
  ProviderSubscription,
  RefundInput,
  RefundResult,
  SchedulingBooking,
  SchedulingPort,
  SubscriptionBillingPort,
} from "../ports";
import { ProviderRejectedError } from "../ports";

/*
 * Small fake providers for tests that run our code against them: they record what they
 * were asked and answer the way the real ones would (the real adapters are
 * contract-tested against a loopback server).
 */

/** The payment provider, faked: records calls, answers like Stripe would, fails on request. */
export class FakePayments implements PaymentPort {
  readonly mode = "simulated" as const;
  readonly checkouts: CreateCheckoutInput[] = [];
  readonly expired: string[] = [];
  readonly refunds: RefundInput[] = [];
  readonly chargeLookups: string[] = [];
  /** Thrown by the next call of that method, then cleared. */
  fail: Partial<
    Record<"createCheckoutSession" | "expireCheckoutSession" | "retrieveCharge" | "refund", Error>
  > = {};
  processingFee: number | null = 380;
  /** What `retrieveCharge` says was charged, in minor units (the test quote's price). */
  chargeAmount = 12_000;
  /** The charge's time at the provider (Stripe's `created`), when a test sets one. */
  chargeCreated: Date | null = null;
  refundStatus: RefundResult["status"] = "pending";
  /** The charge's balance transaction, when a test sets one (a converted charge). */
  chargeSettlement: ChargeInfo["settlement"] = null;
  /** What a refund took from the balance, when a test sets it. */
  refundSettlement: RefundResult["settlement"] = null;
  /** What `retrieveCharge` says was refunded on a payment intent's charge, when a test sets it. */
  readonly refundedByIntent = new Map<string, number>();

  private take(method: keyof FakePayments["fail"]) {
    const error = this.fail[method];
    if (error) {
      delete this.fail[method];
      throw error;
    }
  }

  /** The sessions this provider opened, as it has them now. */
  readonly sessions = new Map<string, CheckoutSession>();

  createCheckoutSession(input: CreateCheckoutInput): Promise<CheckoutSession> {
    this.take("createCheckoutSession");
    this.checkouts.push(input);
    const session: CheckoutSession = {
      id: `cs_${input.paymentId}`,
      url: `https://checkout.test/pay/cs_${input.paymentId}`,
      status: "open",
      paymentStatus: "unpaid",
      amount: input.amount.amount,
      currency: input.amount.currency.toLowerCase(),
      paymentIntentId: null,
      consultationId: input.consultationId,
      paymentId: input.paymentId,
      expiresAt: input.expiresAt,
    };
    this.sessions.set(session.id, session);
    return Promise.resolve({ ...session });
  }

  /** The client finishes checkout (a card pays; a delayed method leaves it `unpaid`). */
  completeSession(sessionId: string, paymentStatus: "paid" | "unpaid" = "paid"): CheckoutSession {
    const session = this.sessions.get(sessionId);
    if (!session || session.status !== "open") throw new Error(`session ${sessionId} not open`);
    const paymentId = session.paymentId ?? sessionId;
    const done: CheckoutSession = {
      ...session,
      status: "complete",
      paymentStatus,
      url: null,
      paymentIntentId: `pi_${paymentId.slice(0, 8)}`,
    };
    this.sessions.set(sessionId, done);
    return done;
  }

  /** Like Stripe: an open session expires; any other comes back as it is. */
  expireCheckoutSession(input: {
    sessionId: string;
    idempotencyKey: string;
  }): Promise<CheckoutSession> {
    this.take("expireCheckoutSession");
    this.expired.push(input.sessionId);
    const session = this.sessions.get(input.sessionId);
    if (!session) {
      return Promise.reject(
        new ProviderRejectedError(`No such checkout.session: '${input.sessionId}'`, {
          code: "resource_missing",
        }),
      );
    }
    if (session.status === "open") {
      this.sessions.set(input.sessionId, { ...session, status: "expired", url: null });
    }
    return Promise.resolve({ ...this.sessions.get(input.sessionId)! });
  }

  retrieveCheckoutSession(sessionId: string): Promise<CheckoutSession> {
    const session = this.sessions.get(sessionId);
    return session
      ? Promise.resolve({ ...session })
      : Promise.reject(
          new ProviderRejectedError(`No such checkout.session: '${sessionId}'`, {
            code: "resource_missing",
          }),
        );
  }

  retrieveCharge(input: { paymentIntentId: string }): Promise<ChargeInfo> {
    this.take("retrieveCharge");
    this.chargeLookups.push(input.paymentIntentId);
    return Promise.resolve({
      chargeId: `ch_${input.paymentIntentId.slice(3)}`,
      amount: this.chargeAmount,
      currency: "usd",
      amountRefunded: this.refundedByIntent.get(input.paymentIntentId) ?? 0,
      processingFee: this.processingFee,
      settlement: this.chargeSettlement,
      created: this.chargeCreated,
    });
  }

  refund(input: RefundInput): Promise<RefundResult> {
    this.take("refund");
    this.refunds.push(input);
    return Promise.resolve({
      providerRefundId: `re_${input.refundId.slice(0, 8)}`,
      status: this.refundStatus,
      settlement: this.refundSettlement,
    });
  }

  /** Connected accounts as the provider has them now; `retrieveAccount` reads these. */
  readonly accounts = new Map<string, ConnectAccount>();
  readonly accountLookups: string[] = [];
  /** Thrown by the next `retrieveAccount`, then cleared. */
  failRetrieveAccount: Error | null = null;

  retrieveAccount(accountId: string): Promise<ConnectAccount> {
    this.accountLookups.push(accountId);
    const error = this.failRetrieveAccount;
    if (error) {
      this.failRetrieveAccount = null;
      return Promise.reject(error);
    }
    const account = this.accounts.get(accountId);
    return account
      ? Promise.resolve(structuredClone(account))
      : Promise.reject(
          new ProviderRejectedError(`No such account: '${accountId}'`, {
            code: "resource_missing",
          }),
        );
  }

  // Payouts run against the simulated provider in their own tests; these aren't used here.
  createExpressAccount = notUsed;
  createAccountLink = notUsed;
  createTransfer = notUsed;
  createTransferReversal = notUsed;
  listTransfers = notUsed;
  listRefunds = notUsed;
  listBalanceTransactions = notUsed;
}

function notUsed(): Promise<never> {
  return Promise.reject(new Error("not used by these tests"));
}

/** The scheduler, faked: records cancellations and lists the bookings a test gives it. */
export class FakeScheduling implements SchedulingPort {
  readonly mode = "simulated" as const;
  readonly cancelled: { bookingUid: string; reason: string }[] = [];
  bookings: SchedulingBooking[] = [];
  fail: Error | null = null;

  bookingUrl(input: { eventType: string; bookingToken: string }): string {
    return `https://cal.test/${input.eventType}?metadata[bookingToken]=${input.bookingToken}`;
  }

  cancelBooking(input: { bookingUid: string; reason: string }): Promise<void> {
    if (this.fail) {
      const error = this.fail;
      this.fail = null;
      return Promise.reject(error);
    }
    this.cancelled.push(input);
    return Promise.resolve();
  }

  listBookings(): Promise<SchedulingBooking[]> {
    return Promise.resolve(this.bookings);
  }
}

/**
 * Stripe Billing, faked and scripted: a test sets the provider's state directly (each
 * customer's subscriptions and invoices) and the sync reads it back; every call is
 * recorded. `fail` makes the next call of a method throw.
 */
export class FakeSubscriptions implements SubscriptionBillingPort {
  readonly mode = "simulated" as const;
  /** The provider's state per customer id, newest first as Stripe lists them. */
  readonly subscriptionsOf = new Map<string, ProviderSubscription[]>();
  readonly invoicesOf = new Map<string, ProviderInvoice[]>();
  customers: { id: string; userId: string | null }[] = [];
  readonly calls: { method: string; args: unknown }[] = [];
  fail: Partial<
    Record<"listCustomerSubscriptions" | "listCustomerInvoices" | "listCustomers", Error>
  > = {};

  private take(method: keyof FakeSubscriptions["fail"], args: unknown) {
    this.calls.push({ method, args });
    const error = this.fail[method];
    if (error) {
      delete this.fail[method];
      throw error;
    }
  }

  /** Replaces what the provider holds for a customer. */
  setState(
    customerId: string,
    state: { subscriptions?: ProviderSubscription[]; invoices?: ProviderInvoice[] },
  ): void {
    if (state.subscriptions)
      this.subscriptionsOf.set(customerId, structuredClone(state.subscriptions));
    if (state.invoices) this.invoicesOf.set(customerId, structuredClone(state.invoices));
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- a provider call: failures reject
  async listCustomerSubscriptions(customerId: string): Promise<ProviderSubscription[]> {
    this.take("listCustomerSubscriptions", customerId);
    return structuredClone(this.subscriptionsOf.get(customerId) ?? []);
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- a provider call: failures reject
  async listCustomerInvoices(customerId: string): Promise<ProviderInvoice[]> {
    this.take("listCustomerInvoices", customerId);
    return structuredClone(this.invoicesOf.get(customerId) ?? []);
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- a provider call: failures reject
  async listCustomers(): Promise<{ id: string; userId: string | null }[]> {
    this.take("listCustomers", null);
    return structuredClone(this.customers);
  }

  // The sync only reads; checkout, portal and plan management have their own tests.
  createCustomer = notUsed;
  createSubscriptionCheckout = notUsed;
  retrieveSubscriptionCheckout = notUsed;
  expireSubscriptionCheckout = notUsed;
  createPortalSession = notUsed;
  cancelSubscription = notUsed;
  resumeSubscription = notUsed;
  createPlanProduct = notUsed;
  createPlanPrice = notUsed;
  deactivatePlanPrice = notUsed;
}

export function fakeSubscriptions(): FakeSubscriptions {
  return new FakeSubscriptions();
}

/** A provider subscription with Stripe-like defaults, for tests to adjust. */
export function providerSubscription(
  input: Pick<ProviderSubscription, "id" | "customerId" | "priceId"> &
    Partial<ProviderSubscription>,
): ProviderSubscription {
  const created = input.created ?? new Date("2026-01-01T00:00:00Z");
  return {
    status: "active",
    productId: null,
    amount: 1_500,
    currency: "USD",
    interval: "month",
    currentPeriodStart: created,
    currentPeriodEnd: new Date(created.getTime() + 30 * 86_400_000),
    cancelAtPeriodEnd: false,
    cancelAt: null,
    canceledAt: null,
    endedAt: null,
    trialEnd: null,
    startDate: created,
    created,
    pending: null,
    card: { brand: "visa", last4: "4242" },
    latestInvoiceId: null,
    userId: null,
    ...input,
  };
}

/** A provider invoice with Stripe-like defaults, for tests to adjust. */
export function providerInvoice(
  input: Pick<ProviderInvoice, "id" | "customerId" | "subscriptionId"> & Partial<ProviderInvoice>,
): ProviderInvoice {
  const created = input.created ?? new Date("2026-01-01T00:00:00Z");
  return {
    status: "paid",
    billingReason: "subscription_create",
    currency: "USD",
    amountDue: 1_500,
    amountPaid: 1_500,
    creditedAfterPayment: 0,
    attemptCount: 1,
    nextPaymentAttempt: null,
    hostedInvoiceUrl: `https://invoice.test/${input.id}`,
    periodStart: created,
    periodEnd: new Date(created.getTime() + 30 * 86_400_000),
    paidAt: created,
    created,
    paymentIntentId: `pi_${input.id.replace(/^in_/, "")}`,
    paymentIntentStatus: "succeeded",
    ...input,
  };
}
