import type {
  ProviderInvoice,
  ProviderSubscription,
  SubscriptionBillingPort,
  SubscriptionCheckout,
} from "../ports";

type Method = Exclude<keyof SubscriptionBillingPort, "mode">;

/** One call the fake was asked, in order. */
export type RecordedBillingCall = { method: Method; input: unknown };

/**
 * Stripe Billing, faked for router and workflow tests: records every call in order,
 * answers like Stripe would (an idempotency key seen before returns the first answer), can
 * be made slow (`delayMs`, to race two callers) or fail once (`fail`), and keeps the
 * customers' subscriptions so `listCustomerSubscriptions` reads them back. A test plays
 * the customer paying with {@link FakeSubscriptionBilling.completeCheckout}.
 */
export type FakeSubscriptionBilling = SubscriptionBillingPort & {
  calls: RecordedBillingCall[];
  /** Calls of one method, in order. */
  callsOf(method: Method): unknown[];
  /** Milliseconds each call waits before answering. */
  delayMs: number;
  /** Thrown by the next call of that method, then cleared. */
  fail: Partial<Record<Method, Error>>;
  sessions: Map<string, SubscriptionCheckout & { priceId: string; trialDays: number }>;
  subscriptions: Map<string, ProviderSubscription>;
  /** The customer pays the session: it completes and its subscription exists (active or trialing). */
  completeCheckout(sessionId: string, at?: Date): ProviderSubscription;
};

export function fakeSubscriptionBilling(): FakeSubscriptionBilling {
  const answers = new Map<string, unknown>();
  let seq = 0;
  const fake: Omit<FakeSubscriptionBilling, Method> = {
    mode: "simulated",
    calls: [],
    delayMs: 0,
    fail: {},
    sessions: new Map(),
    subscriptions: new Map(),
    callsOf(method) {
      return fake.calls.filter((c) => c.method === method).map((c) => c.input);
    },
    completeCheckout(sessionId, at = new Date()) {
      const session = fake.sessions.get(sessionId);
      if (!session || session.status !== "open") throw new Error(`no open session ${sessionId}`);
      const trialing = session.trialDays > 0;
      const end = new Date(at.getTime() + (trialing ? session.trialDays : 30) * 86_400_000);
      const sub: ProviderSubscription = {
        id: `sub_${(seq += 1)}`,
        customerId: session.customerId!,
        status: trialing ? "trialing" : "active",
        priceId: session.priceId,
        productId: null,
        amount: 0,
        currency: "USD",
        interval: "month",
        currentPeriodStart: at,
        currentPeriodEnd: end,
        cancelAtPeriodEnd: false,
        cancelAt: null,
        canceledAt: null,
        endedAt: null,
        trialEnd: trialing ? end : null,
        startDate: at,
        created: at,
        pending: null,
        card: { brand: "visa", last4: "4242" },
        latestInvoiceId: null,
        userId: session.userId,
      };
      fake.subscriptions.set(sub.id, sub);
      fake.sessions.set(sessionId, { ...session, status: "complete", subscriptionId: sub.id });
      return sub;
    },
  };

  async function run<T>(method: Method, input: unknown, key: string | null, answer: () => T) {
    fake.calls.push({ method, input });
    if (fake.delayMs > 0) await new Promise((r) => setTimeout(r, fake.delayMs));
    const error = fake.fail[method];
    if (error) {
      delete fake.fail[method];
      throw error;
    }
    if (key && answers.has(key)) return answers.get(key) as T;
    const value = answer();
    if (key) answers.set(key, value);
    return value;
  }

  const sub = (id: string) => {
    const found = fake.subscriptions.get(id);
    if (!found) throw new Error(`no subscription ${id}`);
    return found;
  };

  const port = {
    createCustomer: (input) =>
      run("createCustomer", input, input.idempotencyKey, () => ({ id: `cus_${(seq += 1)}` })),
    createSubscriptionCheckout: (input) =>
      run("createSubscriptionCheckout", input, `checkout:${input.checkoutId}`, () => {
        const session = {
          id: `cs_sub_${(seq += 1)}`,
          url: `https://checkout.test/sub/${seq}`,
          status: "open" as const,
          customerId: input.customerId,
          subscriptionId: null,
          userId: input.userId,
          checkoutId: input.checkoutId,
          expiresAt: input.expiresAt,
          priceId: input.priceId,
          trialDays: input.trialDays,
        };
        fake.sessions.set(session.id, session);
        return session;
      }),
    retrieveSubscriptionCheckout: (id) =>
      run("retrieveSubscriptionCheckout", id, null, () => fake.sessions.get(id)!),
    expireSubscriptionCheckout: (input) =>
      run("expireSubscriptionCheckout", input, input.idempotencyKey, () => {
        const session = fake.sessions.get(input.sessionId)!;
        const expired = { ...session, status: "expired" as const };
        fake.sessions.set(session.id, expired);
        return expired;
      }),
    createPortalSession: (input) =>
      run("createPortalSession", input, null, () => ({
        url: `https://billing.test/portal/${(seq += 1)}`,
      })),
    listCustomerSubscriptions: (customerId) =>
      run("listCustomerSubscriptions", customerId, null, () =>
        [...fake.subscriptions.values()]
          .filter((s) => s.customerId === customerId)
          .sort((a, b) => b.created.getTime() - a.created.getTime()),
      ),
    listCustomerInvoices: (customerId) =>
      run("listCustomerInvoices", customerId, null, (): ProviderInvoice[] => []),
    cancelSubscription: (input) =>
      run("cancelSubscription", input, input.idempotencyKey, () => {
        const now = new Date();
        const current = sub(input.subscriptionId);
        const next: ProviderSubscription = input.atPeriodEnd
          ? { ...current, cancelAtPeriodEnd: true, cancelAt: current.currentPeriodEnd }
          : { ...current, status: "canceled", canceledAt: now, endedAt: now };
        fake.subscriptions.set(next.id, next);
        return next;
      }),
    resumeSubscription: (input) =>
      run("resumeSubscription", input, input.idempotencyKey, () => {
        const next = { ...sub(input.subscriptionId), cancelAtPeriodEnd: false, cancelAt: null };
        fake.subscriptions.set(next.id, next);
        return next;
      }),
    createPlanProduct: (input) =>
      run("createPlanProduct", input, input.idempotencyKey, () => ({ id: `prod_${(seq += 1)}` })),
    createPlanPrice: (input) =>
      run("createPlanPrice", input, input.idempotencyKey, () => ({ id: `price_${(seq += 1)}` })),
    deactivatePlanPrice: (input) => run("deactivatePlanPrice", input, null, () => undefined),
    listCustomers: () => run("listCustomers", null, null, () => []),
  } satisfies Omit<SubscriptionBillingPort, "mode">;
  return Object.assign(fake, port);
}
