import { randomBytes } from "node:crypto";
import { applyAdminDecision, listEntriesForConsultation, listRefunds } from "@an/db";
import {
  useTestDatabase,
  ADMIN,
  ADVISOR,
  CLIENT,
  consultationRow,
  PRICE,
  seedParties,
} from "@an/db/testing";
import type { CurrencyCode } from "@an/domain";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import {
  addMinutes,
  calcomBooking,
  calcomEnvelope,
  checkoutSessionObject,
  insertIntent,
  jobHelpers,
  MEETING_END,
  MEETING_START,
  newUid,
  openCheckout,
  processDelivery,
  storeDelivery,
  stripeEvent,
  T0,
  world,
  type World,
} from "./testing/fixtures";

/*
 * Money must not depend on the order deliveries arrive in: the outcome of one
 * consultation's provider events is the one of the order they happened in at the
 * providers (Stripe's `created`, Cal.com's `createdAt`), whatever order, and however many
 * times, our worker sees them.
 */

const t = useTestDatabase((db) => seedParties(db.db));
let w: World;
beforeEach(() => {
  w = world(t.db);
});

const HOUR = 60;
const DAY = 24 * HOUR;

/**
 * One provider event of a consultation: when it happened there, and the delivery's body.
 * `timer` is our own payment deadline firing (its body names the consultation and time).
 */
type ProviderEvent = {
  name: string;
  provider: "stripe" | "calcom" | "timer";
  at: Date;
  body: unknown;
};

/** What the worker has to show for one consultation, with its ids taken out. */
async function observe(consultationId: string) {
  const row = await consultationRow(t.db, consultationId);
  const refunds = (await listRefunds(t.db, { consultationId })).map((r) => r.amount).sort();
  const found = await t.db.execute<{ kind: string }>(
    sql`select kind::text as kind from security_incidents where consultation_id = ${consultationId}`,
  );
  const ledger = (await listEntriesForConsultation(t.db, { consultationId }))
    .map((e) => ({
      kind: e.kind,
      postings: e.postings
        .map((p) => `${p.account.replace(consultationId, "C")} ${p.amount} ${p.currency}`)
        .sort(),
    }))
    .sort((a, b) => `${a.kind}${a.postings.join()}`.localeCompare(`${b.kind}${b.postings.join()}`));
  return {
    status: row.status,
    refunds,
    incidents: found.map((i) => i.kind).sort(),
    ledger,
  };
}

/** The processing clock: never before what it has seen, a little after the event itself. */
function advanceTo(at: Date) {
  const next = addMinutes(at, 1);
  if (next.getTime() > w.clock.now.getTime()) w.clock.now = next;
}

/**
 * Stores and processes each delivery in the order given, then retries whatever waited
 * (as graphile-worker would) until nothing more changes.
 */
async function run(deliveries: readonly ProviderEvent[]) {
  const stored: { id: string; attempts: number }[] = [];
  for (const d of deliveries) {
    advanceTo(d.at);
    if (d.provider === "timer") {
      const { consultationId, at } = d.body as { consultationId: string; at: string };
      await w.handlers.consultation_timer(
        { consultationId, timer: "payment_expiry", at },
        jobHelpers(),
      );
      continue;
    }
    const id = await storeDelivery(t.db, d.provider, d.body, w.clock.now);
    const r = await processDelivery(w, id);
    if (r.error && r.status !== "deferred") throw r.error;
    if (r.status === "deferred") stored.push({ id, attempts: 1 });
  }
  for (let round = 0; round < 6 && stored.length > 0; round += 1) {
    let progressed = false;
    for (const s of [...stored]) {
      s.attempts += 1;
      const r = await processDelivery(w, s.id, s.attempts);
      if (r.error && r.status !== "deferred") throw r.error;
      if (r.status !== "deferred") {
        stored.splice(stored.indexOf(s), 1);
        progressed = true;
      }
    }
    if (!progressed) break;
  }
}

/** A consultation booked and its checkout opened (our checkout can't exist before the booking). */
async function booked(bookedAt: Date) {
  const { token } = await insertIntent(t.db);
  const uid = newUid();
  w.clock.now = addMinutes(bookedAt, 1);
  const id = await storeDelivery(
    t.db,
    "calcom",
    calcomEnvelope("BOOKING_CREATED", calcomBooking({ uid, token }), bookedAt),
    w.clock.now,
  );
  const r = await processDelivery(w, id);
  if (!r.consultationId) throw new Error(`booking failed: ${r.status} ${r.outcome ?? ""}`);
  const checkout = await openCheckout(w, r.consultationId);
  const [row] = await t.db.execute<{ payment_expires_at: Date }>(
    sql`select payment_expires_at from consultations where id = ${r.consultationId}`,
  );
  const deadline = new Date(row!.payment_expires_at);
  return { uid, token, consultationId: r.consultationId, ...checkout, deadline };
}

type Booked = Awaited<ReturnType<typeof booked>>;

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

function paid(b: Booked, at: Date, session?: { sessionId: string; paymentIntentId: string }) {
  const event = stripeEvent(
    "checkout.session.completed",
    checkoutSessionObject({
      sessionId: session?.sessionId ?? b.sessionId,
      consultationId: b.consultationId,
      paymentId: b.paymentId,
      paymentIntentId: session?.paymentIntentId ?? `pi_${b.paymentId.slice(0, 8)}`,
    }),
  );
  if (session) {
    // A session we didn't open ourselves carries only the consultation.
    (event.data.object.metadata as Record<string, unknown>).payment_id = undefined;
  }
  return { ...event, created: seconds(at) };
}

function asyncFailed(b: Booked, at: Date) {
  const event = stripeEvent(
    "checkout.session.async_payment_failed",
    checkoutSessionObject({
      sessionId: b.sessionId,
      consultationId: b.consultationId,
      paymentId: b.paymentId,
      paymentStatus: "unpaid",
    }),
  );
  return { ...event, created: seconds(at) };
}

function disputeEvent(
  b: Booked,
  paymentIntentId: string,
  type: "charge.dispute.created" | "charge.dispute.closed",
  status: "needs_response" | "won" | "lost",
  disputeId: string,
  at: Date,
) {
  const event = stripeEvent(type, {
    id: disputeId,
    object: "dispute",
    amount: PRICE.price,
    currency: "usd",
    charge: `ch_${paymentIntentId.slice(3)}`,
    payment_intent: paymentIntentId,
    status,
    metadata: { consultation_id: b.consultationId },
    balance_transactions: [{ fee: 1_500, currency: "usd" }],
  });
  return { ...event, created: seconds(at) };
}

const cancelledBody = (
  uid: string,
  token: string,
  by: "client" | "advisor",
  extra: Record<string, unknown> = {},
) =>
  calcomBooking({
    uid,
    token,
    extra: {
      status: "CANCELLED",
      cancelledBy: by === "client" ? CLIENT.email : ADVISOR.email,
      ...extra,
    },
  });

const meetingEnded = (uid: string, token: string, start: Date, end: Date) => ({
  triggerEvent: "MEETING_ENDED",
  id: 100,
  uid,
  startTime: start.toISOString(),
  endTime: end.toISOString(),
  createdAt: T0.toISOString(),
  status: "ACCEPTED",
  metadata: { bookingToken: token },
});

/** A consultation's life at the providers, as the generator draws it. */
type Story = {
  failedFirst: boolean;
  payment: "before" | "none" | "after_cancellation";
  path:
    | { kind: "cancel"; by: "client" | "advisor"; hoursBefore: number }
    | { kind: "reschedule_then_cancel"; by: "client" | "advisor"; hoursBefore: number }
    | { kind: "host_request"; rebook: boolean }
    | {
        kind: "meeting";
        rescheduled: boolean;
        after: "nothing" | "no_show" | "dispute_open" | "dispute_won" | "dispute_lost";
        /** A chargeback opened before the meeting took place (it still ends). */
        disputeBeforeEnd: boolean;
      };
  adminRefund: boolean;
};

const storyArb: fc.Arbitrary<Story> = fc.record({
  failedFirst: fc.boolean(),
  payment: fc.constantFrom("before", "before", "none", "after_cancellation"),
  path: fc.oneof(
    fc.record({
      kind: fc.constant("cancel" as const),
      by: fc.constantFrom("client" as const, "advisor" as const),
      hoursBefore: fc.constantFrom(30, 10, 1),
    }),
    fc.record({
      kind: fc.constant("reschedule_then_cancel" as const),
      by: fc.constantFrom("client" as const, "advisor" as const),
      hoursBefore: fc.constantFrom(30, 10, 1),
    }),
    fc.record({ kind: fc.constant("host_request" as const), rebook: fc.boolean() }),
    fc.record({
      kind: fc.constant("meeting" as const),
      rescheduled: fc.boolean(),
      after: fc.constantFrom(
        "nothing" as const,
        "no_show" as const,
        "dispute_open" as const,
        "dispute_won" as const,
        "dispute_lost" as const,
      ),
      disputeBeforeEnd: fc.boolean(),
    }),
  ),
  adminRefund: fc.boolean(),
});

/**
 * The provider events of `story` for a freshly booked consultation, in the order they
 * happened. Times are relative to the booking (the meeting is three days later).
 */
function eventsOf(story: Story, b: Booked, bookedAt: Date): ProviderEvent[] {
  const out: ProviderEvent[] = [];
  const calcom = (name: string, at: Date, body: unknown) =>
    out.push({ name, provider: "calcom", at, body });
  const stripe = (name: string, at: Date, body: unknown) =>
    out.push({ name, provider: "stripe", at, body });
  const retrySession = {
    sessionId: `cs_retry_${randomBytes(6).toString("hex")}`,
    paymentIntentId: `pi_retry${randomBytes(4).toString("hex")}`,
  };
  const session = story.failedFirst ? retrySession : undefined;
  const paymentIntentId = session?.paymentIntentId ?? `pi_${b.paymentId.slice(0, 8)}`;
  if (story.failedFirst)
    stripe(
      "async payment failed",
      addMinutes(bookedAt, 5),
      asyncFailed(b, addMinutes(bookedAt, 5)),
    );
  const payAt = addMinutes(bookedAt, 10);
  const hasCancellation =
    story.path.kind === "cancel" || story.path.kind === "reschedule_then_cancel";
  const payment =
    story.payment === "after_cancellation" && !hasCancellation ? "before" : story.payment;
  if (payment === "before") stripe("payment", payAt, paid(b, payAt, session));
  if (timerFires(story)) {
    out.push({
      name: "payment deadline",
      provider: "timer",
      at: b.deadline,
      body: { consultationId: b.consultationId, at: b.deadline.toISOString() },
    });
  }

  let uid = b.uid;
  let start = MEETING_START;
  let end = MEETING_END;
  const reschedule = (at: Date, days: number, name: string) => {
    const next = newUid();
    const s = addMinutes(MEETING_START, days * DAY);
    const e = addMinutes(MEETING_END, days * DAY);
    calcom(
      name,
      at,
      calcomEnvelope(
        "BOOKING_RESCHEDULED",
        calcomBooking({
          uid: next,
          token: b.token,
          start: s,
          end: e,
          extra: { rescheduleUid: uid },
        }),
        at,
      ),
    );
    uid = next;
    start = s;
    end = e;
  };
  const p = story.path;
  if (p.kind === "reschedule_then_cancel") reschedule(addMinutes(bookedAt, DAY), 1, "reschedule");
  if (p.kind === "cancel" || p.kind === "reschedule_then_cancel") {
    const at = addMinutes(start, -p.hoursBefore * HOUR);
    calcom(
      `cancel by ${p.by}`,
      at,
      calcomEnvelope("BOOKING_CANCELLED", cancelledBody(uid, b.token, p.by), at),
    );
    if (payment === "after_cancellation") {
      const late = addMinutes(at, 5);
      stripe("payment after the cancellation", late, paid(b, late, session));
    }
  }
  if (p.kind === "host_request") {
    const at = addMinutes(bookedAt, DAY);
    calcom(
      "host requests a reschedule",
      at,
      calcomEnvelope(
        "BOOKING_CANCELLED",
        cancelledBody(uid, b.token, "advisor", { requestReschedule: true }),
        at,
      ),
    );
    if (p.rebook) reschedule(addMinutes(at, 2 * HOUR), 2, "client picks a new time");
  }
  if (p.kind === "meeting") {
    if (p.rescheduled) reschedule(addMinutes(bookedAt, DAY), 1, "reschedule");
    calcom("meeting ended", end, meetingEnded(uid, b.token, start, end));
    if (p.after === "no_show") {
      const at = addMinutes(end, HOUR);
      calcom(
        "client no-show",
        at,
        calcomEnvelope(
          "BOOKING_NO_SHOW_UPDATED",
          {
            message: "x marked as no-show",
            bookingUid: uid,
            attendees: [{ email: CLIENT.email, noShow: true }],
          },
          at,
        ),
      );
    }
    if (p.after.startsWith("dispute")) {
      const disputeId = `dp_${randomBytes(6).toString("hex")}`;
      const opened = p.disputeBeforeEnd ? addMinutes(start, -2 * HOUR) : addMinutes(end, 2 * HOUR);
      stripe(
        "dispute opened",
        opened,
        disputeEvent(
          b,
          paymentIntentId,
          "charge.dispute.created",
          "needs_response",
          disputeId,
          opened,
        ),
      );
      if (p.after !== "dispute_open") {
        const closed = addMinutes(end, 10 * DAY);
        const status = p.after === "dispute_won" ? "won" : "lost";
        stripe(
          `dispute ${status}`,
          closed,
          disputeEvent(b, paymentIntentId, "charge.dispute.closed", status, disputeId, closed),
        );
      }
    }
  }
  return out;
}

/**
 * Stories that play our payment deadline firing: those paid in time on the session we
 * opened (the worker may run the timer before that payment's webhook). Elsewhere the
 * deadline is left out: the model's retry session has no payment row of ours, and an
 * unpaid story's later Cal.com events would only meet an expired consultation.
 */
const timerFires = (story: Story) =>
  !story.failedFirst &&
  (story.payment === "before" ||
    (story.payment === "after_cancellation" &&
      story.path.kind !== "cancel" &&
      story.path.kind !== "reschedule_then_cancel"));

/** The admin refund procedure's workflow, after everything else has been seen. */
async function adminRefund(consultationId: string, requestId: string) {
  w.clock.now = addMinutes(w.clock.now, HOUR);
  await t.db.transaction((tx) =>
    applyAdminDecision(tx, {
      consultationId,
      adminId: ADMIN,
      requestId,
      now: w.clock.now,
      reason: "Goodwill partial refund",
      action: "consultation.refund",
      procedure: "consultations.refund",
      details: { amount: 2_500 },
      event: (row) => ({
        type: "admin_refund",
        amount: { amount: 2_500, currency: row.currency as CurrencyCode },
      }),
    }),
  );
}

/** Plays `story` on a fresh consultation, its deliveries arranged by `arrange`. */
async function play(
  story: Story,
  arrange: (events: ProviderEvent[]) => ProviderEvent[],
): Promise<{ consultationId: string; outcome: Awaited<ReturnType<typeof observe>> }> {
  const bookedAt = addMinutes(T0, 1);
  const b = await booked(bookedAt);
  const events = eventsOf(story, b, bookedAt);
  if (timerFires(story)) {
    // At Stripe the payment (10 minutes after booking) precedes everything else, so
    // whenever the timer asks, the session is complete and paid, at that time.
    w.payments.completeSession(b.sessionId);
    w.payments.chargeCreated = addMinutes(bookedAt, 10);
  }
  await run(arrange(events));
  if (story.adminRefund)
    await adminRefund(b.consultationId, `req_${randomBytes(6).toString("hex")}`);
  return { consultationId: b.consultationId, outcome: await observe(b.consultationId) };
}

describe("the outcome is the one of the order things happened in at the providers", () => {
  it("delivered in any order, with duplicates: same state, refunds, incidents and ledger", async () => {
    await fc.assert(
      fc.asyncProperty(
        storyArb,
        fc.array(fc.nat({ max: 1_000_000 }), { minLength: 24, maxLength: 24 }),
        fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
        async (story, keys, duplicate) => {
          const inOrder = await play(story, (events) =>
            [...events].sort((a, b) => a.at.getTime() - b.at.getTime()),
          );
          const shuffled = await play(story, (events) => {
            const copies = events.flatMap((e, i) => (duplicate[i] ? [e, e] : [e]));
            return copies
              .map((e, i) => ({ e, key: keys[i % keys.length]! * 100 + i }))
              .sort((a, b) => a.key - b.key)
              .map((x) => x.e);
          });
          expect(shuffled.outcome).toEqual(inOrder.outcome);
        },
      ),
      { numRuns: 30 },
    );
  }, 240_000);
});

describe("paid, then cancelled: the cancellation reaching us first", () => {
  it("a client cancelling 10 h before the start gets 50 % back; nobody raises an unknown charge", async () => {
    const bookedAt = addMinutes(T0, 1);
    const b = await booked(bookedAt);
    const payAt = addMinutes(bookedAt, 10);
    const cancelAt = addMinutes(MEETING_START, -10 * HOUR);
    await run([
      {
        name: "cancel by client",
        provider: "calcom",
        at: cancelAt,
        body: calcomEnvelope(
          "BOOKING_CANCELLED",
          cancelledBody(b.uid, b.token, "client"),
          cancelAt,
        ),
      },
      { name: "payment", provider: "stripe", at: payAt, body: paid(b, payAt) },
    ]);
    const o = await observe(b.consultationId);
    expect(o.status).toBe("cancelled");
    expect(o.refunds).toEqual([PRICE.price / 2]);
    expect(o.incidents).toEqual([]);
    expect(o.ledger.map((e) => e.kind).sort()).toEqual([
      "payment_captured",
      "processing_fee",
      "refund",
      "release",
    ]);
    expect(o.ledger.find((e) => e.kind === "release")?.postings).toContain(
      `platform_fee_revenue ${-PRICE.platformFee / 2} USD`,
    );
  });

  it("a payment Stripe stamps with the cancellation's own second counts as made first, in either order", async () => {
    for (const cancellationFirst of [true, false]) {
      const b = await booked(addMinutes(T0, 1));
      const at = addMinutes(MEETING_START, -10 * HOUR);
      const cancel: ProviderEvent = {
        name: "cancel by client",
        provider: "calcom",
        at,
        body: calcomEnvelope("BOOKING_CANCELLED", cancelledBody(b.uid, b.token, "client"), at),
      };
      const payment: ProviderEvent = { name: "payment", provider: "stripe", at, body: paid(b, at) };
      await run(cancellationFirst ? [cancel, payment] : [payment, cancel]);
      const o = await observe(b.consultationId);
      expect({ cancellationFirst, refunds: o.refunds, incidents: o.incidents }).toEqual({
        cancellationFirst,
        refunds: [PRICE.price / 2],
        incidents: [],
      });
    }
  });

  it("a payment that really happened after the cancellation is refunded in full, in either order", async () => {
    for (const cancellationFirst of [true, false]) {
      const bookedAt = addMinutes(T0, 1);
      const b = await booked(bookedAt);
      const cancelAt = addMinutes(MEETING_START, -10 * HOUR);
      const payAt = addMinutes(cancelAt, 5);
      const cancel: ProviderEvent = {
        name: "cancel by client",
        provider: "calcom",
        at: cancelAt,
        body: calcomEnvelope(
          "BOOKING_CANCELLED",
          cancelledBody(b.uid, b.token, "client"),
          cancelAt,
        ),
      };
      const payment: ProviderEvent = {
        name: "payment",
        provider: "stripe",
        at: payAt,
        body: paid(b, payAt),
      };
      await run(cancellationFirst ? [cancel, payment] : [payment, cancel]);
      const o = await observe(b.consultationId);
      expect(o.status).toBe("cancelled");
      expect(o.refunds).toEqual([PRICE.price]);
      expect(o.incidents).toEqual(["unknown_charge"]);
      expect(o.ledger.map((e) => e.kind).sort()).toEqual([
        "payment_captured",
        "processing_fee",
        "refund",
      ]);
    }
  });
});
