import { randomBytes } from "node:crypto";
import { DEV_BOOKING_TOKEN_SECRET, signBookingToken } from "@an/billing";
import { FakePayments, FakeScheduling } from "@an/billing/testing";
import type { Db } from "@an/db";
import type { WebhookProvider } from "@an/domain";
import {
  ADVISOR,
  CLIENT,
  insertBookingIntent,
  insertWebhookDelivery,
  openPaymentOf,
  PRICE,
  webhookEventRow,
} from "@an/db/testing";
import type { JobHelpers } from "graphile-worker";
import { createHandlers } from "../../tasks";
import { testWorkerDeps } from "../../testing";

/*
 * Test fixtures for the processing tests: booking intents with real signed tokens,
 * deliveries shaped like the providers', and a world of fake providers (from
 * @an/billing/testing) around the worker's real task handlers. The rows themselves come
 * from @an/db/testing.
 */

/** "Now" at the start of every test, and the meeting three days later. */
export const T0 = new Date("2026-03-02T09:00:00.000Z");
export const MEETING_START = new Date("2026-03-05T10:00:00.000Z");
export const MEETING_END = new Date("2026-03-05T11:00:00.000Z");

const MINUTE = 60_000;
export const addMinutes = (d: Date, m: number) => new Date(d.getTime() + m * MINUTE);

/** A booking intent for a 60-minute consultation and its signed token. */
export async function insertIntent(
  db: Db,
  options: { durationMinutes?: number; expiresAt?: Date; secret?: string } = {},
): Promise<{ intentId: string; token: string }> {
  const expiresAt = options.expiresAt ?? addMinutes(T0, 120);
  const intentId = await insertBookingIntent(db, {
    expiresAt,
    durationMinutes: options.durationMinutes,
  });
  const token = signBookingToken(
    { intentId, expiresAt },
    options.secret ?? DEV_BOOKING_TOKEN_SECRET,
  );
  return { intentId, token };
}

export const newUid = () => `bk_${randomBytes(8).toString("hex")}`;

/** A Cal.com booking payload (version 2021-10-20) with our token in its metadata. */
export function calcomBooking(input: {
  uid: string;
  token?: string | null;
  start?: Date;
  end?: Date;
  extra?: Record<string, unknown>;
}): Record<string, unknown> {
  return {
    uid: input.uid,
    bookingId: 100,
    eventTypeId: 123,
    type: "amira-60",
    title: "Consultation between Amira and Sam",
    startTime: (input.start ?? MEETING_START).toISOString(),
    endTime: (input.end ?? MEETING_END).toISOString(),
    organizer: { id: 7, name: "Amira", email: ADVISOR.email, timeZone: "Africa/Cairo" },
    attendees: [{ name: "Sam", email: CLIENT.email, timeZone: "America/New_York" }],
    metadata: input.token === null ? {} : { bookingToken: input.token, videoCallUrl: "https://x" },
    status: "ACCEPTED",
    ...input.extra,
  };
}

/**
 * The envelope Cal.com sends: `{triggerEvent, createdAt, payload}`. Without `createdAt` the
 * processor falls back to when it received (BOOKING_CREATED) or processes the delivery, so a
 * test that moves the clock gets the time it set.
 */
export const calcomEnvelope = (triggerEvent: string, payload: unknown, createdAt?: Date) => ({
  triggerEvent,
  ...(createdAt ? { createdAt: createdAt.toISOString() } : {}),
  payload,
});

/** A Stripe event around `object`. */
export const stripeEvent = (
  type: string,
  object: Record<string, unknown>,
  id = `evt_${randomBytes(8).toString("hex")}`,
) => ({
  id,
  object: "event",
  api_version: "2026-10-28.endive",
  type,
  created: Math.floor(T0.getTime() / 1000),
  livemode: false,
  data: { object },
});

/** A Checkout Session as Stripe sends it for one of our consultations. */
export function checkoutSessionObject(input: {
  sessionId: string;
  consultationId: string;
  paymentId: string;
  paymentIntentId?: string | null;
  amount?: number;
  currency?: string;
  paymentStatus?: "paid" | "unpaid";
  status?: "open" | "complete" | "expired";
}): Record<string, unknown> {
  return {
    id: input.sessionId,
    object: "checkout.session",
    amount_total: input.amount ?? PRICE.price,
    currency: input.currency ?? "usd",
    payment_status: input.paymentStatus ?? "paid",
    status: input.status ?? "complete",
    payment_intent:
      input.paymentIntentId === undefined
        ? `pi_${input.paymentId.slice(0, 8)}`
        : input.paymentIntentId,
    client_reference_id: input.consultationId,
    metadata: { consultation_id: input.consultationId, payment_id: input.paymentId },
  };
}

/** Stores a delivery the way ingest does (received at `T0` unless told). */
export function storeDelivery(
  db: Db,
  provider: WebhookProvider,
  body: unknown,
  receivedAt: Date = T0,
): Promise<string> {
  return insertWebhookDelivery(db, provider, body, receivedAt);
}

/** A test world: fake providers, a settable clock, and the worker's real task handlers. */
export function world(db: Db) {
  const clock = { now: T0 };
  const payments = new FakePayments();
  const scheduling = new FakeScheduling();
  const deps = testWorkerDeps(db, { payments, scheduling, now: () => clock.now });
  return { clock, payments, scheduling, deps, handlers: createHandlers(deps) };
}

/** Job helpers as graphile-worker passes them, with the attempt counters a task reads. */
export function jobHelpers(attempts = 1, maxAttempts = 20): JobHelpers {
  return {
    job: { attempts, max_attempts: maxAttempts },
    logger: {
      warn: () => undefined,
      info: () => undefined,
      error: () => undefined,
      debug: () => undefined,
    },
  } as unknown as JobHelpers;
}

export type World = ReturnType<typeof world>;

/** What the delivery and booking helpers need: a clock, the deps, the task handlers. */
export type Stage = Pick<World, "clock" | "deps" | "handlers">;

/** Runs `process_webhook_event` for a stored delivery; returns its row afterwards and any error. */
export async function processDelivery(
  w: Stage,
  webhookEventId: string,
  attempts = 1,
): Promise<{
  status: string;
  outcome: string | null;
  consultationId: string | null;
  error: Error | null;
  attempts: number;
  details: unknown;
}> {
  let error: Error | null = null;
  try {
    await w.handlers.process_webhook_event({ webhookEventId }, jobHelpers(attempts));
  } catch (e) {
    error = e as Error;
  }
  const row = await webhookEventRow(w.deps.db, webhookEventId);
  return {
    status: row.status,
    outcome: row.outcome,
    consultationId: row.consultationId,
    error,
    attempts: row.attempts,
    details: row.details,
  };
}

/** Stores and processes one delivery. */
export async function deliver(
  w: Stage,
  provider: "stripe" | "calcom",
  body: unknown,
  attempts = 1,
) {
  const id = await storeDelivery(w.deps.db, provider, body, w.clock.now);
  return { id, ...(await processDelivery(w, id, attempts)) };
}

/** A client books through a valid link: BOOKING_CREATED processed, consultation awaiting payment. */
export async function book(
  w: Stage,
  options: { start?: Date; end?: Date } = {},
): Promise<{ uid: string; consultationId: string; token: string; intentId: string }> {
  const { intentId, token } = await insertIntent(w.deps.db);
  const uid = newUid();
  const r = await deliver(
    w,
    "calcom",
    calcomEnvelope(
      "BOOKING_CREATED",
      calcomBooking({ uid, token, start: options.start, end: options.end }),
      w.clock.now,
    ),
  );
  if (!r.consultationId) throw new Error(`booking failed: ${r.status} ${r.outcome ?? ""}`);
  return { uid, consultationId: r.consultationId, token, intentId };
}

/** Runs create_checkout and returns the consultation's open payment row. */
export async function openCheckout(w: Stage, consultationId: string) {
  await w.handlers.create_checkout({ consultationId }, jobHelpers());
  const open = await openPaymentOf(w.deps.db, consultationId);
  if (!open) throw new Error("no open payment");
  return open;
}

/** Books and pays: the consultation is confirmed. */
export async function bookAndPay(w: Stage, options: { start?: Date; end?: Date } = {}) {
  const booking = await book(w, options);
  const { paymentId, sessionId } = await openCheckout(w, booking.consultationId);
  const event = stripeEvent(
    "checkout.session.completed",
    checkoutSessionObject({ sessionId, consultationId: booking.consultationId, paymentId }),
  );
  const paid = await deliver(w, "stripe", event);
  if (paid.status !== "processed") {
    throw new Error(
      `payment failed: ${paid.status} ${paid.outcome ?? ""} ${paid.error?.stack ?? ""}`,
    );
  }
  return { ...booking, paymentId, sessionId, paymentIntentId: `pi_${paymentId.slice(0, 8)}` };
}
