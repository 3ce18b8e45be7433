import type { BillingConfig } from "../config";
import {
  type ChargeInfo,
  type CheckoutSession,
  type CreateCheckoutInput,
  type PaymentPort,
  ProviderRejectedError,
  ProviderUnavailableError,
  type RefundInput,
  type RefundResult,
} from "../ports";
import type { ChargeObject, PaymentIntentObject, RefundObject } from "../wire/stripe";
import { createSimulatedConnect, type SimConnectApi, type SimConnectControls } from "./connect";
import { createSimulatedDisputes, type SimDisputes } from "./disputes";
import { createSimFx, type SimFx } from "./fx";
import { simIdempotency } from "./idempotency";
import { simStripeId, unixSeconds } from "./ids";
import { SIM_KIND } from "./kinds";
import { createSimRateLimiter, type SimRequestStats, rateLimitedApi } from "./rate-limit";
import type { SimChargeRecord, SimCheckoutRecord } from "./records";
import { missing } from "./refusals";
import { recordSimBalanceTransaction } from "./reports";
import type { SimulatorRuntime } from "./store";
import { simProcessingFee, stripeEvent } from "./stripe-events";

/** The simulated payment provider: the port plus what the simulated pages do. */
export type SimulatedPayments = PaymentPort &
  SimConnectControls &
  SimDisputes & {
    /** Requests the simulated API accepted and refused for the rate limit, since the last reset. */
    getRequestStats(): Promise<SimRequestStats>;
    resetRequestStats(): Promise<void>;
    readonly mode: "simulated";
    getCheckout(sessionId: string): Promise<SimCheckoutRecord | null>;
    getCharge(chargeId: string): Promise<SimChargeRecord | null>;
    /** The client pays by card: session complete and paid, `checkout.session.completed`. */
    paySession(sessionId: string): Promise<SimCheckoutRecord>;
    /**
     * The client pays with a delayed payment method that later fails: the session completes
     * unpaid (`checkout.session.completed`, payment_status `unpaid`), then
     * `checkout.session.async_payment_failed`. As on Stripe the session stays `complete` and
     * `unpaid` for good, with a payment intent back in `requires_payment_method` and no
     * successful charge; paying again needs a new session.
     */
    failSession(sessionId: string): Promise<SimCheckoutRecord>;
    /** The client walks away: the session expires (`checkout.session.expired`). */
    abandonSession(sessionId: string): Promise<SimCheckoutRecord>;
    /** Settlement currencies and exchange rates (tests move a rate between a charge and its refund). */
    readonly fx: SimFx;
  };

const KIND = SIM_KIND;

// Stripe's limits for `expires_at`; the lower bound gets a minute of slack because the
// caller computes it a moment before the request arrives.
const MIN_EXPIRY_MS = 30 * 60_000 - 60_000;
const MAX_EXPIRY_MS = 24 * 60 * 60_000;

/**
 * The simulated Stripe: Checkout Sessions, payment intents, charges (with Stripe's
 * standard fee), refunds and disputes kept in the `SimStore`, and Stripe-shaped events
 * handed to `runtime.deliver`, which signs and posts them to our own webhook route.
 * Mutating calls honour idempotency keys the way Stripe does: the same key returns the
 * first result; the same key with other parameters is refused (`idempotency_error`).
 */
export function createSimulatedPayments(
  config: BillingConfig,
  runtime: SimulatorRuntime,
): SimulatedPayments {
  const store = runtime.store;
  const now = runtime.now ?? (() => new Date());
  const deliver = (event: unknown) => runtime.deliver("stripe", JSON.stringify(event));

  const idempotent = simIdempotency(store, now);
  const fx = createSimFx(config, store);
  const disputes = createSimulatedDisputes({ store, now, deliver });

  async function loadCheckout(sessionId: string): Promise<SimCheckoutRecord> {
    const record = await store.get<SimCheckoutRecord>(KIND.session, sessionId);
    if (!record) throw missing("checkout.session", sessionId);
    return record;
  }

  /**
   * Moves an open session to `expired` and sends `checkout.session.expired`, once: the
   * change happens under the store's lock, and only the call that made it delivers.
   */
  async function expire(
    sessionId: string,
    request?: { id: string; idempotencyKey: string | null },
  ): Promise<SimCheckoutRecord> {
    const flag = { changed: false };
    const record = await store.update<SimCheckoutRecord>(KIND.session, sessionId, (current) => {
      if (current.session.status !== "open") return current;
      flag.changed = true;
      return { ...current, session: { ...current.session, status: "expired", url: null } };
    });
    if (!record) throw missing("checkout.session", sessionId);
    if (flag.changed) {
      await deliver(
        stripeEvent("checkout.session.expired", record.session, {
          now: now(),
          previousAttributes: { status: "open", url: sessionUrl(sessionId) },
          ...(request ? { request } : {}),
        }),
      );
    }
    return record;
  }

  /** Stripe expires a session at `expires_at` by itself; the simulator does it when next touched. */
  async function current(sessionId: string): Promise<SimCheckoutRecord> {
    const record = await loadCheckout(sessionId);
    if (record.session.status === "open" && unixSeconds(now()) >= record.session.expires_at) {
      return expire(sessionId);
    }
    return record;
  }

  function sessionUrl(sessionId: string): string {
    return `${config.publicApiUrl}/sim/checkout/${sessionId}`;
  }

  function assertOpen(record: SimCheckoutRecord): void {
    if (record.session.status !== "open") {
      throw new ProviderRejectedError(
        `This Checkout Session is ${record.session.status}; only an open session can be paid or expired.`,
        { code: "checkout_session_not_open" },
      );
    }
  }

  /** Completes an open session with the given payment; refused unless still open. */
  async function complete(
    sessionId: string,
    paymentStatus: "paid" | "unpaid",
    paymentIntentId: string,
    chargeId: string | null,
  ): Promise<SimCheckoutRecord> {
    const record = await store.update<SimCheckoutRecord>(KIND.session, sessionId, (cur) => {
      assertOpen(cur);
      return {
        ...cur,
        chargeId,
        session: {
          ...cur.session,
          status: "complete",
          payment_status: paymentStatus,
          payment_intent: paymentIntentId,
          url: null,
          customer_details: { email: cur.session.customer_email, name: null },
        },
      };
    });
    if (!record) throw missing("checkout.session", sessionId);
    return record;
  }

  function toCheckoutSession(record: SimCheckoutRecord): CheckoutSession {
    const s = record.session;
    return {
      id: s.id,
      url: s.url,
      status: s.status,
      paymentStatus: s.payment_status,
      amount: s.amount_total,
      currency: s.currency.toUpperCase(),
      paymentIntentId: s.payment_intent,
      consultationId: s.metadata.consultation_id ?? null,
      paymentId: s.metadata.payment_id ?? null,
      expiresAt: new Date(s.expires_at * 1000),
    };
  }

  async function chargeOfPaymentIntent(paymentIntentId: string): Promise<SimChargeRecord> {
    const pi = await store.get<PaymentIntentObject>(KIND.paymentIntent, paymentIntentId);
    if (!pi) throw missing("payment_intent", paymentIntentId);
    if (!pi.latest_charge) {
      // As the Stripe adapter reports it: no charge yet is worth asking again later.
      throw new ProviderUnavailableError(
        `Simulated payment intent ${paymentIntentId} has no charge (status ${pi.status}).`,
      );
    }
    const charge = await store.get<SimChargeRecord>(KIND.charge, pi.latest_charge);
    if (!charge) throw missing("charge", pi.latest_charge);
    return charge;
  }

  const port: Omit<
    SimulatedPayments,
    | keyof SimConnectApi
    | keyof SimConnectControls
    | keyof SimDisputes
    | "getRequestStats"
    | "resetRequestStats"
    | "fx"
  > = {
    mode: "simulated",

    async createCheckoutSession(input: CreateCheckoutInput) {
      const params = {
        paymentId: input.paymentId,
        consultationId: input.consultationId,
        advisorId: input.advisorId,
        amount: input.amount.amount,
        currency: input.amount.currency,
        description: input.description,
        customerEmail: input.customerEmail,
        expiresAt: input.expiresAt.toISOString(),
        successUrl: input.successUrl,
        cancelUrl: input.cancelUrl,
        locale: input.locale ?? null,
      };
      const sessionId = await idempotent(
        `checkout:${input.paymentId}`,
        "checkout.sessions.create",
        params,
        async () => {
          const at = now();
          if (!Number.isInteger(input.amount.amount) || input.amount.amount <= 0) {
            throw new ProviderRejectedError("amount must be a positive integer", {
              code: "parameter_invalid_integer",
            });
          }
          const ahead = input.expiresAt.getTime() - at.getTime();
          if (ahead < MIN_EXPIRY_MS || ahead > MAX_EXPIRY_MS) {
            throw new ProviderRejectedError(
              "The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.",
              { code: "parameter_invalid_integer" },
            );
          }
          const id = simStripeId("cs");
          const metadata = {
            consultation_id: input.consultationId,
            payment_id: input.paymentId,
            advisor_id: input.advisorId,
          };
          const record: SimCheckoutRecord = {
            session: {
              id,
              object: "checkout.session",
              amount_subtotal: input.amount.amount,
              amount_total: input.amount.amount,
              cancel_url: input.cancelUrl,
              client_reference_id: input.consultationId,
              created: unixSeconds(at),
              currency: input.amount.currency.toLowerCase(),
              customer_details: null,
              customer_email: input.customerEmail,
              expires_at: unixSeconds(input.expiresAt),
              livemode: false,
              locale: input.locale ?? null,
              metadata,
              mode: "payment",
              payment_intent: null,
              payment_method_types: ["card"],
              payment_status: "unpaid",
              status: "open",
              success_url: input.successUrl,
              url: sessionUrl(id),
            },
            description: input.description,
            advisorId: input.advisorId,
            paymentIntentData: {
              metadata,
              transfer_group: `consultation_${input.consultationId}`,
            },
            chargeId: null,
          };
          await store.put(KIND.session, id, record);
          return id;
        },
      );
      return toCheckoutSession(await loadCheckout(sessionId));
    },

    async expireCheckoutSession({ sessionId, idempotencyKey }) {
      await idempotent(idempotencyKey, "checkout.sessions.expire", { sessionId }, async () => {
        // Expired or completed both mean the page can no longer be paid (the Stripe adapter
        // treats Stripe's refusal the same way); the session's status says which.
        await current(sessionId);
        await expire(sessionId, { id: simStripeId("req"), idempotencyKey });
        return true;
      });
      return toCheckoutSession(await loadCheckout(sessionId));
    },

    async retrieveCheckoutSession(sessionId) {
      return toCheckoutSession(await current(sessionId));
    },

    async retrieveCharge({ paymentIntentId }): Promise<ChargeInfo> {
      const { charge, fee, settlement } = await chargeOfPaymentIntent(paymentIntentId);
      return {
        chargeId: charge.id,
        amount: charge.amount,
        currency: charge.currency.toUpperCase(),
        amountRefunded: charge.amount_refunded,
        processingFee: fee,
        settlement: {
          amount: settlement?.amount ?? charge.amount,
          currency: (settlement?.currency ?? charge.currency).toUpperCase(),
          exchangeRate: settlement?.rate ?? null,
        },
        created: new Date(charge.created * 1000),
      };
    },

    async refund(input: RefundInput): Promise<RefundResult> {
      const params = {
        paymentIntentId: input.paymentIntentId,
        amount: input.amount.amount,
        currency: input.amount.currency,
        reason: input.reason,
        consultationId: input.consultationId,
      };
      const key = `refund:${input.refundId}`;
      return idempotent(key, "refunds.create", params, async () => {
        const { charge: found, settlement } = await chargeOfPaymentIntent(input.paymentIntentId);
        const at = now();
        // A converted charge's refund is bought back in its currency at today's rate.
        const rate = settlement?.rate ? await fx.rate(found.currency, settlement.currency) : null;
        const settled = {
          currency: settlement?.currency ?? found.currency,
          amount: rate
            ? fx.convert(input.amount.amount, found.currency, rate, settlement!.currency)
            : input.amount.amount,
          rate,
        };
        const refund: RefundObject = {
          id: simStripeId("re"),
          object: "refund",
          amount: input.amount.amount,
          balance_transaction: simStripeId("txn"),
          charge: found.id,
          created: unixSeconds(at),
          currency: found.currency,
          metadata: { consultation_id: input.consultationId, refund_id: input.refundId },
          payment_intent: input.paymentIntentId,
          reason: input.reason,
          status: "succeeded",
        };
        const chargeDisputes = await disputes.listDisputes(found.id);
        const updated = await store.update<SimChargeRecord>(KIND.charge, found.id, (cur) => {
          const c = cur.charge;
          if (input.amount.currency.toLowerCase() !== c.currency) {
            throw new ProviderRejectedError(
              `The refund's currency (${input.amount.currency}) differs from the charge's (${c.currency.toUpperCase()}).`,
              { code: "parameter_invalid" },
            );
          }
          if (!Number.isInteger(input.amount.amount) || input.amount.amount <= 0) {
            throw new ProviderRejectedError("Refund amount must be a positive integer.", {
              code: "parameter_invalid_integer",
            });
          }
          if (chargeDisputes.some((d) => d.status !== "won")) {
            throw new ProviderRejectedError(`Charge ${c.id} has been disputed.`, {
              code: "charge_disputed",
            });
          }
          const left = c.amount - c.amount_refunded;
          if (left === 0) {
            throw new ProviderRejectedError(`Charge ${c.id} has already been refunded.`, {
              code: "charge_already_refunded",
            });
          }
          if (input.amount.amount > left) {
            throw new ProviderRejectedError(
              `Refund amount (${input.amount.amount}) is greater than unrefunded amount on charge (${left}).`,
              { code: "amount_too_large" },
            );
          }
          const amountRefunded = c.amount_refunded + input.amount.amount;
          const refunds = [refund, ...c.refunds.data];
          return {
            ...cur,
            charge: {
              ...c,
              amount_refunded: amountRefunded,
              refunded: amountRefunded === c.amount,
              refunds: { ...c.refunds, data: refunds, total_count: refunds.length },
            },
          };
        });
        if (!updated) throw missing("charge", found.id);
        await store.put(KIND.refund, refund.id, refund);
        await recordSimBalanceTransaction(store, {
          id: refund.balance_transaction,
          type: "refund",
          amount: -settled.amount,
          fee: 0,
          currency: settled.currency,
          source: refund.id,
          created: refund.created,
          exchange_rate: settled.rate ? Number(settled.rate) : null,
        });
        await deliver(
          stripeEvent("charge.refunded", updated.charge, {
            now: at,
            // A refunded charge can't be refunded again, so `refunded` was false before.
            previousAttributes: {
              amount_refunded: updated.charge.amount_refunded - input.amount.amount,
              ...(updated.charge.refunded ? { refunded: false } : {}),
            },
            request: { id: simStripeId("req"), idempotencyKey: key },
          }),
        );
        return {
          providerRefundId: refund.id,
          status: "succeeded" as const,
          settlement: {
            amount: settled.amount,
            currency: settled.currency.toUpperCase(),
            exchangeRate: settled.rate,
          },
        };
      });
    },

    getCheckout: (sessionId) => store.get<SimCheckoutRecord>(KIND.session, sessionId),
    getCharge: (chargeId) => store.get<SimChargeRecord>(KIND.charge, chargeId),

    async paySession(sessionId) {
      const open = await current(sessionId);
      assertOpen(open);
      const at = now();
      const s = open.session;
      const piId = simStripeId("pi");
      const chargeId = simStripeId("ch");
      // Stripe keeps its fee in the currency the balance receives.
      const settlement = await fx.settle(s.amount_total, s.currency);
      const fee = simProcessingFee(settlement.amount);
      const { metadata, transfer_group } = open.paymentIntentData;
      const pi: PaymentIntentObject = {
        id: piId,
        object: "payment_intent",
        amount: s.amount_total,
        amount_received: s.amount_total,
        created: unixSeconds(at),
        currency: s.currency,
        last_payment_error: null,
        latest_charge: chargeId,
        livemode: false,
        metadata,
        status: "succeeded",
        transfer_group,
      };
      const charge: ChargeObject = {
        id: chargeId,
        object: "charge",
        amount: s.amount_total,
        amount_captured: s.amount_total,
        amount_refunded: 0,
        balance_transaction: simStripeId("txn"),
        captured: true,
        created: unixSeconds(at),
        currency: s.currency,
        disputed: false,
        livemode: false,
        metadata,
        paid: true,
        payment_intent: piId,
        refunded: false,
        refunds: {
          object: "list",
          data: [],
          has_more: false,
          total_count: 0,
          url: `/v1/charges/${chargeId}/refunds`,
        },
        status: "succeeded",
        transfer_group,
      };
      // The payment exists before the session points at it; should the session have
      // changed meanwhile, the unused intent and charge are never referenced.
      await store.put(KIND.paymentIntent, piId, pi);
      await store.put<SimChargeRecord>(KIND.charge, chargeId, {
        charge,
        fee,
        sessionId,
        settlement,
      });
      await recordSimBalanceTransaction(store, {
        id: charge.balance_transaction,
        type: "charge",
        amount: settlement.amount,
        fee,
        currency: settlement.currency,
        source: chargeId,
        created: charge.created,
        exchange_rate: settlement.rate ? Number(settlement.rate) : null,
      });
      const record = await complete(sessionId, "paid", piId, chargeId);
      await deliver(stripeEvent("checkout.session.completed", record.session, { now: at }));
      return record;
    },

    async failSession(sessionId) {
      const open = await current(sessionId);
      assertOpen(open);
      const at = now();
      const s = open.session;
      const piId = simStripeId("pi");
      await store.put<PaymentIntentObject>(KIND.paymentIntent, piId, {
        id: piId,
        object: "payment_intent",
        amount: s.amount_total,
        amount_received: 0,
        created: unixSeconds(at),
        currency: s.currency,
        last_payment_error: {
          code: "payment_method_declined",
          message: "The bank declined the delayed debit (simulated).",
          type: "card_error",
        },
        latest_charge: null,
        livemode: false,
        metadata: open.paymentIntentData.metadata,
        status: "requires_payment_method",
        transfer_group: open.paymentIntentData.transfer_group,
      });
      const record = await complete(sessionId, "unpaid", piId, null);
      await deliver(stripeEvent("checkout.session.completed", record.session, { now: at }));
      await deliver(
        stripeEvent("checkout.session.async_payment_failed", record.session, { now: now() }),
      );
      return record;
    },

    async abandonSession(sessionId) {
      const record = await current(sessionId);
      assertOpen(record);
      return expire(sessionId);
    },
  };

  const connect = createSimulatedConnect({
    config,
    store,
    now,
    idempotent,
    deliver: runtime.deliver,
  });
  const limiter = createSimRateLimiter(store, now, config.simulator.stripeRateLimit);
  return {
    ...port,
    ...disputes,
    ...connect,
    ...rateLimitedApi({ ...port, ...connect }, limiter),
    mode: "simulated",
    fx,
    getRequestStats: () => limiter.stats(),
    resetRequestStats: () => limiter.reset(),
  };
}
