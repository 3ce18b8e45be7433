import type { StripeEventEnvelope } from "../wire/stripe";
import { simStripeId, unixSeconds } from "./ids";

/*
 * What the simulated Stripe sends: event envelopes around the objects of `wire/stripe`, so
 * that the production webhook code runs unchanged against the simulator.
 */

/** The API version our Stripe SDK pins (stripe@23.1.0); the simulated events carry it too. */
export const SIM_STRIPE_API_VERSION = "2026-10-28.endive";

/**
 * A full Stripe event around `object`. `request` names the API call that caused it (a
 * refund, an expiry); events the "customer" causes on the simulated pages have none, like
 * Stripe's own.
 */
export function stripeEvent<T>(
  type: string,
  object: T,
  options: {
    now: Date;
    previousAttributes?: Record<string, unknown>;
    request?: { id: string; idempotencyKey: string | null };
    /** The connected account, for events sent to the Connect endpoint. */
    account?: string;
  },
): StripeEventEnvelope<T> {
  return {
    ...(options.account ? { account: options.account } : {}),
    id: simStripeId("evt"),
    object: "event",
    api_version: SIM_STRIPE_API_VERSION,
    created: unixSeconds(options.now),
    data: options.previousAttributes
      ? { object, previous_attributes: options.previousAttributes }
      : { object },
    livemode: false,
    pending_webhooks: 1,
    request: options.request
      ? { id: options.request.id, idempotency_key: options.request.idempotencyKey }
      : { id: null, idempotency_key: null },
    type,
  };
}

/** Stripe's standard card fee in the simulator: 2.9 % + 30 minor units, rounded half up. */
export function simProcessingFee(amount: number): number {
  return Math.round((amount * 29) / 1000) + 30;
}

/** Stripe's dispute fee in the simulator (15.00 in the charge's currency). */
export const SIM_DISPUTE_FEE = 1500;
