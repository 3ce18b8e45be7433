import type { AccountBalance, LedgerEntryView } from "@an/db";

/** `ledger.listBalances`: balances per account, totals per currency, and the ledger's health. */
export type LedgerBalances = {
  accounts: AccountBalance[];
  /** Per currency; zero over the whole ledger. */
  totals: { currency: string; balance: number }[];
  balanced: boolean;
  unbalancedEntryIds: string[];
};

/** `ledger.listForConsultation`: its entries, oldest first, and what is still held for it. */
export type ConsultationLedger = {
  consultationId: string;
  entries: LedgerEntryView[];
  /** Minor units per currency still in `client_funds_held`. */
  held: { currency: string; amount: number }[];
};
