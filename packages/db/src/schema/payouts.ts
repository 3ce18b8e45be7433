import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import {
  PAYOUT_BATCH_KINDS,
  PAYOUT_ITEM_STATUSES,
  RECONCILIATION_STATUSES,
  TRANSFER_REVERSAL_STATUSES,
} from "@an/domain";
import { advisors } from "./advisors";
import { consultations } from "./consultations";
import { users } from "./users";

const at = () => timestamp({ withTimezone: true, precision: 3 });

/**
 * An advisor's Stripe Connect (Express) account and the state Stripe last reported for it.
 * Created at most once per advisor (primary key + the provider's idempotency key); kept
 * current from `account.updated` on the Connect endpoint, always re-fetched from Stripe
 * rather than read from the event (events arrive out of order).
 */
export const payoutAccounts = pgTable(
  "payout_accounts",
  {
    advisorId: text()
      .primaryKey()
      .references(() => advisors.userId, { onDelete: "cascade" }),
    providerAccountId: text().notNull(),
    /** `capabilities.transfers`: only `active` accounts are paid. Null: not requested. */
    transfersCapability: text(),
    payoutsEnabled: boolean().notNull().default(false),
    detailsSubmitted: boolean().notNull().default(false),
    /** `requirements.currently_due` / `past_due` / `eventually_due`: what Stripe still needs. */
    currentlyDue: jsonb().$type<string[]>().notNull().default([]),
    pastDue: jsonb().$type<string[]>().notNull().default([]),
    eventuallyDue: jsonb().$type<string[]>().notNull().default([]),
    disabledReason: text(),
    /** When we last read the account from the provider. */
    syncedAt: at(),
    createdAt: at().notNull().defaultNow(),
    updatedAt: at()
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [uniqueIndex("payout_accounts_provider_account_key").on(t.providerAccountId)],
);

export const payoutBatchKind = pgEnum("payout_batch_kind", PAYOUT_BATCH_KINDS);

/**
 * One advisor's payout on one run: the consultations it pays are its items. A scheduled
 * batch is unique per advisor and run instant, so two workers preparing the same run make
 * one batch (per currency). Amounts are minor units of `currency`; `totalAmount` is what is transferred
 * (`grossAmount` − `nettedAmount`, the receivable recovered from it).
 */
export const payoutBatches = pgTable(
  "payout_batches",
  {
    id: uuid().primaryKey().defaultRandom(),
    advisorId: text()
      .notNull()
      .references(() => advisors.userId),
    kind: payoutBatchKind().notNull(),
    /** The schedule's run instant (scheduled) or when an admin asked (off-cycle). */
    scheduledFor: at().notNull(),
    currency: text().notNull(),
    grossAmount: bigint({ mode: "number" }).notNull(),
    nettedAmount: bigint({ mode: "number" }).notNull().default(0),
    totalAmount: bigint({ mode: "number" }).notNull(),
    itemCount: integer().notNull(),
    /** The admin who triggered an off-cycle payout. */
    requestedBy: text().references(() => users.id),
    createdAt: at().notNull().defaultNow(),
    /** Set when no item is left to send (all sent, cancelled or failed for good). */
    settledAt: at(),
  },
  (t) => [
    uniqueIndex("payout_batches_scheduled_key")
      .on(t.advisorId, t.scheduledFor, t.currency)
      .where(sql`${t.kind} = 'scheduled'`),
    index("payout_batches_advisor_idx").on(t.advisorId, t.createdAt),
    index("payout_batches_created_idx").on(t.createdAt),
    check(
      "payout_batches_amounts",
      sql`${t.totalAmount} = ${t.grossAmount} - ${t.nettedAmount} and ${t.totalAmount} >= 0 and ${t.nettedAmount} >= 0`,
    ),
  ],
);

/** What each status means: `PAYOUT_ITEM_STATUSES` in the domain's vocabulary. */
export const payoutItemStatus = pgEnum("payout_item_status", PAYOUT_ITEM_STATUSES);

/**
 * One transfer: one consultation's released share, with the charge it came from as
 * `source_transaction`. The row id is the transfer's idempotency key. A consultation is in
 * at most one live (not cancelled) item, and a provider transfer in at most one item: an
 * item is never paid twice.
 */
export const payoutItems = pgTable(
  "payout_items",
  {
    id: uuid().primaryKey().defaultRandom(),
    batchId: uuid()
      .notNull()
      .references(() => payoutBatches.id),
    advisorId: text()
      .notNull()
      .references(() => advisors.userId),
    consultationId: uuid()
      .notNull()
      .references(() => consultations.id),
    /** The charge (`ch_…`) the consultation was paid with: the transfer's `source_transaction`. */
    sourceChargeId: text().notNull(),
    destinationAccountId: text().notNull(),
    currency: text().notNull(),
    grossAmount: bigint({ mode: "number" }).notNull(),
    nettedAmount: bigint({ mode: "number" }).notNull().default(0),
    amount: bigint({ mode: "number" }).notNull(),
    status: payoutItemStatus().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    nextAttemptAt: at(),
    /** When a worker claimed it (`sending`); a stale claim is taken over after a crash. */
    claimedAt: at(),
    lastErrorCode: text(),
    lastError: text(),
    providerTransferId: text(),
    /**
     * What the transfer carries when its charge settled in another currency than the
     * earnings (`amount` converted at the charge's rate, in the settlement currency); null
     * when the transfer is in `currency`.
     */
    transferCurrency: text(),
    transferAmount: bigint({ mode: "number" }),
    sentAt: at(),
    createdAt: at().notNull().defaultNow(),
    updatedAt: at()
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [
    uniqueIndex("payout_items_live_consultation_key")
      .on(t.consultationId)
      .where(sql`${t.status} <> 'cancelled'`),
    uniqueIndex("payout_items_provider_transfer_key").on(t.providerTransferId),
    index("payout_items_batch_idx").on(t.batchId),
    index("payout_items_advisor_idx").on(t.advisorId, t.createdAt),
    index("payout_items_open_idx")
      .on(t.status, t.updatedAt)
      .where(sql`${t.status} in ('pending', 'sending', 'retrying', 'failed')`),
    check(
      "payout_items_amounts",
      sql`${t.amount} = ${t.grossAmount} - ${t.nettedAmount} and ${t.amount} >= 0 and ${t.nettedAmount} >= 0`,
    ),
    check(
      "payout_items_sent_has_transfer",
      sql`${t.status} <> 'sent' or ${t.providerTransferId} is not null or ${t.amount} = 0`,
    ),
  ],
);

export const transferReversalStatus = pgEnum(
  "transfer_reversal_status",
  TRANSFER_REVERSAL_STATUSES,
);

/**
 * Pulling an advisor's share back after a refund or lost chargeback on a paid-out
 * consultation. The row id is the reversal's idempotency key; the receivable was booked
 * with the refund, the reversal settles it.
 */
export const transferReversals = pgTable(
  "transfer_reversals",
  {
    id: uuid().primaryKey().defaultRandom(),
    consultationId: uuid()
      .notNull()
      .references(() => consultations.id),
    payoutItemId: uuid()
      .notNull()
      .references(() => payoutItems.id),
    advisorId: text()
      .notNull()
      .references(() => advisors.userId),
    providerTransferId: text().notNull(),
    amount: bigint({ mode: "number" }).notNull(),
    currency: text().notNull(),
    /** For a converted transfer: what comes back, in the transfer's (settlement) currency. */
    transferCurrency: text(),
    transferAmount: bigint({ mode: "number" }),
    /** What caused it, e.g. `consultation:<id>:<event id>`; one reversal per cause. */
    dedupeKey: text().notNull(),
    reason: text().notNull(),
    status: transferReversalStatus().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    lastErrorCode: text(),
    lastError: text(),
    providerReversalId: text(),
    createdAt: at().notNull().defaultNow(),
    updatedAt: at()
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [
    uniqueIndex("transfer_reversals_dedupe_key").on(t.dedupeKey),
    uniqueIndex("transfer_reversals_provider_key").on(t.providerReversalId),
    index("transfer_reversals_consultation_idx").on(t.consultationId),
    index("transfer_reversals_status_idx").on(t.status, t.updatedAt),
    check("transfer_reversals_amount_positive", sql`${t.amount} > 0`),
  ],
);

/**
 * Shared pacing of provider requests across every worker (GCRA): `nextSlotAt` is the
 * earliest time the next request may go; each sender reserves a slot with one UPDATE.
 */
export const providerThrottles = pgTable("provider_throttles", {
  key: text().primaryKey(),
  nextSlotAt: at().notNull(),
});

export const reconciliationStatus = pgEnum("reconciliation_status", RECONCILIATION_STATUSES);

/** A comparison of our records and ledger with the provider's for `[periodFrom, periodTo)`. */
export const reconciliationReports = pgTable(
  "reconciliation_reports",
  {
    id: uuid().primaryKey().defaultRandom(),
    periodFrom: at().notNull(),
    periodTo: at().notNull(),
    status: reconciliationStatus().notNull().default("running"),
    /** Null for the nightly run. */
    requestedBy: text().references(() => users.id),
    /** Totals per object type and currency, ours and the provider's. */
    summary: jsonb().$type<Record<string, unknown>>(),
    differenceCount: integer().notNull().default(0),
    error: text(),
    startedAt: at().notNull().defaultNow(),
    finishedAt: at(),
  },
  (t) => [
    index("reconciliation_reports_started_idx").on(t.startedAt),
    check("reconciliation_reports_period", sql`${t.periodFrom} < ${t.periodTo}`),
  ],
);

/** One difference a reconciliation found. Amounts in minor units of `currency`. */
export const reconciliationDifferences = pgTable(
  "reconciliation_differences",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    reportId: uuid()
      .notNull()
      .references(() => reconciliationReports.id, { onDelete: "cascade" }),
    /** `missing_at_provider`, `missing_here`, `amount_mismatch`, `status_mismatch`, `ledger_mismatch`… */
    kind: text().notNull(),
    /** `transfer`, `transfer_reversal`, `refund`, `charge`, `ledger`. */
    objectType: text().notNull(),
    providerObjectId: text(),
    /** Our row it concerns (payout item, refund, payment id). */
    ourId: text(),
    consultationId: uuid(),
    currency: text(),
    ourAmount: bigint({ mode: "number" }),
    providerAmount: bigint({ mode: "number" }),
    message: text().notNull(),
  },
  (t) => [index("reconciliation_differences_report_idx").on(t.reportId, t.id)],
);
