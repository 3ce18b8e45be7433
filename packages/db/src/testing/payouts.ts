import { randomUUID } from "node:crypto";
import { type CurrencyCode, ledger, type PayoutBatchKind, type PayoutItemStatus } from "@an/domain";
import { applyConsultationEvent, type Db, postJournalEntry } from "../index";
import { journalEntries, journalPostings, payoutBatches, payoutItems } from "../schema";
import { bookConsultation, completeConsultation, hours } from "./consultations";

/*
 * Payout data for the read-side tests, made the way production makes it where the
 * machinery exists (booking, payment, completion, release, `payout_sent`), and inserted
 * directly where only the rows matter (batches and items with a given state).
 */

/** A consultation booked at `bookedAt`, paid, held for its window, then released. */
export async function releasedConsultation(
  db: Db,
  input: { clientId: string; advisorId: string; bookedAt: Date },
): Promise<{ id: string; price: number; currency: CurrencyCode }> {
  const startsAt = new Date(input.bookedAt.getTime() + hours(24));
  const booked = await bookConsultation(db, { ...input, startsAt });
  const completed = await completeConsultation(
    db,
    booked.id,
    new Date(startsAt.getTime() + hours(1)),
  );
  const released = await db.transaction((tx) =>
    applyConsultationEvent(tx, {
      consultationId: booked.id,
      event: { type: "hold_window_elapsed", id: `timer:${randomUUID()}`, actor: "system" },
      now: new Date(completed.holdEndsAt!.getTime() + 1),
      origin: { source: "test:timer" },
    }),
  );
  if (released.kind !== "applied") throw new Error(`release: ${released.kind}`);
  return booked;
}

export type TestItem = {
  consultationId: string;
  amount: number;
  status: PayoutItemStatus;
  lastErrorCode?: string;
  lastError?: string;
  attempts?: number;
};

/**
 * A batch of items for `advisorId`, each reserved in the ledger (payable → in transit);
 * `sent` items get a transfer id and the consultation's `payout_sent` (in transit → paid).
 */
export async function insertBatch(
  db: Db,
  input: {
    advisorId: string;
    kind?: PayoutBatchKind;
    createdAt: Date;
    items: TestItem[];
    currency?: CurrencyCode;
  },
): Promise<{ batchId: string; itemIds: string[] }> {
  const currency = input.currency ?? "USD";
  const total = input.items.reduce((s, i) => s + i.amount, 0);
  return db.transaction(async (tx) => {
    const [batch] = await tx
      .insert(payoutBatches)
      .values({
        advisorId: input.advisorId,
        kind: input.kind ?? "scheduled",
        scheduledFor: input.createdAt,
        currency,
        grossAmount: total,
        totalAmount: total,
        itemCount: input.items.length,
        createdAt: input.createdAt,
      })
      .returning({ id: payoutBatches.id });
    const itemIds: string[] = [];
    for (const [n, item] of input.items.entries()) {
      const sent = item.status === "sent";
      const [row] = await tx
        .insert(payoutItems)
        .values({
          batchId: batch!.id,
          advisorId: input.advisorId,
          consultationId: item.consultationId,
          sourceChargeId: `ch_${item.consultationId.slice(0, 8)}`,
          destinationAccountId: "acct_test",
          currency,
          grossAmount: item.amount,
          amount: item.amount,
          status: item.status,
          attempts: item.attempts ?? (sent ? 1 : 0),
          lastErrorCode: item.lastErrorCode ?? null,
          lastError: item.lastError ?? null,
          providerTransferId: sent ? `tr_${randomUUID().slice(0, 12)}` : null,
          sentAt: sent ? new Date(input.createdAt.getTime() + 60_000) : null,
          createdAt: new Date(input.createdAt.getTime() + n),
          updatedAt: new Date(input.createdAt.getTime() + hours(1) - n * 60_000),
        })
        .returning({ id: payoutItems.id, transferId: payoutItems.providerTransferId });
      itemIds.push(row!.id);
      const reserved = ledger.payoutReserved({
        consultationId: item.consultationId,
        advisorId: input.advisorId,
        amount: { amount: item.amount, currency },
      });
      if (!reserved.ok) throw new Error(reserved.error.message);
      await postJournalEntry(tx, { entry: reserved.value, dedupeKey: `test:reserve:${row!.id}` });
      if (sent) {
        const paid = await applyConsultationEvent(tx, {
          consultationId: item.consultationId,
          event: {
            type: "payout_sent",
            id: `payout:${row!.id}`,
            actor: "system",
            transferId: row!.transferId,
            amount: { amount: item.amount, currency },
          },
          now: input.createdAt,
          origin: { source: "test:payout" },
        });
        if (paid.kind !== "applied") throw new Error(`payout_sent: ${paid.kind}`);
      }
    }
    return { batchId: batch!.id, itemIds };
  });
}

/** A balanced journal entry posted at a chosen time (the ledger's own functions post "now"). */
export async function postAt(
  db: Db,
  entry: { kind: string; postedAt: Date; consultationId?: string | null },
  lines: [account: string, amount: number][],
  currency = "USD",
): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(journalEntries)
      .values({
        kind: entry.kind,
        consultationId: entry.consultationId ?? null,
        postedAt: entry.postedAt,
        dedupeKey: `test:${entry.kind}:${randomUUID()}`,
      })
      .returning({ id: journalEntries.id });
    await tx
      .insert(journalPostings)
      .values(lines.map(([account, amount]) => ({ entryId: row!.id, account, amount, currency })));
  });
}
