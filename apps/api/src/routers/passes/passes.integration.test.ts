import { appendMessage, applyConsultationEvent, type Db, seedDemoData } from "@an/db";
import { advisorInvitations, advisors, projects } from "@an/db/schema";
import {
  ADMIN,
  AMIRA,
  DIEGO,
  insertAdvisor,
  LUCAS,
  SAM,
  seedProjectChat,
  useTestDatabase,
} from "@an/db/testing";
import { eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { callerFor } from "../consultations/test-fixtures";

const t = useTestDatabase(async (db) => {
  await seedDemoData(db.db);
  await insertAdvisor(db.db, { userId: AMIRA, displayName: "Amira Haddad" });
  await insertAdvisor(db.db, { userId: LUCAS, displayName: "Lucas Martin" });
});

const NOW = new Date("2026-12-02T09:00:00.000Z");
const DAY = 86_400_000;

async function invite(
  db: Db,
  projectId: string,
  advisorId: string,
  options: { status?: "accepted" | "pending"; expiresAt?: Date } = {},
) {
  await db.insert(advisorInvitations).values({
    projectId,
    advisorId,
    invitedBy: SAM,
    status: options.status ?? "accepted",
    expiresAt: options.expiresAt ?? new Date(NOW.getTime() + 30 * DAY),
  });
}

const passCount = async () =>
  (
    await t.db.execute<{ n: number }>(
      sql`select count(*)::int as n from consultations where kind = 'async_pass'`,
    )
  )[0]!.n;

let projectId: string;
let conversationId: string;
beforeEach(async () => {
  await t.db
    .update(advisors)
    .set({ asyncDayRate: 5_000, status: "active", suspendedAt: null, suspendedReason: null });
  ({ projectId, conversationId } = await seedProjectChat(t.db, {
    ownerId: SAM,
    name: "Checkout app",
  }));
  await invite(t.db, projectId, AMIRA);
});

describe("advisors.setAsyncRate", () => {
  it("sets the day rate within the limits, shows it on the profile, and clears it with null", async () => {
    const amira = await callerFor(t.db, AMIRA, { now: NOW });
    expect(await amira.advisors.setAsyncRate({ amount: 7_500 })).toEqual({
      asyncDayRate: 7_500,
      currency: "USD",
    });
    const anyone = await callerFor(t.db, null);
    await t.db.update(advisors).set({ acceptingBookings: true }).where(eq(advisors.userId, AMIRA));
    expect(await anyone.discovery.getProfile({ advisorId: AMIRA })).toMatchObject({
      asyncDayRate: 7_500,
    });
    expect(await amira.advisors.setAsyncRate({ amount: null })).toMatchObject({
      asyncDayRate: null,
    });
  });

  it.each([999, 50_001])(
    "refuses %i outside the limits, naming them, and keeps the old rate",
    async (amount) => {
      const amira = await callerFor(t.db, AMIRA, { now: NOW });
      await expect(amira.advisors.setAsyncRate({ amount })).rejects.toMatchObject({
        code: "BAD_REQUEST",
        appCode: "ASYNC_RATE_OUT_OF_LIMITS",
        params: {
          min: { amount: 1_000, currency: "USD" },
          max: { amount: 50_000, currency: "USD" },
        },
      });
      const [row] = await t.db
        .select({ rate: advisors.asyncDayRate })
        .from(advisors)
        .where(eq(advisors.userId, AMIRA));
      expect(row!.rate).toBe(5_000);
    },
  );
});

describe("passes.quote and passes.purchase", () => {
  it("quotes and buys a pass at the advisor's day rate, awaiting payment with Checkout queued", async () => {
    const sam = await callerFor(t.db, SAM, { now: NOW });
    const quote = await sam.passes.quote({ advisorId: AMIRA, projectId, days: 3 });
    expect(quote).toMatchObject({ days: 3, dayRate: 5_000, price: 15_000, currency: "USD" });
    const bought = await sam.passes.purchase({ advisorId: AMIRA, projectId, days: 3 });
    expect(bought).toMatchObject({
      kind: "async_pass",
      status: "awaiting_payment",
      days: 3,
      quote: { price: 15_000, currency: "USD" },
      checkout: { via: "consultations.get" },
    });
    const [job] = await t.db.execute<{ n: number }>(sql`
      select count(*)::int as n from graphile_worker._private_jobs j
      join graphile_worker._private_tasks k on k.id = j.task_id
      where k.identifier = 'create_checkout' and j.payload->>'consultationId' = ${bought.consultationId}`);
    expect(job!.n).toBe(1);
    // The client follows it like a booking.
    const view = await sam.consultations.get({ consultationId: bought.consultationId });
    expect(view).toMatchObject({ status: "awaiting_payment" });
    const list = await sam.passes.listForProject({ projectId });
    expect(list.items.map((i) => i.consultationId)).toEqual([bought.consultationId]);
  });

  it("the client cancels an unpaid pass: cancelled, nothing refunded", async () => {
    const sam = await callerFor(t.db, SAM, { now: NOW });
    const bought = await sam.passes.purchase({ advisorId: AMIRA, projectId, days: 2 });
    const cancelled = await sam.passes.cancel({ consultationId: bought.consultationId });
    expect(cancelled).toMatchObject({ status: "cancelled", refunded: 0, applied: true });
  });

  it.each<[string, () => Promise<void>, string, Record<string, unknown>]>([
    [
      "an advisor without a day rate",
      async () => {
        await t.db.update(advisors).set({ asyncDayRate: null }).where(eq(advisors.userId, AMIRA));
      },
      "CONFLICT",
      {
        appCode: "PASS_NOT_AVAILABLE",
        params: { name: "Amira Haddad", reason: "no day rate is set" },
      },
    ],
    [
      "a suspended advisor",
      async () => {
        await t.db
          .update(advisors)
          .set({ status: "suspended", suspendedAt: NOW, suspendedReason: "policy" })
          .where(eq(advisors.userId, AMIRA));
      },
      "CONFLICT",
      { appCode: "PASS_NOT_AVAILABLE", params: { reason: "the account is suspended" } },
    ],
    [
      "an expired invitation",
      async () => {
        await t.db
          .update(advisorInvitations)
          .set({ expiresAt: new Date(NOW.getTime() - 1) })
          .where(eq(advisorInvitations.projectId, projectId));
      },
      "CONFLICT",
      { appCode: "ADVISOR_NOT_INVITED" },
    ],
    [
      "a pending invitation",
      async () => {
        await t.db
          .update(advisorInvitations)
          .set({ status: "pending" })
          .where(eq(advisorInvitations.projectId, projectId));
      },
      "CONFLICT",
      { appCode: "ADVISOR_NOT_INVITED" },
    ],
    [
      "an archived project",
      async () => {
        await t.db.update(projects).set({ archivedAt: NOW }).where(eq(projects.id, projectId));
      },
      "CONFLICT",
      { appCode: "PROJECT_ARCHIVED" },
    ],
  ])("refuses %s, storing nothing", async (_, arrange, code, error) => {
    await arrange();
    const sam = await callerFor(t.db, SAM, { now: NOW });
    const before = await passCount();
    await expect(
      sam.passes.purchase({ advisorId: AMIRA, projectId, days: 3 }),
    ).rejects.toMatchObject({ code, ...error });
    expect(await passCount()).toBe(before);
  });

  it.each<[string, Record<string, unknown>]>([
    ["zero days", { days: 0 }],
    ["fractional days", { days: 1.5 }],
    ["a price from the caller", { days: 3, price: 1 }],
    ["a malformed project id", { days: 3, projectId: "not-a-uuid" }],
    ["a NUL byte in the advisor id", { days: 3, advisorId: "demo|advisor-amira\u0000" }],
  ])("bad input (%s) is a 400 and stores nothing", async (_, patch) => {
    const sam = await callerFor(t.db, SAM, { now: NOW });
    const before = await passCount();
    await expect(
      sam.passes.purchase({ advisorId: AMIRA, projectId, days: 3, ...patch }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await passCount()).toBe(before);
  });

  it("more days than the platform allows is a 400 naming the limit", async () => {
    const sam = await callerFor(t.db, SAM, { now: NOW });
    await expect(
      sam.passes.purchase({ advisorId: AMIRA, projectId, days: 31 }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      appCode: "PASS_DAYS_NOT_ALLOWED",
      params: { max: 30, value: 31 },
    });
  });
});

describe("a paid pass in earnings and in the admin's view", () => {
  it("shows beside consultations (kind) and reports its chat activity", async () => {
    const sam = await callerFor(t.db, SAM, { now: NOW });
    const { consultationId } = await sam.passes.purchase({ advisorId: AMIRA, projectId, days: 2 });
    const paidAt = new Date(NOW.getTime() + 60_000);
    const paid = await t.db.transaction((tx) =>
      applyConsultationEvent(tx, {
        consultationId,
        event: {
          type: "payment_succeeded",
          id: `evt_${consultationId}`,
          actor: "system",
          amount: { amount: 10_000, currency: "USD" },
        },
        now: paidAt,
        origin: { source: "test:stripe" },
      }),
    );
    expect(paid.kind).toBe("applied");
    const say = (actor: "client" | "advisor", userId: string, minutes: number, engaged: boolean) =>
      t.db.transaction((tx) =>
        appendMessage(tx, {
          conversationId,
          actorType: actor,
          senderId: userId,
          authorKey: `user:${userId}`,
          clientMsgId: `m-${actor}-${minutes}`,
          body: `${actor} at ${minutes}`,
          engagementId: engaged ? consultationId : null,
          now: new Date(paidAt.getTime() + minutes * 60_000),
        }),
      );
    await say("client", SAM, 30, false);
    await say("advisor", AMIRA, 150, true);
    await say("advisor", AMIRA, 200, true);

    const admin = await callerFor(t.db, ADMIN, { now: NOW });
    const view = await admin.consultations.getForAdmin({ consultationId });
    expect(view.chatActivity).toEqual({ messageCount: 2, firstResponseSeconds: 120 * 60 });
    // The project's page lists the same activity per pass, for admins only.
    const adminList = await admin.passes.listForProject({ projectId });
    expect(adminList.items.find((i) => i.consultationId === consultationId)?.activity).toEqual({
      messageCount: 2,
      firstResponseSeconds: 120 * 60,
    });
    const ownerList = await (
      await callerFor(t.db, SAM, { now: NOW })
    ).passes.listForProject({
      projectId,
    });
    expect(ownerList.items.find((i) => i.consultationId === consultationId)?.activity).toBeNull();

    const amira = await callerFor(t.db, AMIRA, { now: NOW });
    const earnings = await amira.earnings.listConsultations({});
    expect(earnings.items.find((i) => i.consultationId === consultationId)).toMatchObject({
      kind: "async_pass",
      passDays: 2,
      startsAt: paidAt,
      advisorShare: { amount: 8_000 },
    });
  });
});

/**
 * Who may do what with a pass on Sam's project (Amira invited and accepted; Lucas not).
 * The rung-level rows are in the authorization matrix; these are the object-level ones.
 */
describe("passes: per-caller matrix", () => {
  type Who =
    "owner" | "another_client" | "invited_advisor" | "another_advisor" | "admin" | "anonymous";
  const USERS: Record<Who, string | null> = {
    owner: SAM,
    another_client: DIEGO,
    invited_advisor: AMIRA,
    another_advisor: LUCAS,
    admin: ADMIN,
    anonymous: null,
  };
  const outcome = (p: Promise<unknown>) =>
    p.then(
      () => "ok",
      (e: { code?: string }) => e.code ?? "ERROR",
    );

  const EXPECTED: Record<string, Record<Who, string>> = {
    quote: {
      owner: "ok",
      another_client: "NOT_FOUND",
      invited_advisor: "NOT_FOUND",
      another_advisor: "NOT_FOUND",
      admin: "NOT_FOUND",
      anonymous: "UNAUTHORIZED",
    },
    purchase: {
      owner: "ok",
      another_client: "NOT_FOUND",
      invited_advisor: "NOT_FOUND",
      another_advisor: "NOT_FOUND",
      admin: "NOT_FOUND",
      anonymous: "UNAUTHORIZED",
    },
    listForProject: {
      owner: "ok",
      another_client: "NOT_FOUND",
      invited_advisor: "NOT_FOUND",
      another_advisor: "NOT_FOUND",
      admin: "ok",
      anonymous: "UNAUTHORIZED",
    },
    cancel: {
      owner: "ok",
      another_client: "NOT_FOUND",
      invited_advisor: "NOT_FOUND",
      another_advisor: "NOT_FOUND",
      admin: "NOT_FOUND",
      anonymous: "UNAUTHORIZED",
    },
  };

  const cases = Object.entries(EXPECTED).flatMap(([procedure, byWho]) =>
    (Object.keys(byWho) as Who[]).map((who) => ({ procedure, who, expected: byWho[who] })),
  );

  it.each(cases)("$procedure by $who → $expected", async ({ procedure, who, expected }) => {
    const owner = await callerFor(t.db, SAM, { now: NOW });
    const pass = await owner.passes.purchase({ advisorId: AMIRA, projectId, days: 2 });
    const caller = await callerFor(t.db, USERS[who], { now: NOW });
    const terms = { advisorId: AMIRA, projectId, days: 2 };
    const calls: Record<string, () => Promise<unknown>> = {
      quote: () => caller.passes.quote(terms),
      purchase: () => caller.passes.purchase(terms),
      listForProject: () => caller.passes.listForProject({ projectId }),
      cancel: () => caller.passes.cancel({ consultationId: pass.consultationId }),
    };
    expect(await outcome(calls[procedure]!())).toBe(expected);
  });
});
