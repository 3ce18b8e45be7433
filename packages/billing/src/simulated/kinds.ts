/** The object kinds the simulated Stripe keeps in the `SimStore`. */
export const SIM_KIND = {
  session: "checkout_session",
  paymentIntent: "payment_intent",
  charge: "charge",
  refund: "refund",
  dispute: "dispute",
  account: "connect_account",
  accountLink: "connect_account_link",
  transfer: "transfer",
  transferReversal: "transfer_reversal",
  balanceTransaction: "balance_transaction",
  fault: "fault",
  // Stripe Billing (the platform's own subscriptions)
  product: "billing_product",
  price: "billing_price",
  customer: "billing_customer",
  subscription: "billing_subscription",
  invoice: "billing_invoice",
  subscriptionSession: "billing_checkout_session",
  portalSession: "billing_portal_session",
} as const;
