import { z } from "zod";
import { currency, expandable, metadata } from "./stripe-fields";

/**
 * What Stripe sends us, in one place: the event envelope and the objects we read (Checkout
 * Sessions, payment intents, charges, refunds, disputes, Connect accounts, transfers and
 * their reversals, balance transactions). The zod shapes here are what the webhook route
 * and the processor accept, parsed defensively: unknown keys are allowed (Stripe adds fields
 * over time) and only what we use is required. The full object types, as Stripe returns and
 * sends them, are in `wire/stripe-objects.ts`; Stripe Billing's shapes and objects in
 * `wire/stripe-billing.ts`. This module re-exports both, so `stripeWire` is all of it.
 */

export type * from "./stripe-objects";
export * from "./stripe-billing";

/** The little of a Stripe event ingest needs (the webhook route); the processor reads the rest. */
export const ingestEvent = z.looseObject({
  id: z.string().min(1).max(255),
  /** Connect events: the connected account (`acct_…`). */
  account: z.string().min(1).max(255).optional(),
  type: z.string().min(1).max(255),
  data: z.looseObject({
    object: z.looseObject({ id: z.string().min(1).max(255).optional() }),
  }),
});

/** A Stripe event as the processor reads it: id, type, and the object it is about. */
export const event = z.looseObject({
  id: z.string().min(1),
  type: z.string().min(1),
  /** When the event happened at Stripe, in whole seconds since the epoch. */
  created: z.number().int().nonnegative().nullish(),
  data: z.looseObject({ object: z.unknown() }),
});

/** A Connect event: Stripe's envelope plus the connected account it happened on. */
export const connectEvent = z.looseObject({
  id: z.string().min(1),
  type: z.string().min(1),
  account: z.string().min(1).nullish(),
  data: z.looseObject({
    object: z.looseObject({
      id: z.string().nullish(),
      /** `capability.updated`: the capability's account. */
      account: z.string().nullish(),
    }),
  }),
});

export const checkoutSession = z.looseObject({
  id: z.string().min(1),
  amount_total: z.number().int().nonnegative().nullish(),
  currency: currency.nullish(),
  payment_status: z.enum(["paid", "unpaid", "no_payment_required"]),
  payment_intent: expandable,
  client_reference_id: z.string().nullish(),
  metadata,
});
export type ParsedCheckoutSession = z.output<typeof checkoutSession>;

export const refund = z.looseObject({
  id: z.string().min(1),
  amount: z.number().int().nonnegative(),
  currency,
  status: z.string().nullish(),
  metadata,
});
export type ParsedRefund = z.output<typeof refund>;

export const charge = z.looseObject({
  id: z.string().min(1),
  amount: z.number().int().nonnegative(),
  amount_refunded: z.number().int().nonnegative().default(0),
  currency,
  payment_intent: expandable,
  metadata,
  /** Only present when the endpoint's API version (or an expansion) includes it. */
  refunds: z.looseObject({ data: z.array(refund) }).nullish(),
});
export type ParsedCharge = z.output<typeof charge>;

export const dispute = z.looseObject({
  id: z.string().min(1),
  amount: z.number().int().nonnegative(),
  currency,
  charge: expandable,
  payment_intent: expandable,
  status: z.string(),
  metadata,
  balance_transactions: z
    .array(z.looseObject({ fee: z.number().int().nullish(), currency: z.string().nullish() }))
    .nullish(),
});
export type ParsedDispute = z.output<typeof dispute>;
