import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_ASYNC_PASS_RULES, DEFAULT_COMMISSION } from "./rule-sets";
import {
  passReplyDeadline,
  quoteAsyncPass,
  unusedPassDays,
  validateAsyncDayRate,
} from "./async-pass";
import { applyEvent, isTerminal, newConsultation } from "./consultation-machine";
import type {
  Consultation,
  ConsultationEvent,
  Effect,
  EventPayload,
  TransitionErrorCode,
} from "./consultation-types";
import { accounts, balanceOf, heldBalance, isBalanced, type JournalEntry } from "./ledger";
import { moneyOf } from "./money";
import { DEFAULT_REFUND_POLICY } from "./refund-policy";

const usd = (n: number) => moneyOf(n, "USD");
const H = 3_600_000;
const T0 = new Date("2026-12-01T10:00:00Z").getTime();
const at = (hours: number) => new Date(T0 + hours * H);

describe("pass quote", () => {
  it.each([
    // [day rate, days, price, fee (20 %, min $3), share]
    [5_000, 1, 5_000, 1_000, 4_000],
    [5_000, 30, 150_000, 30_000, 120_000],
    [1_000, 1, 1_000, 300, 700],
    [1_001, 3, 3_003, 601, 2_402],
  ])("%i/day × %i days = %i (fee %i, share %i)", (rate, days, price, fee, share) => {
    const q = quoteAsyncPass({
      dayRate: usd(rate),
      days,
      rules: DEFAULT_ASYNC_PASS_RULES,
      commission: DEFAULT_COMMISSION,
    });
    expect(q.ok && q.value).toMatchObject({
      price: usd(price),
      platformFee: usd(fee),
      advisorShare: usd(share),
      rules: { pricing: DEFAULT_ASYNC_PASS_RULES.version, commission: DEFAULT_COMMISSION.version },
    });
  });

  it.each([
    [5_000, 0, "DAYS_NOT_ALLOWED"],
    [5_000, 31, "DAYS_NOT_ALLOWED"],
    [5_000, 1.5, "DAYS_NOT_ALLOWED"],
    [999, 1, "DAY_RATE_BELOW_MINIMUM"],
    [50_001, 1, "DAY_RATE_ABOVE_MAXIMUM"],
  ])("refuses %i/day × %s days: %s", (rate, days, code) => {
    const q = quoteAsyncPass({
      dayRate: usd(rate),
      days,
      rules: DEFAULT_ASYNC_PASS_RULES,
      commission: DEFAULT_COMMISSION,
    });
    expect(!q.ok && q.error.code).toBe(code);
  });

  it("refuses a currency without async limits", () => {
    const r = validateAsyncDayRate(moneyOf(5_000, "JPY"), DEFAULT_ASYNC_PASS_RULES);
    expect(!r.ok && r.error.code).toBe("CURRENCY_NOT_OFFERED");
  });

  it("adds up for every rate and length", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_000, max: 50_000 }),
        fc.integer({ min: 1, max: 30 }),
        (r, d) => {
          const q = quoteAsyncPass({
            dayRate: usd(r),
            days: d,
            rules: DEFAULT_ASYNC_PASS_RULES,
            commission: DEFAULT_COMMISSION,
          });
          return (
            q.ok &&
            q.value.price.amount === r * d &&
            q.value.platformFee.amount + q.value.advisorShare.amount === r * d
          );
        },
      ),
    );
  });
});

describe("pass windows", () => {
  it("reply deadline: 48 h, or the end of a shorter pass", () => {
    expect(passReplyDeadline({ startsAt: at(0), endsAt: at(24) })).toEqual(at(24));
    expect(passReplyDeadline({ startsAt: at(0), endsAt: at(72) })).toEqual(at(48));
  });
  it.each([
    [0, 3],
    [0.001, 2],
    [24, 2],
    [24.5, 1],
    [71.9, 0],
    [72, 0],
  ])("at %f h of a 3-day pass, %i days unused", (h, unused) => {
    expect(unusedPassDays({ startsAt: at(0), endsAt: at(72) }, at(h))).toBe(unused);
  });
});

// ---- the machine on a pass ------------------------------------------------------------

const PRICE = 15_000;
const FEE = 3_000;

/** A 3-day pass bought at T0 (its placeholder window starts then). */
function pass(reply: Date | null = null): Consultation {
  const made = newConsultation({
    id: "p1",
    advisorId: "adv1",
    kind: "async_pass",
    paid: { price: usd(PRICE), platformFee: usd(FEE), advisorShare: usd(PRICE - FEE) },
    refundPolicy: DEFAULT_REFUND_POLICY,
    startsAt: at(0),
    endsAt: at(72),
    paymentExpiresAt: at(1),
    holdWindowHours: 48,
  });
  if (!made.ok) throw new Error(made.error.message);
  return { ...made.value.consultation, firstAdvisorReplyAt: reply };
}

let seq = 0;
const ev = (actor: ConsultationEvent["actor"], payload: EventPayload): ConsultationEvent => ({
  ...payload,
  id: `e${++seq}`,
  actor,
});
const pay = ev("system", { type: "payment_succeeded", amount: usd(PRICE) });

type Step = [ConsultationEvent, number];
function run(c: Consultation, steps: Step[]) {
  const effects: Effect[] = [];
  for (const [event, hours] of steps) {
    const r = applyEvent(c, event, at(hours));
    if (!r.ok) throw new Error(`${event.type}: ${r.error.code} ${r.error.message}`);
    c = r.value.consultation;
    effects.push(...r.value.effects);
  }
  const entries = effects.flatMap((e) => (e.type === "post_ledger" ? [e.entry] : []));
  const refunded = effects
    .filter((e): e is Extract<Effect, { type: "refund_payment" }> => e.type === "refund_payment")
    .reduce((s, e) => s + e.amount.amount, 0);
  return { c, effects, entries, refunded };
}
const advisorPayable = (entries: JournalEntry[]) =>
  -balanceOf(entries, accounts.advisorPayable("adv1"), "USD").amount || 0;
const feeRevenue = (entries: JournalEntry[]) =>
  -balanceOf(entries, accounts.platformFeeRevenue, "USD").amount || 0;

describe("a pass on the consultation machine", () => {
  it("starts when paid: the window moves to the payment and both clocks are set", () => {
    const { c, effects } = run(pass(), [[pay, 0.5]]);
    expect(c.status).toBe("confirmed");
    expect(c.startsAt).toEqual(at(0.5));
    expect(c.endsAt).toEqual(at(72.5));
    expect(effects).toContainEqual({
      type: "schedule_timer",
      timer: "scheduled_end",
      at: at(72.5),
    });
    expect(effects).toContainEqual({
      type: "schedule_timer",
      timer: "pass_reply_due",
      at: at(48.5),
    });
  });

  it("answered in time: completed at the end, released after the hold window", () => {
    const { c, entries, refunded } = run(pass(at(10)), [
      [pay, 0],
      [ev("system", { type: "scheduled_end_reached" }), 72],
      [ev("system", { type: "hold_window_elapsed" }), 120],
    ]);
    expect(c.status).toBe("released");
    expect(refunded).toBe(0);
    expect(entries.every(isBalanced)).toBe(true);
    expect(heldBalance(entries, "p1", "USD").amount).toBe(0);
    expect(advisorPayable(entries)).toBe(PRICE - FEE);
    expect(feeRevenue(entries)).toBe(FEE);
  });

  it("no reply by the deadline: the timer refunds everything", () => {
    const { c, entries, refunded } = run(pass(), [
      [pay, 0],
      [ev("system", { type: "advisor_reply_overdue" }), 48],
    ]);
    expect(c.status).toBe("refunded");
    expect(refunded).toBe(PRICE);
    expect(entries.every(isBalanced)).toBe(true);
    expect(heldBalance(entries, "p1", "USD").amount).toBe(0);
    expect(advisorPayable(entries)).toBe(0);
  });

  it("a reply after the deadline doesn't save the pass, whichever clock runs first", () => {
    const late = pass(at(50));
    const byTimer = run(late, [
      [pay, 0],
      [ev("system", { type: "advisor_reply_overdue" }), 60],
    ]);
    const byEnd = run(late, [
      [pay, 0],
      [ev("system", { type: "scheduled_end_reached" }), 72],
    ]);
    expect(byTimer.c.status).toBe("refunded");
    expect(byEnd.c.status).toBe("refunded");
    expect(byTimer.refunded).toBe(byEnd.refunded);
  });

  it.each<[string, Date | null, number, TransitionErrorCode]>([
    ["before the deadline", null, 47, "TOO_EARLY"],
    ["after an in-time reply", at(5), 48, "NOT_ALLOWED"],
  ])("the no-reply timer is refused %s", (_, reply, hours, code) => {
    const { c } = run(pass(reply), [[pay, 0]]);
    const r = applyEvent(c, ev("system", { type: "advisor_reply_overdue" }), at(hours));
    expect(!r.ok && r.error.code).toBe(code);
  });

  it.each<[string, Date | null, number, number, string]>([
    ["client before any reply", null, 30, PRICE, "cancelled"],
    ["client after a reply, in day 2 of 3", at(5), 30, PRICE / 3, "cancelled"],
    ["client after a reply, in day 1", at(5), 10, (PRICE * 2) / 3, "cancelled"],
    ["client after a reply, in the last day", at(5), 50, 0, "cancelled"],
  ])("cancelled by the %s refunds %i", (_, reply, hours, refund, status) => {
    const { c, entries, refunded } = run(pass(reply), [
      [pay, 0],
      [ev("client", { type: "cancelled", onPlatform: true }), hours],
    ]);
    expect(c.status).toBe(status);
    expect(refunded).toBe(refund);
    expect(entries.every(isBalanced)).toBe(true);
    expect(heldBalance(entries, "p1", "USD").amount).toBe(0);
    expect(refunded + advisorPayable(entries) + feeRevenue(entries)).toBe(PRICE);
  });

  it("cancelled by the advisor refunds everything and never touches a calendar", () => {
    const { c, effects, refunded } = run(pass(at(1)), [
      [pay, 0],
      [ev("advisor", { type: "cancelled", onPlatform: true }), 30],
    ]);
    expect(c.status).toBe("cancelled");
    expect(refunded).toBe(PRICE);
    expect(effects.some((e) => e.type === "cancel_booking")).toBe(false);
  });

  it("can't be cancelled after its window: that is a dispute", () => {
    const { c } = run(pass(at(1)), [[pay, 0]]);
    const r = applyEvent(c, ev("client", { type: "cancelled" }), at(72));
    expect(!r.ok && r.error.code).toBe("TOO_LATE");
  });

  it.each<EventPayload>([
    { type: "reschedule_requested" },
    { type: "rescheduled", startsAt: at(100), endsAt: at(101) },
    { type: "meeting_ended" },
  ])("refuses the meeting event $type", (payload) => {
    const { c } = run(pass(at(1)), [[pay, 0]]);
    const r = applyEvent(
      c,
      ev(payload.type === "meeting_ended" ? "system" : "advisor", payload),
      at(2),
    );
    expect(!r.ok && r.error.code).toBe("NOT_ALLOWED");
  });

  it("refuses a no-show report", () => {
    const { c } = run(pass(at(1)), [
      [pay, 0],
      [ev("system", { type: "scheduled_end_reached" }), 72],
    ]);
    const r = applyEvent(c, ev("client", { type: "no_show_reported", absent: "advisor" }), at(73));
    expect(!r.ok && r.error.code).toBe("NOT_ALLOWED");
  });

  it("a booking refuses the pass-only timer", () => {
    const booking = { ...pass(), kind: "booking" as const };
    const { c } = run(booking, [[pay, 0]]);
    const r = applyEvent(c, ev("system", { type: "advisor_reply_overdue" }), at(100));
    expect(!r.ok && r.error.code).toBe("NOT_ALLOWED");
  });

  it("a client dispute after the window is decided by an admin as for bookings", () => {
    const { c, entries, refunded } = run(pass(at(1)), [
      [pay, 0],
      [ev("system", { type: "scheduled_end_reached" }), 72],
      [ev("client", { type: "dispute_opened" }), 80],
      [ev("admin", { type: "dispute_resolved", refund: usd(5_000) }), 90],
    ]);
    expect(c.status).toBe("released");
    expect(refunded).toBe(5_000);
    expect(entries.every(isBalanced)).toBe(true);
    expect(refunded + advisorPayable(entries) + feeRevenue(entries)).toBe(PRICE);
  });
});

// ---- what each party is told -----------------------------------------------------------

/** The notices of the last step only, as `audience:template`. */
function lastNotices(c: Consultation, steps: Step[]): string[] {
  const before = run(c, steps.slice(0, -1));
  const [event, hours] = steps[steps.length - 1]!;
  const r = applyEvent(before.c, event, at(hours));
  if (!r.ok) throw new Error(`${event.type}: ${r.error.code} ${r.error.message}`);
  return r.value.effects.flatMap((e) => (e.type === "notify" ? [`${e.to}:${e.template}`] : []));
}
const both = (template: string) => [`client:${template}`, `advisor:${template}`];
const endAt = ev("system", { type: "scheduled_end_reached" });
const refundAll = ev("admin", { type: "admin_refund", amount: usd(PRICE) });

describe("a pass's notices", () => {
  it.each<[string, Date | null, Step[], string]>([
    ["paid", null, [[pay, 0]], "pass_confirmed"],
    [
      "unanswered by the deadline",
      null,
      [
        [pay, 0],
        [ev("system", { type: "advisor_reply_overdue" }), 48],
      ],
      "pass_unanswered",
    ],
    [
      "unanswered when the window ends",
      null,
      [
        [pay, 0],
        [endAt, 72],
      ],
      "pass_unanswered",
    ],
    [
      "ended after a reply",
      at(1),
      [
        [pay, 0],
        [endAt, 72],
      ],
      "pass_completed",
    ],
    [
      "cancelled by the client",
      at(1),
      [
        [pay, 0],
        [ev("client", { type: "cancelled", onPlatform: true }), 30],
      ],
      "pass_cancelled",
    ],
    [
      "cancelled by the advisor",
      null,
      [
        [pay, 0],
        [ev("advisor", { type: "cancelled", onPlatform: true }), 10],
      ],
      "pass_cancelled",
    ],
    [
      "cancelled before payment",
      null,
      [[ev("client", { type: "cancelled" }), 0.2]],
      "pass_cancelled",
    ],
    [
      "refunded by an admin",
      at(1),
      [
        [pay, 0],
        [refundAll, 10],
      ],
      "pass_refunded",
    ],
  ])("%s: both parties get the pass's own notice", (_, reply, steps, template) => {
    expect(lastNotices(pass(reply), steps)).toEqual(both(template));
  });

  it.each<[string, Step[], string[]]>([
    [
      "payment declined",
      [[ev("system", { type: "payment_failed" }), 0.2]],
      ["client:pass_payment_failed"],
    ],
    [
      "payment never made",
      [[ev("system", { type: "payment_expired" }), 1]],
      ["client:pass_payment_expired"],
    ],
    [
      "earnings released",
      [
        [pay, 0],
        [endAt, 72],
        [ev("system", { type: "hold_window_elapsed" }), 120],
      ],
      ["advisor:pass_earnings_released"],
    ],
    [
      "paid out",
      [
        [pay, 0],
        [endAt, 72],
        [ev("system", { type: "hold_window_elapsed" }), 120],
        [ev("system", { type: "payout_sent", amount: usd(PRICE - FEE), transferId: "tr_1" }), 121],
      ],
      ["advisor:pass_payout_sent"],
    ],
  ])("%s: the pass's own notice", (_, steps, notices) => {
    expect(lastNotices(pass(at(1)), steps)).toEqual(notices);
  });

  it.each<[string, Step[], string]>([
    ["paid", [[pay, 0]], "booking_confirmed"],
    [
      "ended",
      [
        [pay, 0],
        [endAt, 25],
      ],
      "consultation_completed",
    ],
    [
      "cancelled",
      [
        [pay, 0],
        [ev("client", { type: "cancelled", onPlatform: true }), 1],
      ],
      "cancelled",
    ],
    [
      "refunded by an admin",
      [
        [pay, 0],
        [refundAll, 1],
      ],
      "refunded",
    ],
  ])("a booking %s still gets the booking's notice", (_, steps, template) => {
    // The same purchase as a one-hour meeting tomorrow.
    const booking: Consultation = { ...pass(), kind: "booking", startsAt: at(24), endsAt: at(25) };
    expect(lastNotices(booking, steps)).toEqual(both(template));
  });
});

// ---- model-based: any sequence of pass events ---------------------------------------

const PASS_EVENTS: [ConsultationEvent["actor"], EventPayload][] = [
  ["system", { type: "payment_succeeded", amount: usd(PRICE) }],
  ["system", { type: "payment_expired" }],
  ["client", { type: "cancelled", onPlatform: true }],
  ["advisor", { type: "cancelled", onPlatform: true }],
  ["system", { type: "advisor_reply_overdue" }],
  ["system", { type: "scheduled_end_reached" }],
  ["system", { type: "hold_window_elapsed" }],
  ["client", { type: "dispute_opened" }],
  ["admin", { type: "dispute_resolved", refund: usd(4_000) }],
  ["admin", { type: "admin_refund", amount: usd(2_500) }],
  ["system", { type: "chargeback_opened", amount: usd(PRICE), fee: usd(1_500) }],
  ["system", { type: "chargeback_won" }],
  ["system", { type: "chargeback_lost" }],
  ["system", { type: "meeting_ended" }],
  ["advisor", { type: "reschedule_requested" }],
];

describe("any sequence of events on a pass", () => {
  it("keeps every entry balanced, never refunds more than was paid, and stays in legal states", () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 0, max: 120 }), { nil: null }),
        fc.array(fc.tuple(fc.nat(PASS_EVENTS.length - 1), fc.integer({ min: 0, max: 200 })), {
          maxLength: 14,
        }),
        (replyHour, picks) => {
          let c = pass(replyHour === null ? null : at(replyHour));
          const entries: JournalEntry[] = [];
          let refunded = 0;
          let paid = 0;
          let clock = 0;
          for (const [i, dt] of picks) {
            clock += dt;
            const [actor, payload] = PASS_EVENTS[i]!;
            const r = applyEvent(c, ev(actor, payload), at(clock));
            if (!r.ok) continue;
            if (payload.type === "payment_succeeded") paid += PRICE;
            // A lost chargeback returns what was still charged through the bank, not a refund.
            if (payload.type === "chargeback_lost") refunded += c.refundable.price.amount;
            for (const e of r.value.effects) {
              if (e.type === "post_ledger") entries.push(e.entry);
              if (e.type === "refund_payment") refunded += e.amount.amount;
            }
            c = r.value.consultation;
          }
          expect(entries.every(isBalanced)).toBe(true);
          expect(refunded).toBeLessThanOrEqual(paid);
          expect(c.refundable.price.amount + refunded).toBe(paid === 0 ? PRICE : paid);
          expect(["no_show_client", "no_show_advisor", "reschedule_requested"]).not.toContain(
            c.status,
          );
          // Money leaves the consultation's hold exactly when the pass is settled.
          const held = heldBalance(entries, "p1", "USD").amount;
          if (isTerminal(c.status) || c.status === "released") expect(held).toBe(0);
          if (c.status === "confirmed" || c.status === "completed") {
            expect(held).toBe(c.refundable.price.amount);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
