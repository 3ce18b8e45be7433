import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  acceptedEvents,
  applyEvent,
  canReceive,
  isRefundable,
  isTerminal,
  needsAdminAttention,
  newConsultation,
  nextStates,
  TERMINAL_STATES,
  TRANSITIONS,
  transitionTableToMermaid,
} from "./consultation-machine";
import {
  applyCancellationBeforePayment,
  applyPaymentBeforeCancellation,
} from "./consultation-replays";
import {
  ACTORS,
  type Consultation,
  CONSULTATION_EVENTS,
  type ConsultationEvent,
  type ConsultationEventType,
  type Effect,
  type EventPayload,
} from "./consultation-types";
import { CONSULTATION_STATES, type ConsultationStatus } from "./vocabulary";
import { heldBalance, isBalanced, type JournalEntry } from "./ledger";
import { moneyOf } from "./money";
import { DEFAULT_REFUND_POLICY } from "./refund-policy";

const usd = (n: number) => moneyOf(n, "USD");
const H = 3_600_000;
const T0 = new Date("2026-03-01T10:00:00Z").getTime();
const at = (hours: number) => new Date(T0 + hours * H);
const START_H = 48;
const HOLD_H = 72;

function fresh(price = 10_000, fee = 2_000): Consultation {
  const created = newConsultation({
    id: "c1",
    advisorId: "adv1",
    paid: { price: usd(price), platformFee: usd(fee), advisorShare: usd(price - fee) },
    refundPolicy: DEFAULT_REFUND_POLICY,
    startsAt: at(START_H),
    endsAt: at(START_H + 1),
    paymentExpiresAt: at(0.5),
    holdWindowHours: HOLD_H,
  });
  if (!created.ok) throw new Error(created.error.message);
  return created.value.consultation;
}

let seq = 0;
const ev = (actor: ConsultationEvent["actor"], payload: EventPayload): ConsultationEvent => ({
  ...payload,
  id: `e${++seq}`,
  actor,
});

/** Applies [event, hours-after-T0] steps, failing the test on any refusal. */
function run(c: Consultation, steps: [ConsultationEvent, number][]) {
  const effects: Effect[] = [];
  for (const [event, hours] of steps) {
    const r = applyEvent(c, event, at(hours));
    if (!r.ok) throw new Error(`${event.type}: ${r.error.code} ${r.error.message}`);
    c = r.value.consultation;
    effects.push(...r.value.effects);
  }
  return { c, effects, entries: entriesOf(effects) };
}
const entriesOf = (effects: readonly Effect[]): JournalEntry[] =>
  effects.flatMap((e) => (e.type === "post_ledger" ? [e.entry] : []));

const paid = (): [ConsultationEvent, number] => [
  ev("system", { type: "payment_succeeded", amount: usd(10_000), processingFee: usd(320) }),
  0.1,
];
const ended = (): [ConsultationEvent, number] => [
  ev("system", { type: "meeting_ended" }),
  START_H + 1,
];
const holdOver = (): [ConsultationEvent, number] => [
  ev("system", { type: "hold_window_elapsed" }),
  START_H + 1 + HOLD_H,
];

describe("happy path", () => {
  it("awaiting_payment → confirmed → completed → released → paid_out, with money where it belongs", () => {
    const { c, entries, effects } = run(fresh(), [
      paid(),
      ended(),
      holdOver(),
      [
        ev("system", { type: "payout_sent", transferId: "tr_1", amount: usd(8_000) }),
        START_H + 100,
      ],
    ]);
    expect(c.status).toBe("paid_out");
    expect(c.transferId).toBe("tr_1");
    expect(entries.map((e) => e.kind)).toEqual([
      "payment_captured",
      "processing_fee",
      "release",
      "transfer",
    ]);
    expect(entries.every(isBalanced)).toBe(true);
    expect(heldBalance(entries, "c1", "USD").amount).toBe(0);
    expect(effects).toContainEqual({
      type: "schedule_timer",
      timer: "hold_window_elapsed",
      at: at(START_H + 1 + HOLD_H),
    });
  });

  it("both clock signals complete the meeting once", () => {
    const { c, effects } = run(fresh(), [
      paid(),
      ended(),
      [ev("system", { type: "scheduled_end_reached" }), START_H + 2],
    ]);
    expect(c.status).toBe("completed");
    expect(
      effects.filter((e) => e.type === "schedule_timer" && e.timer === "hold_window_elapsed"),
    ).toHaveLength(1);
  });
});

describe("replays", () => {
  it("re-applying an applied event id is a no-op, not an error", () => {
    const payment = paid();
    const first = run(fresh(), [payment]);
    const again = applyEvent(first.c, payment[0], at(1));
    expect(again.ok && again.value).toEqual({ consultation: first.c, effects: [] });
  });

  it("a refused event isn't recorded, so it can be retried", () => {
    const { c } = run(fresh(), [paid(), ended()]);
    const early = ev("system", { type: "hold_window_elapsed" });
    expect(applyEvent(c, early, at(START_H + 2)).ok).toBe(false);
    const later = applyEvent(c, early, at(START_H + 1 + HOLD_H));
    expect(later.ok && later.value.consultation.status).toBe("released");
  });
});

describe("cancellations", () => {
  it.each<[string, ConsultationEvent["actor"], number, boolean, number]>([
    ["client 2 days ahead → full refund", "client", 1, false, 10_000],
    ["client 10 h ahead → half", "client", START_H - 10, false, 5_000],
    ["client 1 h ahead → nothing", "client", START_H - 1, false, 0],
    ["advisor 1 h ahead → full refund", "advisor", START_H - 1, false, 10_000],
    ["admin after the start → full refund", "admin", START_H + 0.5, false, 10_000],
    [
      "client 1 h ahead after the host asked to reschedule → full refund",
      "client",
      START_H - 1,
      true,
      10_000,
    ],
  ])("%s", (_name, actor, hours, asked, refund) => {
    const before = run(fresh(), [
      paid(),
      ...(asked
        ? [[ev("advisor", { type: "reschedule_requested" }), 1] as [ConsultationEvent, number]]
        : []),
    ]);
    const { c, effects, entries } = run(before.c, [[ev(actor, { type: "cancelled" }), hours]]);
    expect(c.status).toBe("cancelled");
    const refunded = effects.flatMap((e) => (e.type === "refund_payment" ? [e.amount.amount] : []));
    expect(refunded.reduce((a, b) => a + b, 0)).toBe(refund);
    expect(heldBalance([...before.entries, ...entries], "c1", "USD").amount).toBe(0);
  });

  it("an unpaid booking cancels without money", () => {
    const { c, entries } = run(fresh(), [[ev("client", { type: "cancelled" }), 0.2]]);
    expect(c.status).toBe("cancelled");
    expect(entries).toEqual([]);
  });

  it("a reschedule request moves nothing; rescheduling keeps the payment", () => {
    const { c, entries } = run(fresh(), [
      paid(),
      [ev("advisor", { type: "reschedule_requested" }), 1],
      [ev("client", { type: "rescheduled", startsAt: at(100), endsAt: at(101) }), 2],
    ]);
    expect(c.status).toBe("confirmed");
    expect(c.startsAt).toEqual(at(100));
    expect(heldBalance(entries, "c1", "USD").amount).toBe(10_000);
  });
});

describe("no-shows, disputes, chargebacks, admin refunds", () => {
  it.each<[string, EventPayload, ConsultationStatus, number]>([
    [
      "client no-show upheld → advisor paid",
      { type: "no_show_resolved", upheld: true },
      "released",
      0,
    ],
  ])("%s", (_name, resolution, status, refund) => {
    const { c, effects } = run(fresh(), [
      paid(),
      ended(),
      [ev("advisor", { type: "no_show_reported", absent: "client" }), START_H + 2],
      [ev("admin", resolution), START_H + 3],
    ]);
    expect(c.status).toBe(status);
    expect(effects.filter((e) => e.type === "refund_payment").length).toBe(refund);
  });

  it("advisor no-show upheld → full refund, nothing held", () => {
    const { c, entries } = run(fresh(), [
      paid(),
      ended(),
      [ev("client", { type: "no_show_reported", absent: "advisor" }), START_H + 2],
      [ev("admin", { type: "no_show_resolved", upheld: true }), START_H + 3],
    ]);
    expect(c.status).toBe("refunded");
    expect(heldBalance(entries, "c1", "USD").amount).toBe(0);
  });

  it("a rejected no-show report reopens the hold window until at least now", () => {
    const { c, effects } = run(fresh(), [
      paid(),
      ended(),
      [ev("client", { type: "no_show_reported", absent: "advisor" }), START_H + 2],
      [ev("admin", { type: "no_show_resolved", upheld: false }), START_H + 200],
    ]);
    expect(c.status).toBe("completed");
    expect(effects.at(-3)).toEqual({
      type: "schedule_timer",
      timer: "hold_window_elapsed",
      at: at(START_H + 200),
    });
  });

  it("a client dispute resolved with a partial refund releases the rest", () => {
    const { c, entries } = run(fresh(), [
      paid(),
      ended(),
      [ev("client", { type: "dispute_opened" }), START_H + 2],
      [ev("admin", { type: "dispute_resolved", refund: usd(3_000) }), START_H + 5],
    ]);
    expect(c.status).toBe("released");
    expect(c.refundable.price).toEqual(usd(7_000));
    expect(heldBalance(entries, "c1", "USD").amount).toBe(0);
  });

  it("a chargeback won after payout returns to paid_out", () => {
    const { c } = run(fresh(), [
      paid(),
      ended(),
      holdOver(),
      [ev("system", { type: "payout_sent", transferId: "tr", amount: usd(8_000) }), 200],
      [ev("system", { type: "chargeback_opened", amount: usd(10_000), fee: usd(1_500) }), 300],
      [ev("system", { type: "chargeback_won" }), 400],
    ]);
    expect(c.status).toBe("paid_out");
  });

  it("a chargeback lost after payout asks to reverse the advisor's transfer", () => {
    const { c, effects } = run(fresh(), [
      paid(),
      ended(),
      holdOver(),
      [ev("system", { type: "payout_sent", transferId: "tr", amount: usd(8_000) }), 200],
      [ev("system", { type: "chargeback_opened", amount: usd(10_000), fee: usd(1_500) }), 300],
      [ev("system", { type: "chargeback_lost" }), 400],
    ]);
    expect(c.status).toBe("refunded");
    expect(effects).toContainEqual({ type: "reverse_transfer", amount: usd(8_000) });
  });

  it("a partial admin refund keeps the state and shrinks the payout", () => {
    const { c } = run(fresh(), [
      paid(),
      [ev("admin", { type: "admin_refund", amount: usd(1_000) }), 1],
    ]);
    expect(c.status).toBe("confirmed");
    expect(c.refundable).toEqual({
      price: usd(9_000),
      platformFee: usd(1_800),
      advisorShare: usd(7_200),
    });
  });
});

describe("refusals", () => {
  const confirmed = () => run(fresh(), [paid()]).c;
  const completed = () => run(fresh(), [paid(), ended()]).c;
  const released = () => run(fresh(), [paid(), ended(), holdOver()]).c;
  const expired = () => run(fresh(), [[ev("system", { type: "payment_expired" }), 1]]).c;
  const disputed = () =>
    run(fresh(), [paid(), ended(), [ev("client", { type: "dispute_opened" }), START_H + 2]]).c;
  const chargeback = () =>
    run(fresh(), [
      paid(),
      [ev("system", { type: "chargeback_opened", amount: usd(10_000), fee: usd(0) }), 1],
    ]).c;

  it.each<[string, () => Consultation, ConsultationEvent, number, string]>([
    [
      "payment after expiry",
      expired,
      ev("system", { type: "payment_succeeded", amount: usd(10_000) }),
      2,
      "TOO_LATE",
    ],
    [
      "payment of the wrong amount",
      fresh,
      ev("system", { type: "payment_succeeded", amount: usd(9_999) }),
      0.1,
      "AMOUNT_MISMATCH",
    ],
    [
      "expiry before the deadline",
      fresh,
      ev("system", { type: "payment_expired" }),
      0.1,
      "TOO_EARLY",
    ],
    [
      "meeting ended before the start",
      confirmed,
      ev("system", { type: "meeting_ended" }),
      START_H - 1,
      "TOO_EARLY",
    ],
    [
      "scheduled end before the end",
      confirmed,
      ev("system", { type: "scheduled_end_reached" }),
      START_H,
      "TOO_EARLY",
    ],
    [
      "hold window elapsed before completion",
      confirmed,
      ev("system", { type: "hold_window_elapsed" }),
      500,
      "TOO_EARLY",
    ],
    [
      "hold window elapsed too soon",
      completed,
      ev("system", { type: "hold_window_elapsed" }),
      START_H + 2,
      "TOO_EARLY",
    ],
    [
      "payout before release",
      completed,
      ev("system", { type: "payout_sent", transferId: "t", amount: usd(8_000) }),
      500,
      "TOO_EARLY",
    ],
    [
      "payout of the wrong amount",
      released,
      ev("system", { type: "payout_sent", transferId: "t", amount: usd(1) }),
      500,
      "AMOUNT_MISMATCH",
    ],
    [
      "cancel after completion",
      completed,
      ev("client", { type: "cancelled" }),
      START_H + 2,
      "TOO_LATE",
    ],
    [
      "client cancel after the start",
      confirmed,
      ev("client", { type: "cancelled" }),
      START_H + 0.5,
      "TOO_LATE",
    ],
    [
      "reschedule request after the start",
      confirmed,
      ev("advisor", { type: "reschedule_requested" }),
      START_H + 0.5,
      "TOO_LATE",
    ],
    [
      "reschedule after the start",
      confirmed,
      ev("client", { type: "rescheduled", startsAt: at(100), endsAt: at(101) }),
      START_H + 0.5,
      "TOO_LATE",
    ],
    [
      "reschedule into the past",
      confirmed,
      ev("client", { type: "rescheduled", startsAt: at(1), endsAt: at(2) }),
      5,
      "INVALID_EVENT",
    ],
    [
      "no-show report after the hold window",
      completed,
      ev("client", { type: "no_show_reported", absent: "advisor" }),
      START_H + 1 + HOLD_H,
      "TOO_LATE",
    ],
    [
      "dispute after the hold window",
      completed,
      ev("client", { type: "dispute_opened" }),
      START_H + 1 + HOLD_H,
      "TOO_LATE",
    ],
    [
      "a client reporting their own no-show",
      completed,
      ev("client", { type: "no_show_reported", absent: "client" }),
      START_H + 2,
      "ACTOR_NOT_ALLOWED",
    ],
    [
      "a client refunding themselves",
      confirmed,
      ev("client", { type: "admin_refund", amount: usd(1) }),
      1,
      "ACTOR_NOT_ALLOWED",
    ],
    [
      "an admin refund of zero",
      confirmed,
      ev("admin", { type: "admin_refund", amount: usd(0) }),
      1,
      "INVALID_EVENT",
    ],
    [
      "an admin refund above what is left",
      confirmed,
      ev("admin", { type: "admin_refund", amount: usd(10_001) }),
      1,
      "REFUND_REJECTED",
    ],
    [
      "release while disputed",
      disputed,
      ev("system", { type: "hold_window_elapsed" }),
      500,
      "NOT_ALLOWED",
    ],
    [
      "resolving a chargeback as a client dispute",
      chargeback,
      ev("admin", { type: "dispute_resolved", refund: usd(0) }),
      2,
      "NOT_ALLOWED",
    ],
    [
      "winning a chargeback that is a client dispute",
      disputed,
      ev("system", { type: "chargeback_won" }),
      500,
      "NOT_ALLOWED",
    ],
    [
      "losing a chargeback that is a client dispute",
      disputed,
      ev("system", { type: "chargeback_lost" }),
      500,
      "NOT_ALLOWED",
    ],
    [
      "a chargeback for the wrong amount",
      confirmed,
      ev("system", { type: "chargeback_opened", amount: usd(5), fee: usd(0) }),
      1,
      "AMOUNT_MISMATCH",
    ],
    [
      "a negative chargeback fee",
      confirmed,
      ev("system", { type: "chargeback_opened", amount: usd(10_000), fee: usd(-1) }),
      1,
      "LEDGER_REJECTED",
    ],
    [
      "a negative processing fee",
      fresh,
      ev("system", { type: "payment_succeeded", amount: usd(10_000), processingFee: usd(-1) }),
      0.1,
      "LEDGER_REJECTED",
    ],
    [
      "an event without an id",
      confirmed,
      { ...ev("system", { type: "meeting_ended" }), id: "" },
      START_H + 1,
      "INVALID_EVENT",
    ],
  ])("refuses %s", (_name, state, event, hours, code) => {
    const result = applyEvent(state(), event, at(hours));
    expect(result.ok ? null : result.error.code).toBe(code);
    if (!result.ok) expect(result.error.message.length).toBeGreaterThan(10);
  });

  it("refuses an invalid now", () => {
    const r = applyEvent(fresh(), ev("system", { type: "payment_failed" }), new Date(Number.NaN));
    expect(r.ok ? null : r.error.code).toBe("INVALID_EVENT");
  });

  it.each<[string, Partial<Parameters<typeof newConsultation>[0]>]>([
    ["an empty id", { id: "" }],
    [
      "a split that doesn't add up",
      { paid: { price: usd(10), platformFee: usd(1), advisorShare: usd(1) } },
    ],
    ["an invalid policy", { refundPolicy: { version: "", tiers: [] } }],
    ["an end before the start", { endsAt: at(0) }],
    ["a negative hold window", { holdWindowHours: -1 }],
  ])("newConsultation refuses %s", (_name, patch) => {
    const result = newConsultation({
      id: "c",
      advisorId: "a",
      paid: { price: usd(10), platformFee: usd(2), advisorShare: usd(8) },
      refundPolicy: DEFAULT_REFUND_POLICY,
      startsAt: at(1),
      endsAt: at(2),
      paymentExpiresAt: at(0.5),
      holdWindowHours: 1,
      ...patch,
    });
    expect(result.ok ? null : result.error.code).toBe("INVALID_CONSULTATION");
  });
});

describe("the table and its derived predicates", () => {
  it("has at most one row per (state, event), and only known names", () => {
    for (const s of CONSULTATION_STATES) {
      for (const e of CONSULTATION_EVENTS) {
        expect(
          TRANSITIONS.filter((r) => r.event === e && r.from.includes(s)).length,
        ).toBeLessThanOrEqual(1);
      }
    }
    expect(new Set(TRANSITIONS.map((r) => r.event))).toEqual(new Set(CONSULTATION_EVENTS));
    expect(nextStates("no_show_client")).not.toContain("refunded");
  });

  it("reaches every state from awaiting_payment", () => {
    const seen = new Set<ConsultationStatus>(["awaiting_payment"]);
    const queue: ConsultationStatus[] = ["awaiting_payment"];
    for (let s = queue.shift(); s; s = queue.shift()) {
      for (const n of nextStates(s)) {
        if (!seen.has(n)) {
          seen.add(n);
          queue.push(n);
        }
      }
    }
    expect([...seen].sort()).toEqual([...CONSULTATION_STATES].sort());
  });

  it.each<[ConsultationStatus, boolean, boolean, boolean]>([
    ["awaiting_payment", false, false, false],
    ["payment_expired", true, false, false],
    ["confirmed", false, true, false],
    ["reschedule_requested", false, true, false],
    ["completed", false, true, false],
    ["released", false, true, false],
    ["paid_out", false, true, false],
    ["cancelled", true, false, false],
    ["no_show_client", false, false, true],
    ["no_show_advisor", false, false, true],
    ["disputed", false, false, true],
    ["refunded", true, false, false],
  ])("%s: terminal %s, refundable %s, needs an admin %s", (status, terminal, refundable, admin) => {
    expect(isTerminal(status)).toBe(terminal);
    expect(isRefundable(status)).toBe(refundable);
    expect(needsAdminAttention(status)).toBe(admin);
    expect(TERMINAL_STATES.includes(status)).toBe(terminal);
    expect(acceptedEvents(status).every((e) => canReceive(status, e))).toBe(true);
  });
});

describe("events applied in another order than they happened in", () => {
  const refundsOf = (effects: readonly Effect[]) =>
    effects.flatMap((e) => (e.type === "refund_payment" ? [e.amount.amount] : []));
  const kindsOf = (effects: readonly Effect[]) =>
    entriesOf(effects)
      .map((e) => e.kind)
      .sort();

  it.each([
    ["client", 10, 5_000],
    ["client", 30, 10_000],
    ["client", 1, 0],
    ["advisor", 1, 10_000],
  ] as const)(
    "paid, then cancelled by the %s %s h before the start, the cancellation seen first: the same money as in that order",
    (actor, hoursBefore, refund) => {
      const payment = paid()[0] as Extract<ConsultationEvent, { type: "payment_succeeded" }>;
      const cancel = ev(actor, { type: "cancelled" });
      const inOrder = run(fresh(), [
        [payment, 0.1],
        [cancel, START_H - hoursBefore],
      ]);
      const unpaid = run(fresh(), [[cancel, START_H - hoursBefore]]).c;
      const replay = applyPaymentBeforeCancellation(unpaid, payment, at(0.1), {
        id: cancel.id,
        actor,
        at: at(START_H - hoursBefore),
      });
      if (!replay.ok) throw new Error(replay.error.message);
      expect(replay.value.consultation.status).toBe("cancelled");
      expect(replay.value.consultation.refundable).toEqual(inOrder.c.refundable);
      expect(refundsOf(replay.value.effects)).toEqual(refundsOf(inOrder.effects));
      expect(refundsOf(replay.value.effects)).toEqual(refund > 0 ? [refund] : []);
      expect(entriesOf(replay.value.effects)).toEqual(inOrder.entries);
      expect(heldBalance(entriesOf(replay.value.effects), "c1", "USD").amount).toBe(0);
      expect(replay.value.effects.some((e) => e.type === "schedule_timer")).toBe(false);
      // A replay of the same payment changes nothing.
      const again = applyPaymentBeforeCancellation(replay.value.consultation, payment, at(0.1), {
        id: cancel.id,
        actor,
        at: at(START_H - hoursBefore),
      });
      expect(again.ok && again.value.effects).toEqual([]);
    },
  );

  it("only a cancelled consultation takes a payment replayed before its cancellation", () => {
    const payment = paid()[0] as Extract<ConsultationEvent, { type: "payment_succeeded" }>;
    const r = applyPaymentBeforeCancellation(fresh(), payment, at(0.1), {
      id: "x",
      actor: "client",
      at: at(1),
    });
    expect(r.ok ? null : r.error.code).toBe("NOT_ALLOWED");
  });

  it("cancelled before a payment that was seen first: the whole payment goes back, nothing is kept", () => {
    const confirmed = run(fresh(), [paid()]);
    const cancel = ev("client", { type: "cancelled" }) as Extract<
      ConsultationEvent,
      { type: "cancelled" }
    >;
    const r = applyCancellationBeforePayment(confirmed.c, cancel);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.consultation.status).toBe("cancelled");
    expect(refundsOf(r.value.effects)).toEqual([10_000]);
    expect(kindsOf([...confirmed.effects, ...r.value.effects])).toEqual([
      "payment_captured",
      "processing_fee",
      "refund",
    ]);
    expect(
      heldBalance(entriesOf([...confirmed.effects, ...r.value.effects]), "c1", "USD").amount,
    ).toBe(0);
    expect(r.value.effects).toContainEqual({ type: "cancel_timer", timer: "scheduled_end" });
    const completed = run(fresh(), [paid(), ended()]).c;
    const refused = applyCancellationBeforePayment(completed, cancel);
    expect(refused.ok ? null : refused.error.code).toBe("NOT_ALLOWED");
  });

  it.each(["won", "lost"] as const)(
    "a chargeback opened before the meeting ended, %s: the same whichever of the end and the chargeback is seen first",
    (verdict) => {
      const opened = (): [ConsultationEvent, number] => [
        ev("system", { type: "chargeback_opened", amount: usd(10_000), fee: usd(1_500) }),
        START_H - 2,
      ];
      const closed = (): [ConsultationEvent, number] => [
        ev("system", { type: verdict === "won" ? "chargeback_won" : "chargeback_lost" }),
        START_H + 200,
      ];
      const endFirst = run(fresh(), [paid(), ended(), opened(), closed()]);
      const chargebackFirst = run(fresh(), [paid(), opened(), ended(), closed()]);
      expect(chargebackFirst.c.status).toBe(endFirst.c.status);
      expect(chargebackFirst.c.status).toBe(verdict === "won" ? "completed" : "refunded");
      expect(chargebackFirst.c.holdEndsAt).toEqual(endFirst.c.holdEndsAt);
      expect(chargebackFirst.entries).toEqual(endFirst.entries);
    },
  );
});

describe("README diagram", () => {
  it("matches transitionTableToMermaid() (run scripts/state-diagram.ts to update)", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const block =
      /<!-- state-diagram:start -->\s*```mermaid\n([\s\S]*?)\n```\s*<!-- state-diagram:end -->/.exec(
        readme,
      );
    expect(block?.[1]).toBe(transitionTableToMermaid());
  });
});

// ---- model-based: random event sequences --------------------------------------------

type Choice = {
  biased: boolean;
  eventPick: number;
  actorPick: number;
  pick: number;
  advanceMinutes: number;
  replay: boolean;
};
const choiceArb: fc.Arbitrary<Choice> = fc.record({
  biased: fc.boolean(),
  eventPick: fc.nat(),
  actorPick: fc.nat(),
  pick: fc.nat(),
  advanceMinutes: fc.integer({ min: 0, max: 3_000 }),
  replay: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
});

function eventFor(c: Consultation, choice: Choice, now: number): ConsultationEvent {
  const accepted = acceptedEvents(c.status);
  const type: ConsultationEventType =
    choice.biased && accepted.length > 0
      ? accepted[choice.eventPick % accepted.length]!
      : CONSULTATION_EVENTS[choice.eventPick % CONSULTATION_EVENTS.length]!;
  const row = TRANSITIONS.find((r) => r.event === type && r.from.includes(c.status));
  const actors = row && choice.actorPick % 10 !== 0 ? row.actors : ACTORS;
  const actor = actors[choice.actorPick % actors.length]!;
  const p = choice.pick;
  const left = c.refundable.price.amount;
  const id = `r${now}-${p}-${type}`;
  const payload = ((): EventPayload => {
    switch (type) {
      case "payment_succeeded":
        return { type, amount: p % 9 === 0 ? usd(1) : c.paid.price, processingFee: usd(p % 500) };
      case "rescheduled": {
        const start = now + ((p % 200) - 20) * H;
        return { type, startsAt: new Date(start), endsAt: new Date(start + H) };
      }
      case "no_show_reported":
        return { type, absent: p % 2 === 0 ? "client" : "advisor" };
      case "no_show_resolved":
        return { type, upheld: p % 2 === 0 };
      case "dispute_resolved":
        return { type, refund: usd(p % 3 === 0 ? left : p % (left + 1)) };
      case "payout_sent":
        return {
          type,
          transferId: `tr_${p}`,
          amount: p % 9 === 0 ? usd(1) : c.refundable.advisorShare,
        };
      case "chargeback_opened":
        return { type, amount: c.refundable.price, fee: usd(1_500) };
      case "admin_refund":
        return { type, amount: usd(p % 3 === 0 ? left : p % (left + 1)) };
      default:
        return { type };
    }
  })();
  return { ...payload, id, actor };
}

/** What the ledger should hold for the consultation, from the model's point of view. */
function expectedHeld(c: Consultation): number {
  const where = c.status === "disputed" && c.dispute ? c.dispute.resumeStatus : c.status;
  const holding: ConsultationStatus[] = [
    "confirmed",
    "reschedule_requested",
    "completed",
    "no_show_client",
    "no_show_advisor",
  ];
  return holding.includes(where) ? c.refundable.price.amount : 0;
}

describe("model-based: random event sequences", () => {
  it("conserve money, absorb in terminal states, never pay out unreleased or release while contested", () => {
    const reached = new Set<ConsultationStatus>();
    const unexplored = () =>
      CONSULTATION_STATES.filter((s) => s !== "awaiting_payment" && !reached.has(s));
    const property = fc.property(
      fc.array(choiceArb, { minLength: 1, maxLength: 40 }),
      (choices) => {
        let c = fresh();
        let now = T0;
        const entries: JournalEntry[] = [];
        const applied: ConsultationEvent[] = [];
        let refunded = 0;
        for (const choice of choices) {
          now += choice.advanceMinutes * 60_000;
          const event =
            choice.replay && applied.length > 0
              ? applied[choice.pick % applied.length]!
              : eventFor(c, choice, now);
          const before = c;
          const result = applyEvent(c, event, new Date(now));
          if (applied.includes(event)) {
            expect(
              result.ok &&
                result.value.consultation === before &&
                result.value.effects.length === 0,
            ).toBe(true);
            continue;
          }
          if (isTerminal(before.status)) {
            expect(result.ok).toBe(false);
            continue;
          }
          if (!result.ok) continue;
          c = result.value.consultation;
          applied.push(event);
          reached.add(c.status);
          const posted = entriesOf(result.value.effects);
          expect(posted.every(isBalanced)).toBe(true);
          entries.push(...posted);
          refunded += result.value.effects.reduce(
            (a, e) => a + (e.type === "refund_payment" ? e.amount.amount : 0),
            0,
          );

          // The ledger agrees with the model, and nothing is held once the money has left or settled.
          expect(heldBalance(entries, c.id, "USD").amount).toBe(expectedHeld(c));
          if (isTerminal(c.status)) expect(heldBalance(entries, c.id, "USD").amount).toBe(0);
          expect(c.refundable.price.amount + refunded).toBeLessThanOrEqual(c.paid.price.amount);
          expect(c.refundable.advisorShare.amount + c.refundable.platformFee.amount).toBe(
            c.refundable.price.amount,
          );

          // Nothing paid out without release; nothing released while a dispute or no-show report is open.
          if (posted.some((e) => e.kind === "transfer")) expect(before.status).toBe("released");
          const contested = ["disputed", "no_show_client", "no_show_advisor"].includes(
            before.status,
          );
          if (contested && posted.some((e) => e.kind === "release")) {
            expect(["dispute_resolved", "no_show_resolved"]).toContain(event.type);
          }
          if (event.type === "hold_window_elapsed") expect(before.status).toBe("completed");
          expect(nextStates(before.status)).toContain(c.status);
        }
        expect(entries.filter((e) => e.kind === "transfer").length).toBeLessThanOrEqual(1);
      },
    );
    // The generator must actually explore the machine, or the properties above prove little.
    // A long path (to `paid_out`) is rare in any one batch of random runs, so a batch that
    // missed a state is followed by more runs, still checked, before the test gives up.
    for (let batch = 0; batch === 0 || (batch < 5 && unexplored().length > 0); batch += 1) {
      fc.assert(property, { numRuns: 2000 });
    }
    expect(unexplored()).toEqual([]);
    // Up to five batches on a busy two-core CI machine.
  }, 60_000);
});
