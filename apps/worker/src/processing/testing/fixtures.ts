import { createHash, randomBytes, randomUUID } from "node:crypto";
import {
  type ChargeInfo,
  type CheckoutSession,
  type ConnectAccount,
  type CreateCheckoutInput,
  DEV_BOOKING_TOKEN_SECRET,
  type PaymentPort,
  ProviderRejectedError,
  type RefundInput,
  type RefundResult,
  type SchedulingBooking,
  type SchedulingPort,
  signBookingToken,
} from "@an/billing";
import { type Db, seedDemoData } from "@an/db";
import { bookingIntents, webhookEvents } from "@an/db/schema";
import { insertAdvisor } from "@an/db/testing";
import { DEFAULT_REFUND_POLICY, type WebhookProvider } from "@an/domain";
import { sql } from "drizzle-orm";
import type { JobHelpers } from "graphile-worker";
import { createHandlers } from "../../tasks";
import { testWorkerDeps } from "../../testing";

/*
 * Test fixtures for the processing tests: the parties, booking intents with real signed
 * tokens, stored deliveries shaped like the providers', and small fake providers that
 * record what they were asked (the real adapters are contract-tested in @an/billing).
 */

export const ADVISOR = { id: "demo|advisor-amira", email: "amira@demo.advisor.network" };
export const CLIENT = { id: "demo|client-sam", email: "sam@demo.advisor.network" };
export const ADMIN = "demo|admin";
export const PRICE = { price: 12_000, platformFee: 2_400, advisorShare: 9_600, currency: "USD" };

/** "Now" at the start of every test, and the meeting three days later. */
export const T0 = new Date("2026-03-02T09:00:00.000Z");
export const MEETING_START = new Date("2026-03-05T10:00:00.000Z");
export const MEETING_END = new Date("2026-03-05T11:00:00.000Z");

const MINUTE = 60_000;
export const addMinutes = (d: Date, m: number) => new Date(d.getTime() + m * MINUTE);

/** The demo users plus Amira as an approved advisor. */
export async function seedParties(db: Db): Promise<void> {
  await seedDemoData(db);
  await insertAdvisor(db, { userId: ADVISOR.id, displayName: "Amira H." });
}

/** A booking intent for a 60-minute consultation and its signed token. */
export async function insertIntent(
  db: Db,
  options: { durationMinutes?: number; expiresAt?: Date; secret?: string } = {},
): Promise<{ intentId: string; token: string }> {
  const expiresAt = options.expiresAt ?? addMinutes(T0, 120);
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
      expiresAt,
    })
    .returning({ id: bookingIntents.id });
  const token = signBookingToken(
    { intentId: row!.id, expiresAt },
    options.secret ?? DEV_BOOKING_TOKEN_SECRET,
  );
  return { intentId: row!.id, token };
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

/**
 * Stores a verified delivery the way ingest does (without queueing its job: tests run
 * the handler themselves). Returns the row id.
 */
export async function storeDelivery(
  db: Db,
  provider: WebhookProvider,
  body: unknown,
  receivedAt: Date = T0,
): Promise<string> {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const parsed = JSON.parse(raw) as {
    id?: string;
    type?: string;
    triggerEvent?: string;
    uid?: string;
    payload?: { uid?: string; bookingUid?: string };
    data?: { object?: { id?: string } };
  };
  const sha = createHash("sha256").update(raw).digest("hex");
  const [row] = await db
    .insert(webhookEvents)
    .values({
      provider,
      // A unique key per call: tests store the "same" delivery twice on purpose.
      dedupeKey: `${sha}:${randomUUID()}`,
      providerEventId: provider === "calcom" ? null : (parsed.id ?? null),
      eventType: (provider === "calcom" ? parsed.triggerEvent : parsed.type) ?? "unknown",
      subject:
        provider !== "calcom"
          ? (parsed.data?.object?.id ?? null)
          : (parsed.payload?.uid ?? parsed.payload?.bookingUid ?? parsed.uid ?? null),
      body: raw,
      bodySha256: sha,
      receivedAt,
    })
    .returning({ id: webhookEvents.id });
  return row!.id;
}

/** The payment provider, faked: records calls, answers like Stripe would, fails on request. */
export class FakePayments implements PaymentPort {
  readonly mode = "simulated" as const;
  readonly checkouts: CreateCheckoutInput[] = [];
  readonly expired: string[] = [];
  readonly refunds: RefundInput[] = [];
  readonly chargeLookups: string[] = [];
  /** Thrown by the next call of that method, then cleared. */
  fail: Partial<
    Record<"createCheckoutSession" | "expireCheckoutSession" | "retrieveCharge" | "refund", Error>
  > = {};
  processingFee: number | null = 380;
  /** The charge's time at the provider (Stripe's `created`), when a test sets one. */
  chargeCreated: Date | null = null;
  refundStatus: RefundResult["status"] = "pending";

  private take(method: keyof FakePayments["fail"]) {
    const error = this.fail[method];
    if (error) {
      delete this.fail[method];
      throw error;
    }
  }

  /** The sessions this provider opened, as it has them now. */
  readonly sessions = new Map<string, CheckoutSession>();

  createCheckoutSession(input: CreateCheckoutInput): Promise<CheckoutSession> {
    this.take("createCheckoutSession");
    this.checkouts.push(input);
    const session: CheckoutSession = {
      id: `cs_${input.paymentId}`,
      url: `https://checkout.test/pay/cs_${input.paymentId}`,
      status: "open",
      paymentStatus: "unpaid",
      amount: input.amount.amount,
      currency: input.amount.currency.toLowerCase(),
      paymentIntentId: null,
      consultationId: input.consultationId,
      paymentId: input.paymentId,
      expiresAt: input.expiresAt,
    };
    this.sessions.set(session.id, session);
    return Promise.resolve({ ...session });
  }

  /** The client finishes checkout (a card pays; a delayed method leaves it `unpaid`). */
  completeSession(sessionId: string, paymentStatus: "paid" | "unpaid" = "paid"): CheckoutSession {
    const session = this.sessions.get(sessionId);
    if (!session || session.status !== "open") throw new Error(`session ${sessionId} not open`);
    const paymentId = session.paymentId ?? sessionId;
    const done: CheckoutSession = {
      ...session,
      status: "complete",
      paymentStatus,
      url: null,
      paymentIntentId: `pi_${paymentId.slice(0, 8)}`,
    };
    this.sessions.set(sessionId, done);
    return done;
  }

  /** Like Stripe: an open session expires; any other comes back as it is. */
  expireCheckoutSession(input: {
    sessionId: string;
    idempotencyKey: string;
  }): Promise<CheckoutSession> {
    this.take("expireCheckoutSession");
    this.expired.push(input.sessionId);
    const session = this.sessions.get(input.sessionId);
    if (!session) {
      return Promise.reject(
        new ProviderRejectedError(`No such checkout.session: '${input.sessionId}'`, {
          code: "resource_missing",
        }),
      );
    }
    if (session.status === "open") {
      this.sessions.set(input.sessionId, { ...session, status: "expired", url: null });
    }
    return Promise.resolve({ ...this.sessions.get(input.sessionId)! });
  }

  retrieveCheckoutSession(sessionId: string): Promise<CheckoutSession> {
    const session = this.sessions.get(sessionId);
    return session
      ? Promise.resolve({ ...session })
      : Promise.reject(
          new ProviderRejectedError(`No such checkout.session: '${sessionId}'`, {
            code: "resource_missing",
          }),
        );
  }

  retrieveCharge(input: { paymentIntentId: string }): Promise<ChargeInfo> {
    this.take("retrieveCharge");
    this.chargeLookups.push(input.paymentIntentId);
    return Promise.resolve({
      chargeId: `ch_${input.paymentIntentId.slice(3)}`,
      amount: PRICE.price,
      currency: "usd",
      amountRefunded: 0,
      processingFee: this.processingFee,
      created: this.chargeCreated,
    });
  }

  refund(input: RefundInput): Promise<RefundResult> {
    this.take("refund");
    this.refunds.push(input);
    return Promise.resolve({
      providerRefundId: `re_${input.refundId.slice(0, 8)}`,
      status: this.refundStatus,
    });
  }

  /** Connected accounts as the provider has them now; `retrieveAccount` reads these. */
  readonly accounts = new Map<string, ConnectAccount>();
  readonly accountLookups: string[] = [];
  /** Thrown by the next `retrieveAccount`, then cleared. */
  failRetrieveAccount: Error | null = null;

  retrieveAccount(accountId: string): Promise<ConnectAccount> {
    this.accountLookups.push(accountId);
    const error = this.failRetrieveAccount;
    if (error) {
      this.failRetrieveAccount = null;
      return Promise.reject(error);
    }
    const account = this.accounts.get(accountId);
    return account
      ? Promise.resolve(structuredClone(account))
      : Promise.reject(
          new ProviderRejectedError(`No such account: '${accountId}'`, {
            code: "resource_missing",
          }),
        );
  }

  // Payouts run against the simulated provider in their own tests; these aren't used here.
  createExpressAccount = notUsed;
  createAccountLink = notUsed;
  createTransfer = notUsed;
  createTransferReversal = notUsed;
  listTransfers = notUsed;
  listRefunds = notUsed;
  listBalanceTransactions = notUsed;
}

function notUsed(): Promise<never> {
  return Promise.reject(new Error("not used by these tests"));
}

/** The scheduler, faked: records cancellations and lists the bookings a test gives it. */
export class FakeScheduling implements SchedulingPort {
  readonly mode = "simulated" as const;
  readonly cancelled: { bookingUid: string; reason: string }[] = [];
  bookings: SchedulingBooking[] = [];
  fail: Error | null = null;

  bookingUrl(input: { eventType: string; bookingToken: string }): string {
    return `https://cal.test/${input.eventType}?metadata[bookingToken]=${input.bookingToken}`;
  }

  cancelBooking(input: { bookingUid: string; reason: string }): Promise<void> {
    if (this.fail) {
      const error = this.fail;
      this.fail = null;
      return Promise.reject(error);
    }
    this.cancelled.push(input);
    return Promise.resolve();
  }

  listBookings(): Promise<SchedulingBooking[]> {
    return Promise.resolve(this.bookings);
  }
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

export type QueuedJob = {
  task: string;
  payload: Record<string, unknown>;
  key: string | null;
  runAt: Date;
};

/** Jobs waiting in the queue for `task`, oldest first. */
export async function queuedJobs(db: Db, task: string): Promise<QueuedJob[]> {
  const rows = await db.execute<{
    payload: Record<string, unknown>;
    key: string | null;
    run_at: Date;
  }>(sql`
    select j.payload, j.key, j.run_at from graphile_worker._private_jobs j
    join graphile_worker._private_tasks k on k.id = j.task_id
    where k.identifier = ${task} order by j.id
  `);
  return rows.map((r) => ({ task, payload: r.payload, key: r.key, runAt: new Date(r.run_at) }));
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
  const [row] = await w.deps.db
    .select()
    .from(webhookEvents)
    .where(sql`${webhookEvents.id} = ${webhookEventId}`);
  return {
    status: row!.status,
    outcome: row!.outcome,
    consultationId: row!.consultationId,
    error,
    attempts: row!.attempts,
    details: row!.details,
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
  const rows = await w.deps.db.execute<{ id: string; provider_session_id: string }>(sql`
    select id, provider_session_id from payments
    where consultation_id = ${consultationId} and status = 'open' order by created_at desc limit 1
  `);
  const row = rows[0];
  if (!row) throw new Error("no open payment");
  return { paymentId: row.id, sessionId: row.provider_session_id };
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

/** Incidents with a given kind, newest first. */
export async function incidents(db: Db, kind?: string) {
  return db.execute<{
    kind: string;
    dedupe_key: string;
    message: string;
    consultation_id: string | null;
  }>(sql`
    select kind, dedupe_key, message, consultation_id from security_incidents
    where ${kind ?? null}::text is null or kind::text = ${kind ?? null}
    order by created_at desc
  `);
}

/** The held balance of a consultation (positive while the platform holds money for it). */
export async function heldFor(db: Db, consultationId: string): Promise<number> {
  const rows = await db.execute<{ balance: string | null }>(sql`
    select sum(amount) as balance from journal_postings where account = ${`client_funds_held:${consultationId}`}
  `);
  return -Number(rows[0]?.balance ?? 0) || 0;
}
