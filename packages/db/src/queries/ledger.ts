import { and, asc, eq, inArray, like, sql } from "drizzle-orm";
import { accounts, isBalanced, type JournalEntry } from "@an/domain";
import type { Executor } from "../client";
import { journalEntries, journalPostings } from "../schema";

/**
 * Posts one balanced entry built by the domain's posting functions, in the caller's
 * transaction. `dedupeKey` names its cause; posting the same cause again is a no-op that
 * returns the existing entry's id. Empty entries (all-zero lines) post nothing.
 */
export async function postJournalEntry(
  tx: Executor,
  input: { entry: JournalEntry; dedupeKey: string; memo?: string | null },
): Promise<{ id: string | null; created: boolean }> {
  const { entry } = input;
  if (entry.lines.length === 0) return { id: null, created: false };
  // The database checks this too (deferred trigger); refusing here gives a clearer error.
  if (!isBalanced(entry)) throw new Error(`journal entry ${input.dedupeKey} does not balance`);
  const [row] = await tx
    .insert(journalEntries)
    .values({
      kind: entry.kind,
      consultationId: entry.consultationId,
      dedupeKey: input.dedupeKey,
      memo: input.memo ?? null,
    })
    .onConflictDoNothing({ target: journalEntries.dedupeKey })
    .returning({ id: journalEntries.id });
  if (!row) {
    const [existing] = await tx
      .select({ id: journalEntries.id })
      .from(journalEntries)
      .where(eq(journalEntries.dedupeKey, input.dedupeKey));
    return { id: existing?.id ?? null, created: false };
  }
  await tx.insert(journalPostings).values(
    entry.lines.map((l) => ({
      entryId: row.id,
      account: l.account,
      amount: l.amount.amount,
      currency: l.amount.currency,
    })),
  );
  return { id: row.id, created: true };
}

export type LedgerEntryView = {
  id: string;
  kind: string;
  consultationId: string | null;
  memo: string | null;
  postedAt: Date;
  postings: { account: string; amount: number; currency: string }[];
};

/** A consultation's journal entries with their postings, oldest first. */
export async function listEntriesForConsultation(
  ex: Executor,
  params: { consultationId: string },
): Promise<LedgerEntryView[]> {
  const entries = await ex
    .select()
    .from(journalEntries)
    .where(eq(journalEntries.consultationId, params.consultationId))
    // Entries of one transaction share postedAt; the dedupe key keeps their effect order.
    .orderBy(asc(journalEntries.postedAt), asc(journalEntries.dedupeKey));
  if (entries.length === 0) return [];
  const postings = await ex
    .select()
    .from(journalPostings)
    .where(
      inArray(
        journalPostings.entryId,
        entries.map((e) => e.id),
      ),
    )
    .orderBy(asc(journalPostings.id));
  return entries.map((e) => ({
    id: e.id,
    kind: e.kind,
    consultationId: e.consultationId,
    memo: e.memo,
    postedAt: e.postedAt,
    postings: postings
      .filter((p) => p.entryId === e.id)
      .map((p) => ({ account: p.account, amount: p.amount, currency: p.currency })),
  }));
}

export type AccountBalance = { account: string; currency: string; balance: number };

/**
 * Balances per account and currency (debit positive). `prefix` narrows to one account
 * family, e.g. `advisor_payable:`; `accounts` to exact names.
 */
export async function accountBalances(
  ex: Executor,
  params: { prefix?: string; accounts?: string[] } = {},
): Promise<AccountBalance[]> {
  const filters = [];
  if (params.prefix) filters.push(like(journalPostings.account, `${escapeLike(params.prefix)}%`));
  if (params.accounts) filters.push(inArray(journalPostings.account, params.accounts));
  const rows = await ex
    .select({
      account: journalPostings.account,
      currency: journalPostings.currency,
      balance: sql<string>`sum(${journalPostings.amount})`,
    })
    .from(journalPostings)
    .where(filters.length ? and(...filters) : undefined)
    .groupBy(journalPostings.account, journalPostings.currency)
    .orderBy(journalPostings.account, journalPostings.currency);
  return rows.map((r) => ({
    account: r.account,
    currency: r.currency,
    balance: Number(r.balance),
  }));
}

/** Entries whose postings don't sum to zero per currency (should always be empty). */
export async function findUnbalancedEntries(ex: Executor): Promise<string[]> {
  const rows = await ex.execute<{ entry_id: string }>(sql`
    select entry_id from journal_postings group by entry_id, currency having sum(amount) <> 0
  `);
  return rows.map((r) => r.entry_id);
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** What an advisor owes back per currency (positive, zero when nothing), from the ledger. */
export async function receivableBalances(
  tx: Executor,
  advisorId: string,
): Promise<Map<string, number>> {
  const rows = await tx
    .select({
      currency: journalPostings.currency,
      balance: sql<string>`sum(${journalPostings.amount})`,
    })
    .from(journalPostings)
    .where(eq(journalPostings.account, accounts.advisorReceivable(advisorId)))
    .groupBy(journalPostings.currency);
  return new Map(rows.map((r) => [r.currency, Math.max(0, Number(r.balance))]));
}
