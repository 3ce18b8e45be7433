import { randomUUID } from "node:crypto";
import type { Providers, SchedulingPort } from "@an/billing";
import {
  applyConsultationEvent,
  createConsultationFromIntent,
  type Db,
  getUserWithRoles,
  prepareBookingIntent,
} from "@an/db";
import type { CurrencyCode, Locale } from "@an/domain";
import { sql } from "drizzle-orm";
import { createContextInner, developmentBilling } from "../../trpc/context";
import { createCaller } from "../../trpc/router";

export const SAM = "demo|client-sam";
export const DIEGO = "demo|client-diego";
export const AMIRA = "demo|advisor-amira";
export const LUCAS = "demo|advisor-lucas";
export const ADMIN = "demo|admin";

const HOUR = 3_600_000;
export const hours = (n: number) => n * HOUR;

/**
 * A scheduling port whose booking page is a plain URL carrying the token, as Cal.com's
 * does in `metadata[bookingToken]`; the other calls are never made by these procedures.
 */
const testScheduling: SchedulingPort = {
  mode: "simulated",
  bookingUrl: ({ eventType, bookingToken, name, email }) => {
    const url = new URL(`https://cal.test/${eventType}`);
    url.searchParams.set("metadata[bookingToken]", bookingToken);
    if (name) url.searchParams.set("name", name);
    if (email) url.searchParams.set("email", email);
    return url.toString();
  },
  cancelBooking: () => Promise.reject(new Error("not called by procedures")),
  listBookings: () => Promise.reject(new Error("not called by procedures")),
};

export const testProviders: Providers = {
  payments: developmentBilling().providers.payments,
  scheduling: testScheduling,
};

let requests = 0;

/**
 * A caller for `userId` (null: anonymous) at a fixed `now`, each call with a fresh
 * request id (procedures key their events on it, as they do over HTTP).
 */
export async function callerFor(
  db: Db,
  userId: string | null,
  options: { now?: Date; locale?: Locale; requestId?: string } = {},
) {
  const user = userId ? await getUserWithRoles(db, { id: userId }) : null;
  requests += 1;
  return createCaller(
    createContextInner({
      db,
      user,
      locale: options.locale,
      requestId: options.requestId ?? `req-test-${requests}-${randomUUID()}`,
      providers: testProviders,
      now: () => options.now ?? new Date(),
    }),
  );
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
      holdWindowHours: 48,
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

/** Payloads of queued jobs of one task, oldest first. */
export async function jobPayloads<T = Record<string, unknown>>(db: Db, task: string): Promise<T[]> {
  const rows = await db.execute<{ payload: T }>(
    sql`select j.payload from graphile_worker._private_jobs j
        join graphile_worker._private_tasks k on k.id = j.task_id
        where k.identifier = ${task} order by j.id`,
  );
  return rows.map((r) => r.payload);
}

/** Audit actions about one consultation, oldest first. */
export async function auditActions(db: Db, subjectId: string): Promise<string[]> {
  const rows = await db.execute<{ action: string }>(
    sql`select action from audit_log where subject_id = ${subjectId} order by id`,
  );
  return rows.map((r) => r.action);
}

/** What is still held for a consultation (credit balance of its held-funds account). */
export async function heldFor(db: Db, consultationId: string): Promise<number> {
  const [row] = await db.execute<{ held: string | null }>(
    sql`select -sum(amount) as held from journal_postings where account = ${`client_funds_held:${consultationId}`}`,
  );
  return Number(row?.held ?? 0);
}
