import { randomUUID } from "node:crypto";
import {
  appendMessage,
  applyConsultationEvent,
  type Db,
  getUserWithRoles,
  seedDemoData,
} from "@an/db";
import { advisors, consultations } from "@an/db/schema";
import {
  ADMIN,
  AMIRA,
  insertAdvisor,
  insertConsultation,
  LUCAS,
  SAM,
  useTestDatabase,
} from "@an/db/testing";
import { eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { createContextInner } from "../../trpc/context";
import { createCaller } from "../../trpc/router";
import { callerFor, testProviders } from "../consultations/test-fixtures";

const t = useTestDatabase(async (db) => {
  await seedDemoData(db.db);
  await insertAdvisor(db.db, { userId: AMIRA, displayName: "Amira Haddad" });
  await insertAdvisor(db.db, { userId: LUCAS, displayName: "Lucas Martin" });
});

const HOUR = 3_600_000;
const BOUGHT = new Date("2026-12-02T09:00:00.000Z");
const PAID = new Date(BOUGHT.getTime() + 60_000);

/** The admin in development (dev sign-in on), or in production (off), at `now`. */
async function adminAt(now: Date, devAuth = true) {
  const user = await getUserWithRoles(t.db, { id: ADMIN });
  return createCaller(
    createContextInner({
      db: t.db,
      user,
      requestId: `req-sandbox-${randomUUID()}`,
      providers: testProviders,
      now: () => now,
      devAuth: devAuth
        ? { enabled: true, secret: "x".repeat(40), ttlSeconds: 600 }
        : { enabled: false },
    }),
  );
}

/** Sam's project with Amira invited (accepted), and a 3-day pass bought and paid at PAID. */
async function paidPass(db: Db) {
  const sam = await callerFor(db, SAM, { now: BOUGHT });
  const project = await sam.projects.create({ name: `Checkout ${randomUUID().slice(0, 8)}` });
  const invitation = await sam.invitations.create({ projectId: project.id, advisorId: AMIRA });
  const amira = await callerFor(db, AMIRA, { now: BOUGHT });
  await amira.invitations.accept({ invitationId: invitation.id });
  const bought = await sam.passes.purchase({ advisorId: AMIRA, projectId: project.id, days: 3 });
  const paid = await db.transaction((tx) =>
    applyConsultationEvent(tx, {
      consultationId: bought.consultationId,
      event: {
        type: "payment_succeeded",
        id: `evt_${bought.consultationId}`,
        actor: "system",
        amount: { amount: bought.quote.price, currency: "USD" },
      },
      now: PAID,
      origin: { source: "test:stripe" },
    }),
  );
  expect(paid.kind).toBe("applied");
  return { consultationId: bought.consultationId, conversationId: project.conversationId! };
}

/** Amira answers in the pass's chat at `at`, the message attributed to the pass. */
async function amiraReplies(db: Db, conversationId: string, passId: string, at: Date) {
  await db.transaction((tx) =>
    appendMessage(tx, {
      conversationId,
      actorType: "advisor",
      senderId: AMIRA,
      authorKey: `user:${AMIRA}`,
      clientMsgId: `reply-${randomUUID()}`,
      body: "Here is what I would change first.",
      engagementId: passId,
      now: at,
    }),
  );
}

async function passRow(id: string) {
  const [row] = await t.db
    .select({
      status: consultations.status,
      endsAt: consultations.endsAt,
      holdEndsAt: consultations.holdEndsAt,
      refundablePrice: consultations.refundablePrice,
    })
    .from(consultations)
    .where(eq(consultations.id, id));
  return row!;
}

beforeEach(async () => {
  await t.db.update(advisors).set({ asyncDayRate: 5_000, status: "active" });
});

describe("sandbox.endPassWindow", () => {
  it("ends a running pass now: completed, the hold window opens from now, the timeline and audit say so; then it goes on to release", async () => {
    const { consultationId, conversationId } = await paidPass(t.db);
    await amiraReplies(t.db, conversationId, consultationId, new Date(PAID.getTime() + HOUR));
    const now = new Date(PAID.getTime() + 5 * HOUR);

    const ended = await (await adminAt(now)).sandbox.endPassWindow({ consultationId });

    expect(ended).toEqual({ id: consultationId, status: "completed" });
    const row = await passRow(consultationId);
    expect(row.status).toBe("completed");
    expect(row.endsAt.toISOString()).toBe(now.toISOString());
    // The default hold window (48 h) runs from the early end, as it would from the real one.
    expect(row.holdEndsAt?.toISOString()).toBe(new Date(now.getTime() + 48 * HOUR).toISOString());
    const timeline = await t.db.execute<{ type: string; source: string; reason: string | null }>(
      sql`select type, source, reason from consultation_events
           where consultation_id = ${consultationId} and applied order by id desc limit 1`,
    );
    expect(timeline[0]).toEqual({
      type: "scheduled_end_reached",
      source: "sandbox:end_pass_window",
      reason: "development sandbox: pass window ended early",
    });
    const audit = await t.db.execute<{ actor_id: string; after: unknown }>(
      sql`select actor_id, after from audit_log
           where action = 'pass.window_ended_early' and subject_id = ${consultationId}`,
    );
    expect(audit).toEqual([{ actor_id: ADMIN, after: { status: "completed" } }]);

    // The existing shortcut then releases it, as for a booking.
    const released = await (await adminAt(now)).sandbox.endHoldWindow({ consultationId });
    expect(released).toEqual({ id: consultationId, status: "released" });
  });

  it("a pass the advisor never answered is refunded in full, as its own end would decide", async () => {
    const { consultationId } = await paidPass(t.db);
    const now = new Date(PAID.getTime() + 2 * HOUR);

    const ended = await (await adminAt(now)).sandbox.endPassWindow({ consultationId });

    expect(ended.status).toBe("refunded");
    expect((await passRow(consultationId)).refundablePrice).toBe(0);
  });

  it("a second call on an ended pass changes nothing", async () => {
    const { consultationId, conversationId } = await paidPass(t.db);
    await amiraReplies(t.db, conversationId, consultationId, new Date(PAID.getTime() + HOUR));
    const now = new Date(PAID.getTime() + 5 * HOUR);
    await (await adminAt(now)).sandbox.endPassWindow({ consultationId });
    const before = await passRow(consultationId);

    const again = await (
      await adminAt(new Date(now.getTime() + HOUR))
    ).sandbox.endPassWindow({ consultationId });

    expect(again).toEqual({ id: consultationId, status: "completed" });
    expect(await passRow(consultationId)).toEqual(before);
  });

  it("an unpaid pass is refused by the machine and keeps its window", async () => {
    const sam = await callerFor(t.db, SAM, { now: BOUGHT });
    const project = await sam.projects.create({ name: "Unpaid pass" });
    const invitation = await sam.invitations.create({ projectId: project.id, advisorId: LUCAS });
    await (
      await callerFor(t.db, LUCAS, { now: BOUGHT })
    ).invitations.accept({ invitationId: invitation.id });
    const { consultationId } = await sam.passes.purchase({
      advisorId: LUCAS,
      projectId: project.id,
      days: 2,
    });
    const before = await passRow(consultationId);

    await expect(
      (await adminAt(new Date(BOUGHT.getTime() + HOUR))).sandbox.endPassWindow({ consultationId }),
    ).rejects.toMatchObject({ code: "CONFLICT" });

    expect(await passRow(consultationId)).toEqual(before);
  });

  it("a booking, or no consultation, is not found", async () => {
    const bookingId = await insertConsultation(t.db, {
      clientId: SAM,
      advisorId: LUCAS,
      status: "confirmed",
      startsAt: new Date(BOUGHT.getTime() - 2 * HOUR),
    });
    const admin = await adminAt(new Date(BOUGHT.getTime() + 5 * HOUR));
    for (const consultationId of [bookingId, randomUUID()]) {
      await expect(admin.sandbox.endPassWindow({ consultationId })).rejects.toMatchObject({
        code: "NOT_FOUND",
        appCode: "CONSULTATION_NOT_FOUND",
      });
    }
    expect((await passRow(bookingId)).status).toBe("confirmed");
  });

  it("is refused outside development, changing nothing", async () => {
    const { consultationId, conversationId } = await paidPass(t.db);
    await amiraReplies(t.db, conversationId, consultationId, new Date(PAID.getTime() + HOUR));
    const before = await passRow(consultationId);

    await expect(
      (await adminAt(new Date(PAID.getTime() + 5 * HOUR), false)).sandbox.endPassWindow({
        consultationId,
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN", appCode: "DEV_ONLY" });

    expect(await passRow(consultationId)).toEqual(before);
  });
});
