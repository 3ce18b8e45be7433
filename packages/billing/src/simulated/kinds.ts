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
} as const;
