import type {
  AccountObject,
  ChargeObject,
  CheckoutSessionObject,
  StripeMetadata,
} from "../wire/stripe";

/*
 * What the simulated Stripe keeps in the `SimStore` beside Stripe's own objects: the
 * records its API calls, pages and tests share.
 */

/** A simulated Checkout Session with what the simulated page needs beside Stripe's object. */
export type SimCheckoutRecord = {
  session: CheckoutSessionObject;
  /** The line the client sees ("60-minute consultation with …"). */
  description: string;
  advisorId: string;
  /** Copied onto the payment intent and its charge when the session is paid. */
  paymentIntentData: { metadata: StripeMetadata; transfer_group: string };
  chargeId: string | null;
};

/** A simulated charge and its balance transaction's fee. */
export type SimChargeRecord = {
  charge: ChargeObject;
  /** Stripe's processing fee, minor units of the settlement currency. */
  fee: number;
  sessionId: string;
  /**
   * Its balance transaction: the settlement currency (lowercase), the amount the balance
   * received, and the rate when converted. Absent on records from before settlement was
   * modelled (= the charge's own currency and amount).
   */
  settlement?: { currency: string; amount: number; rate: string | null };
  /**
   * The sum of transfers funded by this charge (`source_transaction`), in the settlement
   * currency; absent = 0.
   */
  transferred?: number;
};

/** A connected account with what Stripe keeps beside it: its balance per currency. */
export type SimAccountRecord = {
  account: AccountObject;
  advisorId: string;
  /** Available balance, minor units, by lowercase currency. */
  balance: Record<string, number>;
};

/** A single-use onboarding link (Stripe's expire 300 s after creation). */
export type SimAccountLinkRecord = {
  id: string;
  accountId: string;
  refreshUrl: string;
  returnUrl: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
};

export type SimAccountLinkState = {
  link: SimAccountLinkRecord;
  account: SimAccountRecord;
  /** `valid` until submitted once or past `expiresAt`. */
  state: "valid" | "used" | "expired";
};

/** Injected failures of `createTransfer`, shared by every process through the store. */
export type SimTransferFaults = {
  /**
   * `balance_insufficient`: refused (400); `unavailable`: a 5xx before anything happens;
   * `timeout_after_send`: the transfer is made, then the answer is lost (a retry with the
   * same key must get the same transfer).
   */
  mode: "balance_insufficient" | "timeout_after_send" | "unavailable";
  /** How many of the next transfer requests fail this way. */
  count: number;
};
