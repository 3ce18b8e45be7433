export * from "./result";
export * from "./roles";
export * from "./vocabulary";
export * from "./chat-access";
export * from "./chat-digest";
export * from "./chat-message";
export * from "./invitations";
export * from "./platform-rules";
export * from "./rule-sets";
export * from "./locale";
export * from "./messages";
export * from "./i18n";
export * from "./money";
export * from "./intl-cache";
export * from "./major-amount";
export * from "./fx";
export * from "./pricing";
export * from "./commission";
export * from "./quote";
export * from "./async-pass";
export * from "./payout-schedule";
export * from "./payout-plan";
export * from "./payout-retry";
export * from "./refund-policy";
export * from "./consultation-types";
export * from "./consultation-machine";
export * from "./consultation-replays";
export * from "./consultation-actions";
// Posting builders have short verbs (release, refund, transfer): reach them as ledger.release(…).
export * as ledger from "./ledger";
export type {
  Account,
  EntryKind,
  JournalEntry,
  LedgerError,
  LedgerLine,
  MoneyStage,
} from "./ledger";
export { accounts, balanceOf, ENTRY_KINDS, heldBalance, isBalanced } from "./ledger";
export * from "./privacy";
export * from "./skills";
export * from "./consultation-notice";
export * from "./text";
export * from "./provider-failure";
export * from "./reconciliation";
export * from "./application";
export * from "./countries";
export * from "./connect-region";
export * from "./advisor-matching";
export * from "./subscriptions";
export * from "./plan-gate";
export * from "./catalog-check";
