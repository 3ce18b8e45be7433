import type Stripe from "stripe";
import type { BillingConfig } from "../config";
import {
  type ChargeInfo,
  type CheckoutSession,
  type CreateCheckoutInput,
  type PaymentPort,
  isProviderError,
  ProviderUnavailableError,
  type RefundResult,
} from "../ports";
import { resolveRetryOptions, type RetryOptions, withRetries } from "../retry";
import { createStripeClient, mapStripeError } from "./client";
import { settlementOf, stripeConnectKeys, stripeConnectMethods } from "./connect";

export type StripePaymentsOptions = {
  /** In-process retries per call (defaults: 3 attempts, 250 ms base, 5 s cap). */
  retry?: Partial<RetryOptions>;
  /** Per-request timeout in ms (default 20 s). */
  timeoutMs?: number;
};

/**
 * The locales Stripe Checkout accepts (`Checkout.SessionCreateParams.Locale` in stripe
 * 23.1.0, minus `auto`). Anything else is left out of the request so Checkout picks the
 * browser's language instead of refusing the session.
 */
const CHECKOUT_LOCALES = [
  "bg", "cs", "da", "de", "el", "en", "en-GB", "es", "es-419", "et", "fi", "fil", "fr", "fr-CA",
  "hi-IN", "hr", "hu", "id", "it", "ja", "ko", "lt", "lv", "ms", "mt", "nb", "nl", "pl", "pt",
  "pt-BR", "ro", "ru", "sk", "sl", "sv", "th", "tr", "vi", "zh", "zh-HK", "zh-TW",
] as const; // prettier-ignore

/** Our locale tag (e.g. `pt-br`, `de-AT`) as a Checkout locale, or undefined when unsupported. */
export function checkoutLocale(
  tag: string | undefined,
): Stripe.Checkout.SessionCreateParams.Locale | undefined {
  if (!tag) return undefined;
  const lower = tag.toLowerCase();
  const exact = CHECKOUT_LOCALES.find((l) => l.toLowerCase() === lower);
  if (exact) return exact;
  const language = lower.split("-")[0];
  return CHECKOUT_LOCALES.find((l) => l === language);
}

/** Idempotency keys, derived from our own rows so a re-run job repeats the same request. */
export const stripeIdempotencyKeys = {
  checkout: (paymentId: string) => `checkout:${paymentId}`,
  /** For `expireCheckoutSession`, which takes the key from its caller. */
  checkoutExpire: (sessionId: string) => `checkout-expire:${sessionId}`,
  refund: (refundId: string) => `refund:${refundId}`,
  ...stripeConnectKeys,
};

const SESSION_STATUSES: readonly CheckoutSession["status"][] = ["open", "complete", "expired"];
const PAYMENT_STATUSES: readonly CheckoutSession["paymentStatus"][] = [
  "paid",
  "unpaid",
  "no_payment_required",
];
const REFUND_STATUSES: readonly RefundResult["status"][] = [
  "succeeded",
  "pending",
  "failed",
  "requires_action",
  "canceled",
];

/**
 * Narrows one of Stripe's open-ended enums (`… | OtherString`) to ours. A value Stripe adds
 * later (or a null) falls back to the cautious reading: not paid, not closed, not refunded.
 */
function oneOf<T extends string>(known: readonly T[], value: string | null, fallback: T): T {
  return known.find((k) => k === value) ?? fallback;
}

function toCheckoutSession(session: Stripe.Checkout.Session): CheckoutSession {
  const paymentIntent = session.payment_intent;
  return {
    id: session.id,
    url: session.url ?? null,
    status: oneOf(SESSION_STATUSES, session.status, "open"),
    paymentStatus: oneOf(PAYMENT_STATUSES, session.payment_status, "unpaid"),
    amount: session.amount_total ?? 0,
    currency: (session.currency ?? "").toUpperCase(),
    paymentIntentId:
      typeof paymentIntent === "string" ? paymentIntent : (paymentIntent?.id ?? null),
    consultationId: session.metadata?.consultation_id ?? session.client_reference_id ?? null,
    paymentId: session.metadata?.payment_id ?? null,
    expiresAt: new Date(session.expires_at * 1000),
  };
}

/**
 * The real payment provider: Stripe through the official SDK (API `2026-10-28.endive`).
 * Mutating calls carry idempotency keys from our rows (`checkout:<payment id>`,
 * `refund:<refund id>`, or the key the caller gives for expiry), reused on every retry;
 * failures surface as `ProviderUnavailableError` (retry later) or `ProviderRejectedError`.
 */
export function createStripePayments(
  config: BillingConfig,
  options: StripePaymentsOptions = {},
): PaymentPort {
  const secretKey = config.stripe.secretKey;
  if (!secretKey) throw new Error("The real Stripe adapter needs STRIPE_SECRET_KEY.");
  const stripe = createStripeClient(secretKey, config.stripe.apiBase, {
    timeoutMs: options.timeoutMs,
  });
  const retry = resolveRetryOptions(options.retry);

  /** One SDK call with our retry policy and error mapping. */
  const call = <T>(what: string, run: () => Promise<T>): Promise<T> =>
    withRetries(retry, async () => {
      try {
        return await run();
      } catch (error) {
        throw mapStripeError(error, what);
      }
    });

  const retrieveCheckoutSession = async (sessionId: string) =>
    toCheckoutSession(
      await call("retrieving checkout session", () => stripe.checkout.sessions.retrieve(sessionId)),
    );

  return {
    mode: "real",

    async createCheckoutSession(input: CreateCheckoutInput) {
      const metadata = {
        consultation_id: input.consultationId,
        payment_id: input.paymentId,
        advisor_id: input.advisorId,
      };
      const locale = checkoutLocale(input.locale);
      const params: Stripe.Checkout.SessionCreateParams = {
        mode: "payment",
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: input.amount.currency.toLowerCase(),
              unit_amount: input.amount.amount,
              product_data: { name: input.description },
            },
          },
        ],
        client_reference_id: input.consultationId,
        metadata,
        payment_intent_data: {
          // Copied onto the charge, so the later transfer to the advisor can share it.
          transfer_group: `consultation_${input.consultationId}`,
          metadata,
        },
        expires_at: Math.floor(input.expiresAt.getTime() / 1000),
        success_url: input.successUrl,
        cancel_url: input.cancelUrl,
        ...(input.customerEmail ? { customer_email: input.customerEmail } : {}),
        ...(locale ? { locale } : {}),
      };
      const session = await call("creating checkout session", () =>
        stripe.checkout.sessions.create(params, {
          idempotencyKey: stripeIdempotencyKeys.checkout(input.paymentId),
        }),
      );
      return toCheckoutSession(session);
    },

    async expireCheckoutSession({ sessionId, idempotencyKey }) {
      try {
        return toCheckoutSession(
          await call("expiring checkout session", () =>
            stripe.checkout.sessions.expire(sessionId, undefined, { idempotencyKey }),
          ),
        );
      } catch (error) {
        // Stripe refuses to expire a session that isn't open ("Only Checkout Sessions with a
        // status in ["open"] can be expired", a 400 without a code). Already expired or
        // completed both mean the page can no longer be paid; which of the two it is (the
        // client may have paid first) is the fresh state's to say, not the message's.
        if (!isProviderError(error, "rejected")) throw error;
        const current = await retrieveCheckoutSession(sessionId);
        if (current.status === "open") throw error;
        return current;
      }
    },

    retrieveCheckoutSession,

    async retrieveCharge({ paymentIntentId }): Promise<ChargeInfo> {
      const intent = await call("retrieving payment intent", () =>
        stripe.paymentIntents.retrieve(paymentIntentId, {
          expand: ["latest_charge.balance_transaction"],
        }),
      );
      const charge = intent.latest_charge;
      if (charge === null || typeof charge === "string") {
        // No charge yet (confirmation not attempted, or an async method still processing):
        // worth asking again later rather than a refusal.
        throw new ProviderUnavailableError(
          `Stripe payment intent ${paymentIntentId} has no charge yet (status ${intent.status}).`,
        );
      }
      // The balance transaction is in the settlement currency: for a charge in a currency
      // the balance doesn't hold, the converted amount, its fee and the rate.
      const settlement = settlementOf(charge.balance_transaction);
      const balance = charge.balance_transaction;
      return {
        chargeId: charge.id,
        amount: charge.amount,
        currency: charge.currency.toUpperCase(),
        amountRefunded: charge.amount_refunded,
        processingFee: balance !== null && typeof balance !== "string" ? balance.fee : null,
        settlement,
        created: typeof charge.created === "number" ? new Date(charge.created * 1000) : null,
      };
    },

    ...stripeConnectMethods(stripe, call),

    async refund(input) {
      const refund = await call("creating refund", () =>
        stripe.refunds.create(
          {
            payment_intent: input.paymentIntentId,
            amount: input.amount.amount,
            reason: input.reason,
            metadata: { consultation_id: input.consultationId, refund_id: input.refundId },
            // What the refund took from the balance, at the rate of its own moment.
            expand: ["balance_transaction"],
          },
          { idempotencyKey: stripeIdempotencyKeys.refund(input.refundId) },
        ),
      );
      return {
        providerRefundId: refund.id,
        status: oneOf(REFUND_STATUSES, refund.status, "pending"),
        settlement: settlementOf(refund.balance_transaction),
      };
    },
  };
}
