import { randomUUID } from "node:crypto";
import { type CurrencyCode, DEFAULT_REFUND_POLICY } from "@an/domain";
import { sql } from "drizzle-orm";
import {
  applyConsultationEvent,
  createConsultationFromIntent,
  type Db,
  prepareBookingIntent,
} from "../index";
import { bookingIntents } from "../schema";
import { ADVISOR, CLIENT } from "./parties";

const HOUR = 3_600_000;
export const hours = (n: number) => n * HOUR;

/** The quote of a 60-minute consultation with the test advisor. */
export const PRICE = { price: 12_000, platformFee: 2_400, advisorShare: 9_600, currency: "USD" };

/**
 * A booking intent of the test client with the test advisor (60 minutes unless told), at
 * the `PRICE` quote. Returns its id; signing its token is the caller's business.
 */
export async function insertBookingIntent(
  db: Db,
  options: { expiresAt: Date; durationMinutes?: number },
): Promise<string> {
  const [row] = await db
    .insert(bookingIntents)
    .values({
      clientId: CLIENT.id,
      advisorId: ADVISOR.id,
      durationMinutes: options.durationMinutes ?? 60,
      quote: {
        currency: PRICE.currency,
        hourlyRate: 12_000,
        price: PRICE.price,
        platformFee: PRICE.platformFee,
        advisorShare: PRICE.advisorShare,
        rules: { pricing: "test", commission: "test" },
      },
      refundPolicy: DEFAULT_REFUND_POLICY,
      holdWindowHours: 48,
      expiresAt: options.expiresAt,
    })
    .returning({ id: bookingIntents.id });
  return row!.id;
}

/**
 * A consultation made the way production makes one: a booking intent frozen from the
 * advisor's rate, turned into a consultation by its booking, then (unless `paid: false`)
 * paid for the exact quote — so state, timeline and ledger are all real.
 */
export async function bookConsultation(
  db: Db,
  input: {
    clientId: string;
    advisorId: string;
    bookedAt: Date;
    startsAt: Date;
    durationMinutes?: number;
    paid?: boolean;
  },
): Promise<{ id: string; bookingUid: string; price: number; currency: CurrencyCode }> {
  const durationMinutes = input.durationMinutes ?? 60;
  const bookingUid = `uid-${randomUUID()}`;
  return db.transaction(async (tx) => {
    const prepared = await prepareBookingIntent(tx, {
      clientId: input.clientId,
      advisorId: input.advisorId,
      durationMinutes,
      now: input.bookedAt,
      ttlMinutes: 120,
    });
    if (!prepared.ok) throw new Error(`prepare: ${JSON.stringify(prepared.error)}`);
    const created = await createConsultationFromIntent(tx, {
      intentId: prepared.value.intent.id,
      bookingUid,
      startsAt: input.startsAt,
      endsAt: new Date(input.startsAt.getTime() + durationMinutes * 60_000),
      now: input.bookedAt,
      paymentWindowMinutes: 60,
      origin: { source: "test:booking" },
    });
    if (created.kind !== "created") throw new Error(`booking: ${created.kind}`);
    const { price, currency } = prepared.value.intent.quote;
    if (input.paid !== false) {
      const paid = await applyConsultationEvent(tx, {
        consultationId: created.consultation.id,
        event: {
          type: "payment_succeeded",
          id: `evt_${randomUUID()}`,
          actor: "system",
          amount: { amount: price, currency: currency as CurrencyCode },
        },
        now: new Date(input.bookedAt.getTime() + 60_000),
        origin: { source: "test:stripe" },
      });
      if (paid.kind !== "applied") throw new Error(`payment: ${paid.kind}`);
    }
    return { id: created.consultation.id, bookingUid, price, currency: currency as CurrencyCode };
  });
}

/** The meeting's scheduled end passes at `at`: the consultation completes and its hold window opens. */
export async function completeConsultation(db: Db, consultationId: string, at: Date) {
  const outcome = await db.transaction((tx) =>
    applyConsultationEvent(tx, {
      consultationId,
      event: { type: "scheduled_end_reached", id: `timer:${randomUUID()}`, actor: "system" },
      now: at,
      origin: { source: "test:timer" },
    }),
  );
  if (outcome.kind !== "applied") throw new Error(`complete: ${outcome.kind}`);
  return outcome.consultation;
}

/** The consultation's row as the tests read it. */
export async function consultationRow(db: Db, id: string) {
  const rows = await db.execute<{
    status: string;
    booking_uid: string | null;
    starts_at: Date;
    ends_at: Date;
    refundable_price: number;
    dispute: unknown;
  }>(
    sql`select status, booking_uid, starts_at, ends_at, refundable_price, dispute from consultations where id = ${id}`,
  );
  return rows[0]!;
}

/** What is still held for a consultation (credit balance of its held-funds account). */
export async function heldFor(db: Db, consultationId: string): Promise<number> {
  const [row] = await db.execute<{ held: string | null }>(
    sql`select -sum(amount) as held from journal_postings where account = ${`client_funds_held:${consultationId}`}`,
  );
  return Number(row?.held ?? 0);
}
