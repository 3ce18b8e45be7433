import { describe, expect, it } from "vitest";
import { adminActions, partyActions } from "./consultation-actions";
import { applyEvent, newConsultation } from "./consultation-machine";
import type { Consultation, ConsultationEvent, EventPayload } from "./consultation-types";
import { moneyOf } from "./money";
import { DEFAULT_REFUND_POLICY } from "./refund-policy";

const usd = (n: number) => moneyOf(n, "USD");
const H = 3_600_000;
const T0 = new Date("2026-03-01T10:00:00Z").getTime();
const at = (hours: number) => new Date(T0 + hours * H);
const START_H = 48;
const HOLD_H = 72;

let seq = 0;
function apply(c: Consultation, actor: ConsultationEvent["actor"], p: EventPayload, hours: number) {
  const r = applyEvent(c, { ...p, id: `e${++seq}`, actor }, at(hours));
  if (!r.ok) throw new Error(`${p.type}: ${r.error.message}`);
  return r.value;
}

function awaitingPayment(): Consultation {
  const made = newConsultation({
    id: "c1",
    advisorId: "adv1",
    paid: { price: usd(10_000), platformFee: usd(2_000), advisorShare: usd(8_000) },
    refundPolicy: DEFAULT_REFUND_POLICY,
    startsAt: at(START_H),
    endsAt: at(START_H + 1),
    paymentExpiresAt: at(0.5),
    holdWindowHours: HOLD_H,
  });
  if (!made.ok) throw new Error(made.error.message);
  return made.value.consultation;
}
const confirmed = () =>
  apply(awaitingPayment(), "system", { type: "payment_succeeded", amount: usd(10_000) }, 0.1)
    .consultation;
const completed = () =>
  apply(confirmed(), "system", { type: "meeting_ended" }, START_H + 1).consultation;
const released = () =>
  apply(completed(), "system", { type: "hold_window_elapsed" }, START_H + 1 + HOLD_H).consultation;

const allowed = (checks: Record<string, { allowed: boolean }>) =>
  Object.entries(checks)
    .filter(([, c]) => c.allowed)
    .map(([name]) => name);

describe("what a party may do next", () => {
  it.each<[string, () => Consultation, "client" | "advisor", number, string[]]>([
    ["awaiting payment: the client cancels", awaitingPayment, "client", 0.2, ["cancel"]],
    ["confirmed, before the start: either side cancels", confirmed, "advisor", 1, ["cancel"]],
    ["confirmed, after the start: nothing yet", confirmed, "client", START_H + 0.5, []],
    [
      "completed, hold window open: the client reports or disputes",
      completed,
      "client",
      START_H + 2,
      ["reportNoShow", "openDispute"],
    ],
    ["completed: the advisor only reports", completed, "advisor", START_H + 2, ["reportNoShow"]],
    ["completed, hold window over: nothing", completed, "client", START_H + 1 + HOLD_H, []],
    ["released: nothing", released, "client", START_H + 2 + HOLD_H, []],
  ])("%s", (_, make, role, hours, expected) => {
    expect(allowed(partyActions(make(), role, at(hours)))).toEqual(expected);
  });

  it("says why with the machine's code, and that a decision is pending under review", () => {
    const reported = apply(
      completed(),
      "client",
      { type: "no_show_reported", absent: "advisor" },
      START_H + 2,
    ).consultation;
    const actions = partyActions(reported, "client", at(START_H + 3));
    expect(actions.openDispute).toEqual({ allowed: false, code: "NOT_ALLOWED", underReview: true });
    expect(partyActions(confirmed(), "client", at(START_H + 0.5)).cancel).toEqual({
      allowed: false,
      code: "TOO_LATE",
      underReview: false,
    });
  });
});

describe("what an admin may decide next", () => {
  it.each<[string, () => Consultation, number, string[]]>([
    ["awaiting payment: nothing", awaitingPayment, 0.2, []],
    ["confirmed: a refund", confirmed, 1, ["refund"]],
    ["completed, hold window open", completed, START_H + 2, ["refund", "markNoShow"]],
    [
      "a no-show reported",
      () =>
        apply(completed(), "client", { type: "no_show_reported", absent: "advisor" }, START_H + 2)
          .consultation,
      START_H + 3,
      ["resolveNoShow"],
    ],
    [
      "a client's dispute",
      () => apply(completed(), "client", { type: "dispute_opened" }, START_H + 2).consultation,
      START_H + 3,
      ["resolveDispute"],
    ],
    [
      "a chargeback: the bank decides",
      () =>
        apply(
          confirmed(),
          "system",
          { type: "chargeback_opened", amount: usd(10_000), fee: usd(1_500) },
          1,
        ).consultation,
      2,
      [],
    ],
    ["released: a refund", released, START_H + 2 + HOLD_H, ["refund"]],
  ])("%s", (_, make, hours, expected) => {
    expect(allowed(adminActions(make(), at(hours)))).toEqual(expected);
  });
});

describe("every effect of a transition comes from the machine", () => {
  it("leaving awaiting payment expires the checkouts still open", () => {
    const paid = apply(
      awaitingPayment(),
      "system",
      { type: "payment_succeeded", amount: usd(10_000) },
      0.1,
    );
    expect(paid.effects.at(-1)).toEqual({ type: "expire_open_payments" });
    const expired = apply(awaitingPayment(), "system", { type: "payment_expired" }, 1);
    expect(expired.effects.at(-1)).toEqual({ type: "expire_open_payments" });
    const cancelled = apply(awaitingPayment(), "client", { type: "cancelled" }, 0.2);
    expect(cancelled.effects.at(-1)).toEqual({ type: "expire_open_payments" });
  });

  it("a cancellation made on the platform cancels the calendar booking; the calendar's own doesn't", () => {
    const mine = apply(confirmed(), "advisor", { type: "cancelled", onPlatform: true }, 1);
    expect(mine.effects.at(-1)).toEqual({ type: "cancel_booking", by: "advisor" });
    const theirs = apply(confirmed(), "advisor", { type: "cancelled" }, 1);
    expect(theirs.effects.some((e) => e.type === "cancel_booking")).toBe(false);
  });

  it("moving released money another way than its payout withdraws the unsent payout first", () => {
    const refunded = apply(
      released(),
      "admin",
      { type: "admin_refund", amount: usd(1_000) },
      START_H + 2 + HOLD_H,
    );
    expect(refunded.effects[0]).toEqual({ type: "withdraw_payout", because: "admin_refund" });
    const sent = apply(
      released(),
      "system",
      { type: "payout_sent", transferId: "tr_1", amount: usd(8_000) },
      START_H + 2 + HOLD_H,
    );
    expect(sent.effects.some((e) => e.type === "withdraw_payout")).toBe(false);
  });
});
