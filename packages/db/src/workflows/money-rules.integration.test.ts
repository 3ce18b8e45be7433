import { randomUUID } from "node:crypto";
import {
  DEFAULT_COMMISSION_RULE_SET,
  DEFAULT_PAYOUT_RULE_SET,
  DEFAULT_PRICING_RULE_SET,
  DEFAULT_REFUND_POLICY_RULE_SET,
  type PlatformRuleKind,
} from "@an/domain";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Executor } from "../client";
import {
  applyConsultationEvent,
  createConsultationFromIntent,
  endCommissionOverride,
  getLiveCommissionOverride,
  getMoneyRulesInForce,
  listCommissionOverrides,
  prepareBookingIntent,
  purchasePass,
  quotePass,
  setCommissionOverride,
  setPlatformRules,
} from "../index";
import { advisorInvitations, advisors, consultations } from "../schema";
import { ADMIN, ADVISOR, CLIENT, seedParties, seedProjectChat, useTestDatabase } from "../testing";

/*
 * The money rules an operator saves govern new quotes, and only new ones: a booking intent
 * or a pass frozen under one version keeps its price, fee, refund policy, hold window and
 * version labels whatever is saved afterwards; an advisor's commission override prices
 * their new quotes until it ends.
 */

const t = useTestDatabase(async (db) => {
  await seedParties(db.db);
  await db.db
    .update(advisors)
    .set({ calcomEventType: "amira/consultation" })
    .where(eq(advisors.userId, ADVISOR.id));
});
const NOW = new Date("2026-12-01T09:00:00.000Z");
const DAY = 86_400_000;
const actor = { kind: "user", userId: ADMIN } as const;
/** Amira's rates (seedParties): $120 an hour; her pass day rate, set below: $50. */
const HOURLY = 12_000;
const DAY_RATE = 5_000;

async function save(kind: PlatformRuleKind, rules: unknown) {
  const saved = await t.db.transaction((tx) =>
    setPlatformRules(tx, { kind, rules, reason: `test: ${kind}`, actor }),
  );
  if (!saved.ok) throw new Error(`${kind} refused: ${saved.error.field} ${saved.error.reason}`);
  return saved.value.version;
}

/** Saves one version of each money kind, the commission at `bps`, the hold at `hold` h. */
async function saveVersion(v: { bps: number; hold: number; tiers: unknown; lengths: number[] }) {
  await save("pricing", {
    currencies: {
      ...DEFAULT_PRICING_RULE_SET.currencies,
      USD: { ...DEFAULT_PRICING_RULE_SET.currencies.USD, allowedLengths: v.lengths },
    },
  });
  await save("commission", { ...DEFAULT_COMMISSION_RULE_SET, bps: v.bps });
  await save("refund_policy", { tiers: v.tiers });
  await save("payouts", { ...DEFAULT_PAYOUT_RULE_SET, holdWindowHours: v.hold });
}

const V1 = {
  bps: 2_000,
  hold: 48,
  tiers: DEFAULT_REFUND_POLICY_RULE_SET.tiers,
  lengths: [30, 60, 90],
};
const V2 = {
  bps: 3_000,
  hold: 72,
  tiers: [
    { minHoursBefore: 48, refundBps: 10_000 },
    { minHoursBefore: 0, refundBps: 0 },
  ],
  lengths: [60],
};

let project: { projectId: string; conversationId: string };

async function prepare(ex: Executor, now: Date) {
  const prepared = await prepareBookingIntent(ex, {
    clientId: CLIENT.id,
    advisorId: ADVISOR.id,
    durationMinutes: 60,
    now,
    ttlMinutes: 120,
  });
  if (!prepared.ok) throw new Error(`prepare: ${JSON.stringify(prepared.error)}`);
  return prepared.value.intent;
}

/** The booking made from the intent, then paid for its quote. */
async function bookAndPay(intentId: string, price: number, at: Date) {
  return t.db.transaction(async (tx) => {
    const made = await createConsultationFromIntent(tx, {
      intentId,
      bookingUid: `uid-${randomUUID()}`,
      startsAt: new Date(at.getTime() + 3 * DAY),
      endsAt: new Date(at.getTime() + 3 * DAY + 3_600_000),
      now: at,
      paymentWindowMinutes: 60,
      origin: { source: "test:booking" },
    });
    if (made.kind !== "created") throw new Error(`booking: ${made.kind}`);
    await pay(tx, made.consultation.id, price, at);
    return made.consultation.id;
  });
}

async function pay(ex: Executor, consultationId: string, price: number, at: Date) {
  const paid = await applyConsultationEvent(ex, {
    consultationId,
    event: {
      type: "payment_succeeded",
      id: `evt_${randomUUID()}`,
      actor: "system",
      amount: { amount: price, currency: "USD" },
    },
    now: new Date(at.getTime() + 60_000),
    origin: { source: "test:stripe" },
  });
  if (paid.kind !== "applied") throw new Error(`payment: ${paid.kind}`);
}

async function buyPass(at: Date) {
  const bought = await t.db.transaction((tx) =>
    purchasePass(tx, {
      clientId: CLIENT.id,
      advisorId: ADVISOR.id,
      projectId: project.projectId,
      days: 2,
      now: at,
      requestId: `req-${randomUUID()}`,
      paymentWindowMinutes: 60,
    }),
  );
  if (!bought.ok) throw new Error(`purchase: ${JSON.stringify(bought.error)}`);
  return bought.value.consultation;
}

async function consultation(id: string) {
  const [row] = await t.db.select().from(consultations).where(eq(consultations.id, id));
  return row!;
}

describe("a rule change mid-flight", () => {
  it("doesn't change a frozen booking or pass; new quotes use the new version", async () => {
    project = await seedProjectChat(t.db, { ownerId: CLIENT.id, name: "Rules project" });
    await t.db.insert(advisorInvitations).values({
      projectId: project.projectId,
      advisorId: ADVISOR.id,
      invitedBy: CLIENT.id,
      status: "accepted",
      expiresAt: new Date(NOW.getTime() + 90 * DAY),
      respondedAt: NOW,
    });
    await t.db
      .update(advisors)
      .set({ asyncDayRate: DAY_RATE })
      .where(eq(advisors.userId, ADVISOR.id));

    await saveVersion(V1);
    const intent = await t.db.transaction((tx) => prepare(tx, NOW));
    expect(intent).toMatchObject({
      quote: {
        price: HOURLY,
        platformFee: 2_400,
        advisorShare: 9_600,
        rules: { pricing: "pricing-v1", commission: "commission-v1" },
      },
      refundPolicy: { version: "refund_policy-v1", tiers: V1.tiers },
      holdWindowHours: 48,
    });
    const pass = await buyPass(NOW);
    expect(pass).toMatchObject({ price: 10_000, platformFee: 2_000, holdWindowHours: 48 });

    // The operator saves v2 of every money kind while both are in flight.
    await saveVersion(V2);

    const bookedId = await bookAndPay(intent.id, HOURLY, new Date(NOW.getTime() + 60_000));
    await t.db.transaction((tx) => pay(tx, pass.id, pass.price, NOW));
    const booked = await consultation(bookedId);
    expect(booked).toMatchObject({
      status: "confirmed",
      price: HOURLY,
      platformFee: 2_400,
      advisorShare: 9_600,
      quoteRules: { pricing: "pricing-v1", commission: "commission-v1" },
      refundPolicy: { version: "refund_policy-v1", tiers: V1.tiers },
      holdWindowHours: 48,
    });
    const paidPass = await consultation(pass.id);
    expect(paidPass).toMatchObject({
      price: 10_000,
      platformFee: 2_000,
      advisorShare: 8_000,
      quoteRules: { pricing: "pricing-v1", commission: "commission-v1" },
      refundPolicy: { version: "refund_policy-v1" },
      holdWindowHours: 48,
    });
    expect(paidPass.status).not.toBe("awaiting_payment");

    // New quotes are priced under v2: 30 %, the new tiers, a 72-hour hold.
    const later = await t.db.transaction((tx) => prepare(tx, NOW));
    expect(later).toMatchObject({
      quote: {
        price: HOURLY,
        platformFee: 3_600,
        advisorShare: 8_400,
        rules: { pricing: "pricing-v2", commission: "commission-v2" },
      },
      refundPolicy: { version: "refund_policy-v2", tiers: V2.tiers },
      holdWindowHours: 72,
    });
    const passQuote = await quotePass(t.db, {
      clientId: CLIENT.id,
      advisorId: ADVISOR.id,
      projectId: project.projectId,
      days: 2,
      now: NOW,
    });
    expect(passQuote.ok && passQuote.value).toMatchObject({
      quote: {
        platformFee: { amount: 3_000 },
        rules: { pricing: "pricing-v2", commission: "commission-v2" },
      },
      refundPolicy: { version: "refund_policy-v2" },
      holdWindowHours: 72,
    });
    // v2 offers only 60-minute consultations in USD.
    const ninety = await prepareBookingIntent(t.db, {
      clientId: CLIENT.id,
      advisorId: ADVISOR.id,
      durationMinutes: 90,
      now: NOW,
      ttlMinutes: 120,
    });
    expect(ninety).toEqual({
      ok: false,
      error: { code: "DURATION_NOT_OFFERED", allowedLengths: [60] },
    });
  });
});

describe("an advisor's commission override", () => {
  const ends = new Date(NOW.getTime() + 10 * DAY);

  it("prices new quotes, not frozen ones, and stops at its end date", async () => {
    // Frozen under the platform's commission (v2 from above: 30 %).
    const before = await t.db.transaction((tx) => prepare(tx, NOW));
    expect(before.quote.rules.commission).toBe("commission-v2");

    const set = await t.db.transaction((tx) =>
      setCommissionOverride(tx, {
        advisorId: ADVISOR.id,
        terms: { bps: 1_000 },
        reason: "Launch partner",
        endsAt: ends,
        now: NOW,
        actor,
      }),
    );
    if (!set.ok) throw new Error(JSON.stringify(set.error));
    const override = set.value;
    expect(override).toMatchObject({
      advisorId: ADVISOR.id,
      terms: { bps: 1_000, fixed: {}, minFee: {}, maxFee: {} },
      reason: "Launch partner",
      endsAt: ends,
      createdBy: ADMIN,
      endedAt: null,
    });
    const label = `commission-override:${override.id}`;

    // The intent frozen before keeps the platform's fee when it is booked.
    const frozenId = await bookAndPay(before.id, HOURLY, NOW);
    expect(await consultation(frozenId)).toMatchObject({
      platformFee: 3_600,
      quoteRules: { commission: "commission-v2" },
    });

    // New quotes, bookings and passes, use the override.
    const during = await t.db.transaction((tx) => prepare(tx, new Date(NOW.getTime() + DAY)));
    expect(during.quote).toMatchObject({
      platformFee: 1_200,
      advisorShare: 10_800,
      rules: { pricing: "pricing-v2", commission: label },
    });
    const pass = await buyPass(new Date(NOW.getTime() + DAY));
    expect(pass).toMatchObject({
      platformFee: 1_000,
      advisorShare: 9_000,
      quoteRules: { commission: label },
    });

    // At its end date it stops applying by itself.
    const atEnd = await getMoneyRulesInForce(t.db, { advisorId: ADVISOR.id, now: ends });
    expect(atEnd.commissionOverride).toBeNull();
    expect(atEnd.commission.version).toBe("commission-v2");
    const after = await t.db.transaction((tx) => prepare(tx, new Date(ends.getTime() + 1)));
    expect(after.quote).toMatchObject({
      platformFee: 3_600,
      rules: { commission: "commission-v2" },
    });
    // The pass bought during the override kept its terms.
    expect(await consultation(pass.id)).toMatchObject({ platformFee: 1_000 });

    const audit = await t.db.execute<{ action: string; subject_id: string }>(
      sql`select action, subject_id from audit_log where action like 'commission_override.%' order by id`,
    );
    expect(audit.map((r) => [r.action, r.subject_id])).toEqual([
      ["commission_override.set", ADVISOR.id],
    ]);
  });

  it("a new override replaces the live one; ending one is audited and final", async () => {
    const first = await t.db.transaction((tx) =>
      setCommissionOverride(tx, {
        advisorId: ADVISOR.id,
        terms: { bps: 1_500 },
        reason: "Negotiated",
        now: NOW,
        actor,
      }),
    );
    if (!first.ok) throw new Error(JSON.stringify(first.error));
    const second = await t.db.transaction((tx) =>
      setCommissionOverride(tx, {
        advisorId: ADVISOR.id,
        terms: { bps: 1_200, minFee: { USD: 100 } },
        reason: "Renegotiated",
        now: new Date(NOW.getTime() + 1_000),
        actor,
      }),
    );
    if (!second.ok) throw new Error(JSON.stringify(second.error));
    const listed = await listCommissionOverrides(t.db, { advisorId: ADVISOR.id });
    expect(listed[0]?.id).toBe(second.value.id);
    expect(listed.find((o) => o.id === first.value.id)).toMatchObject({
      endedAt: new Date(NOW.getTime() + 1_000),
      endedBy: ADMIN,
    });
    const live = await getLiveCommissionOverride(t.db, { advisorId: ADVISOR.id, now: NOW });
    expect(live?.id).toBe(second.value.id);

    const ended = await t.db.transaction((tx) =>
      endCommissionOverride(tx, { id: second.value.id, reason: "Contract over", now: NOW, actor }),
    );
    expect(ended.ok && ended.value).toMatchObject({ id: second.value.id, endedBy: ADMIN });
    expect(await getLiveCommissionOverride(t.db, { advisorId: ADVISOR.id, now: NOW })).toBeNull();
    const again = await t.db.transaction((tx) =>
      endCommissionOverride(tx, { id: second.value.id, reason: "Twice", now: NOW, actor }),
    );
    expect(again).toEqual({
      ok: false,
      error: { code: "COMMISSION_OVERRIDE_ALREADY_ENDED", ref: second.value.id },
    });
    const audit = await t.db.execute<{ action: string }>(
      sql`select action from audit_log where action like 'commission_override.%' order by id`,
    );
    expect(audit.map((r) => r.action)).toEqual([
      "commission_override.set",
      "commission_override.set",
      "commission_override.set",
      "commission_override.ended",
    ]);
  });

  it("refuses bad terms, an unknown advisor and a past end date, writing nothing", async () => {
    const count = async () =>
      (
        await t.db.execute<{ n: number }>(
          sql`select count(*)::int as n from advisor_commission_overrides`,
        )
      )[0]!.n;
    const before = await count();
    const attempt = (advisorId: string, terms: unknown, endsAt?: Date) =>
      t.db.transaction((tx) =>
        setCommissionOverride(tx, { advisorId, terms, reason: "x", endsAt, now: NOW, actor }),
      );
    expect(await attempt(ADVISOR.id, { bps: 10_001 })).toEqual({
      ok: false,
      error: {
        code: "PLATFORM_RULES_INVALID",
        kind: "commission",
        field: "bps",
        reason: "out_of_range",
      },
    });
    expect(await attempt("demo|nobody", { bps: 1_000 })).toEqual({
      ok: false,
      error: { code: "ADVISOR_NOT_FOUND", ref: "demo|nobody" },
    });
    // A client is no advisor.
    expect(await attempt(CLIENT.id, { bps: 1_000 })).toMatchObject({
      ok: false,
      error: { code: "ADVISOR_NOT_FOUND" },
    });
    expect(await attempt(ADVISOR.id, { bps: 1_000 }, NOW)).toEqual({
      ok: false,
      error: { code: "COMMISSION_OVERRIDE_ENDS_IN_PAST" },
    });
    expect(await count()).toBe(before);
  });
});
