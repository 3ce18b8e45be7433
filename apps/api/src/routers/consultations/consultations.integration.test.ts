import { findUnbalancedEntries, seedDemoData } from "@an/db";
import { consultationEvents, payments, refunds, webhookEvents } from "@an/db/schema";
import {
  insertAdvisor,
  useTestDatabase,
  ADMIN,
  AMIRA,
  auditActions,
  bookConsultation,
  completeConsultation,
  DIEGO,
  heldFor,
  hours,
  jobPayloads,
  LUCAS,
  SAM,
} from "@an/db/testing";
import { eq, sql } from "drizzle-orm";
import type { Locale } from "@an/domain";
import type { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { formatAppError } from "../../trpc/error-format";
import { callerFor } from "./test-fixtures";

const t = useTestDatabase(async (db) => {
  await seedDemoData(db.db);
  await insertAdvisor(db.db, {
    userId: AMIRA,
    displayName: "Amira Haddad",
    hourlyRate: 15_000,
    calcomEventType: "amira/consultation",
  });
  await insertAdvisor(db.db, {
    userId: LUCAS,
    displayName: "Lucas Martin",
    hourlyRate: 12_000,
    calcomEventType: "lucas/consultation",
  });
});

const T0 = new Date("2026-11-02T09:00:00.000Z");
const at = (h: number) => new Date(T0.getTime() + hours(h));

/** A paid consultation of Sam with Amira (60 min, $150.00) starting `startsInHours` after T0. */
const samWithAmira = (startsInHours: number, paid = true) =>
  bookConsultation(t.db, {
    clientId: SAM,
    advisorId: AMIRA,
    bookedAt: T0,
    startsAt: at(startsInHours),
    paid,
  });

const refundRows = (consultationId: string) =>
  t.db.select().from(refunds).where(eq(refunds.consultationId, consultationId));

describe("list and get: each party sees only their own, the advisor sees the client's first name", () => {
  it("the client and the advisor get it; anyone else gets CONSULTATION_NOT_FOUND", async () => {
    const { id } = await samWithAmira(72);
    const sam = await (
      await callerFor(t.db, SAM, { now: T0 })
    ).consultations.get({
      consultationId: id,
    });
    expect(sam).toMatchObject({
      id,
      role: "client",
      status: "confirmed",
      advisor: { id: AMIRA, displayName: "Amira Haddad" },
      quote: { price: { amount: 15_000, formatted: "$150.00" } },
      refundable: { amount: 15_000 },
      checkoutUrl: null,
      actions: {
        canCancel: true,
        canReportNoShow: false,
        canDispute: false,
        // Each action the client can't take says why, in the client's language.
        reasons: {
          cancel: null,
          reportNoShow: "A no-show can be reported once the meeting has ended.",
          dispute: "A dispute can be opened once the meeting has ended.",
        },
      },
    });
    expect(sam.quote).not.toHaveProperty("platformFee");
    const inFrench = await (
      await callerFor(t.db, SAM, { now: T0, locale: "fr" })
    ).consultations.get({ consultationId: id });
    expect(inFrench.actions.reasons.dispute).toBe(
      "Un litige peut être ouvert une fois la réunion terminée.",
    );
    expect(sam.timeline.map((e) => [e.type, e.actor, e.toStatus])).toEqual([
      ["booked", "system", "awaiting_payment"],
      ["payment_succeeded", "system", "confirmed"],
    ]);

    const amira = await (
      await callerFor(t.db, AMIRA, { now: T0 })
    ).consultations.get({
      consultationId: id,
    });
    expect(amira).toMatchObject({
      role: "advisor",
      client: { firstName: "Sam" },
      quote: { platformFee: { amount: 3_000 }, advisorShare: { amount: 12_000 } },
    });
    const text = JSON.stringify(amira);
    for (const secret of [
      "Carter",
      "sam@demo",
      SAM,
      "uid-",
      "evt_",
      "paymentIntent",
      "bookingUid",
    ]) {
      expect(text).not.toContain(secret);
    }

    for (const outsider of [DIEGO, LUCAS, ADMIN]) {
      await expect(
        (await callerFor(t.db, outsider, { now: T0 })).consultations.get({ consultationId: id }),
      ).rejects.toMatchObject({ code: "NOT_FOUND", appCode: "CONSULTATION_NOT_FOUND" });
    }
    await expect(
      (await callerFor(t.db, SAM)).consultations.get({
        consultationId: "00000000-0000-4000-8000-000000000000",
      }),
    ).rejects.toMatchObject({ appCode: "CONSULTATION_NOT_FOUND" });
  });

  it("lists the caller's own consultations per side, newest start first, in keyset pages", async () => {
    const diegoWithLucas = await bookConsultation(t.db, {
      clientId: DIEGO,
      advisorId: LUCAS,
      bookedAt: T0,
      startsAt: at(100),
    });
    const a = await samWithAmira(200);
    const b = await samWithAmira(300);
    const sam = await callerFor(t.db, SAM, { now: T0 });
    const first = await sam.consultations.list({ as: "client", limit: 1 });
    const rest = await sam.consultations.list({
      as: "client",
      limit: 50,
      cursor: first.nextCursor,
    });
    const ids = [...first.items, ...rest.items].map((i) => i.id);
    expect(ids.slice(0, 2)).toEqual([b.id, a.id]);
    expect(ids).not.toContain(diegoWithLucas.id);
    expect(new Set(ids).size).toBe(ids.length);

    const amira = await callerFor(t.db, AMIRA, { now: T0 });
    const asAdvisor = await amira.consultations.list({ as: "advisor" });
    expect(asAdvisor.items.map((i) => i.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    expect(asAdvisor.items.every((i) => i.client.firstName === "Sam")).toBe(true);
    expect(JSON.stringify(asAdvisor)).not.toMatch(/Carter|@demo\.advisor\.network|demo\|client/);
    expect((await amira.consultations.list({ as: "client" })).items).toEqual([]);
    expect(
      (await amira.consultations.list({ as: "advisor", status: "cancelled" })).items.every(
        (i) => i.status === "cancelled",
      ),
    ).toBe(true);

    await expect(
      (await callerFor(t.db, DIEGO)).consultations.list({ as: "advisor" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN", appCode: "FORBIDDEN_ROLE" });
    await expect(sam.consultations.list({ as: "client", limit: 51 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("the open checkout page is shown to the client only, while payment is awaited", async () => {
    const { id, price } = await samWithAmira(72, false);
    await t.db.insert(payments).values({
      consultationId: id,
      providerSessionId: `cs_test_${id}`,
      url: "https://checkout.test/pay/cs_1",
      amount: price,
      currency: "USD",
      expiresAt: at(1),
    });
    const sam = await (
      await callerFor(t.db, SAM, { now: T0 })
    ).consultations.get({
      consultationId: id,
    });
    expect(sam).toMatchObject({
      status: "awaiting_payment",
      checkoutUrl: "https://checkout.test/pay/cs_1",
      actions: { canCancel: true },
    });
    const amira = await (
      await callerFor(t.db, AMIRA, { now: T0 })
    ).consultations.get({
      consultationId: id,
    });
    expect(amira.checkoutUrl).toBeNull();
    const later = await (
      await callerFor(t.db, SAM, { now: at(2) })
    ).consultations.get({
      consultationId: id,
    });
    expect(later.checkoutUrl).toBeNull();
  });
});

describe("cancel applies the frozen refund policy", () => {
  it("the client cancelling more than 24 h ahead gets everything back: refund row, jobs, balanced ledger", async () => {
    const { id, bookingUid, price } = await samWithAmira(48);
    const sam = await callerFor(t.db, SAM, { now: at(1), requestId: "req-cancel-1" });
    expect(await sam.consultations.cancel({ consultationId: id, reason: "Plans changed" })).toEqual(
      {
        consultationId: id,
        status: "cancelled",
        applied: true,
        refunded: price,
        currency: "USD",
      },
    );
    const [refund] = await refundRows(id);
    expect(refund).toMatchObject({
      amount: price,
      currency: "USD",
      status: "pending",
      requestedBy: SAM,
    });
    expect(await jobPayloads(t.db, "refund_payment")).toContainEqual({ refundId: refund!.id });
    expect(await jobPayloads(t.db, "cancel_booking")).toContainEqual({
      bookingUid,
      reason: "Plans changed",
    });
    expect(await findUnbalancedEntries(t.db)).toEqual([]);
    expect(await heldFor(t.db, id)).toBe(0);

    // The same request again (a retry) changes nothing.
    const again = await (
      await callerFor(t.db, SAM, { now: at(1), requestId: "req-cancel-1" })
    ).consultations.cancel({ consultationId: id });
    expect(again).toMatchObject({ status: "cancelled", applied: false, refunded: 0 });
    expect(await refundRows(id)).toHaveLength(1);

    const view = await (
      await callerFor(t.db, SAM, { now: at(1) })
    ).consultations.get({
      consultationId: id,
    });
    expect(view.refunds).toEqual([
      expect.objectContaining({ amount: price, formatted: "$150.00", status: "pending" }),
    ]);
    expect(view.timeline.at(-1)).toMatchObject({
      type: "cancelled",
      actor: "client",
      toStatus: "cancelled",
      reason: "Plans changed",
    });
    expect(view.actions).toMatchObject({
      canCancel: false,
      canReportNoShow: false,
      canDispute: false,
      reasons: {
        cancel: expect.stringMatching(/^Too late to cancel/),
        reportNoShow: expect.stringMatching(/^Too late to report a no-show/),
        dispute: expect.stringMatching(/^Too late to open a dispute/),
      },
    });
  });

  it("the client cancelling 10 h ahead gets half; the rest is released to advisor and platform", async () => {
    const { id, price } = await samWithAmira(10);
    const result = await (
      await callerFor(t.db, SAM, { now: T0 })
    ).consultations.cancel({
      consultationId: id,
    });
    expect(result).toMatchObject({ status: "cancelled", refunded: price / 2 });
    expect((await refundRows(id)).map((r) => r.amount)).toEqual([price / 2]);
    expect(await heldFor(t.db, id)).toBe(0);
    expect(await findUnbalancedEntries(t.db)).toEqual([]);
  });

  it("the advisor cancelling refunds everything, whatever the notice", async () => {
    const { id, price } = await samWithAmira(3);
    const result = await (
      await callerFor(t.db, AMIRA, { now: T0 })
    ).consultations.cancel({
      consultationId: id,
    });
    expect(result).toMatchObject({ status: "cancelled", refunded: price });
    const cancelJobs = await jobPayloads<{ reason: string }>(t.db, "cancel_booking");
    expect(cancelJobs.at(-1)?.reason).toBe("Cancelled by the advisor");
  });

  it("cancelling unpaid refunds nothing; cancelling after the start is TOO_LATE and kept on the timeline", async () => {
    const unpaid = await samWithAmira(30, false);
    expect(
      await (
        await callerFor(t.db, SAM, { now: T0 })
      ).consultations.cancel({
        consultationId: unpaid.id,
      }),
    ).toMatchObject({ status: "cancelled", refunded: 0 });
    expect(await refundRows(unpaid.id)).toEqual([]);

    const { id } = await samWithAmira(2);
    const late = await (
      await callerFor(t.db, SAM, { now: at(2.5) })
    ).consultations
      .cancel({ consultationId: id })
      .catch((e: unknown) => e);
    expect(late).toMatchObject({
      code: "CONFLICT",
      appCode: "TRANSITION_TOO_LATE",
      params: { status: "confirmed" },
    });
    const refused = await t.db
      .select()
      .from(consultationEvents)
      .where(eq(consultationEvents.consultationId, id));
    expect(refused.find((e) => !e.applied)).toMatchObject({
      type: "cancelled",
      actor: "client",
      actorUserId: SAM,
      source: "procedure:consultations.cancel",
    });
    expect(await refundRows(id)).toEqual([]);
  });

  it("someone else's consultation can't be cancelled and doesn't change", async () => {
    const { id } = await samWithAmira(50);
    for (const outsider of [DIEGO, LUCAS, ADMIN]) {
      await expect(
        (await callerFor(t.db, outsider, { now: T0 })).consultations.cancel({ consultationId: id }),
      ).rejects.toMatchObject({ appCode: "CONSULTATION_NOT_FOUND" });
    }
    const view = await (
      await callerFor(t.db, SAM, { now: T0 })
    ).consultations.get({
      consultationId: id,
    });
    expect(view.status).toBe("confirmed");
  });
});

describe("no-shows and disputes inside the hold window", () => {
  it("the client reports the advisor absent; an admin upholds it and everything is refunded (audited)", async () => {
    const { id, price } = await samWithAmira(24);
    await completeConsultation(t.db, id, at(25.1));
    const sam = await callerFor(t.db, SAM, { now: at(26) });
    expect((await sam.consultations.get({ consultationId: id })).actions).toEqual({
      canCancel: false,
      canReportNoShow: true,
      canDispute: true,
      reasons: {
        cancel: expect.stringMatching(/^Too late to cancel/),
        reportNoShow: null,
        dispute: null,
      },
    });
    expect(await sam.consultations.reportNoShow({ consultationId: id })).toMatchObject({
      status: "no_show_advisor",
      applied: true,
    });
    expect((await sam.consultations.get({ consultationId: id })).actions.reasons).toEqual({
      cancel: expect.stringMatching(/^Too late to cancel/),
      reportNoShow: "Not possible now: an admin is reviewing this consultation.",
      dispute: "Not possible now: an admin is reviewing this consultation.",
    });
    const admin = await callerFor(t.db, ADMIN, { now: at(30) });
    expect(
      (await admin.consultations.listForAdmin({ needsAttention: true })).items.map((i) => i.id),
    ).toContain(id);
    expect(
      await admin.consultations.resolveNoShow({
        consultationId: id,
        upheld: true,
        reason: "Advisor confirmed they missed it",
      }),
    ).toMatchObject({ status: "refunded", refunded: price });
    expect(await heldFor(t.db, id)).toBe(0);
    expect(await auditActions(t.db, id)).toEqual(["consultation.no_show_resolved"]);
  });

  it("the advisor reports the client absent; an admin rejects it and the consultation is completed again", async () => {
    const { id } = await samWithAmira(24);
    await completeConsultation(t.db, id, at(25.1));
    expect(
      await (
        await callerFor(t.db, AMIRA, { now: at(27) })
      ).consultations.reportNoShow({
        consultationId: id,
        reason: "Waited 20 minutes",
      }),
    ).toMatchObject({ status: "no_show_client" });
    expect(
      await (
        await callerFor(t.db, ADMIN, { now: at(28) })
      ).consultations.resolveNoShow({
        consultationId: id,
        upheld: false,
        reason: "Client was in the call, per recording",
      }),
    ).toMatchObject({ status: "completed", refunded: 0 });
  });

  it("a dispute inside the hold window freezes the money; after it, it's TOO_LATE", async () => {
    const inside = await samWithAmira(24);
    await completeConsultation(t.db, inside.id, at(25.1));
    await expect(
      (await callerFor(t.db, SAM, { now: at(30) })).consultations.openDispute({
        consultationId: inside.id,
        reason: "short",
      }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      (await callerFor(t.db, AMIRA, { now: at(30) })).consultations.openDispute({
        consultationId: inside.id,
        reason: "The advisor can't dispute their own session",
      }),
    ).rejects.toMatchObject({ appCode: "TRANSITION_NOT_ALLOWED" });
    expect(
      await (
        await callerFor(t.db, SAM, { now: at(30) })
      ).consultations.openDispute({
        consultationId: inside.id,
        reason: "The advice did not match what was agreed",
      }),
    ).toMatchObject({ status: "disputed", applied: true });
    const view = await (
      await callerFor(t.db, SAM, { now: at(31) })
    ).consultations.get({
      consultationId: inside.id,
    });
    expect(view.dispute).toMatchObject({ kind: "client", amount: { amount: inside.price } });
    expect(await heldFor(t.db, inside.id)).toBe(inside.price);

    const after = await samWithAmira(24);
    const completed = await completeConsultation(t.db, after.id, at(25.1));
    const tooLate = new Date(completed.holdEndsAt!.getTime() + 60_000);
    const sam = await callerFor(t.db, SAM, { now: tooLate });
    expect((await sam.consultations.get({ consultationId: after.id })).actions).toMatchObject({
      canDispute: false,
      reasons: { dispute: expect.stringMatching(/^Too late to open a dispute/) },
    });
    await expect(
      sam.consultations.openDispute({
        consultationId: after.id,
        reason: "The advice did not match what was agreed",
      }),
    ).rejects.toMatchObject({ appCode: "TRANSITION_TOO_LATE" });
    await expect(
      sam.consultations.reportNoShow({ consultationId: after.id }),
    ).rejects.toMatchObject({ appCode: "TRANSITION_TOO_LATE" });
  });

  it("an admin resolves a dispute with a partial refund: the rest is released (audited)", async () => {
    const { id, price } = await samWithAmira(24);
    await completeConsultation(t.db, id, at(25.1));
    await (
      await callerFor(t.db, SAM, { now: at(30) })
    ).consultations.openDispute({
      consultationId: id,
      reason: "Only half the agenda was covered",
    });
    const admin = await callerFor(t.db, ADMIN, { now: at(40) });
    // The machine says what an admin can decide: the dispute, and nothing else meanwhile.
    expect((await admin.consultations.getForAdmin({ consultationId: id })).actions).toEqual({
      refund: false,
      resolveDispute: true,
      resolveNoShow: false,
      markNoShow: false,
    });
    expect(
      await admin.consultations.resolveDispute({
        consultationId: id,
        refundAmount: 5_000,
        reason: "Half the agenda covered",
      }),
    ).toMatchObject({ status: "released", refunded: 5_000 });
    expect((await refundRows(id)).map((r) => r.amount)).toEqual([5_000]);
    expect(await heldFor(t.db, id)).toBe(0);
    expect(await findUnbalancedEntries(t.db)).toEqual([]);
    expect(await auditActions(t.db, id)).toEqual(["consultation.dispute_resolved"]);
    const detail = await admin.consultations.getForAdmin({ consultationId: id });
    expect(detail.actions).toEqual({
      refund: true,
      resolveDispute: false,
      resolveNoShow: false,
      markNoShow: false,
    });
    expect(detail.audit[0]).toMatchObject({
      actorId: ADMIN,
      action: "consultation.dispute_resolved",
      before: { status: "disputed", refundable: { price } },
      after: { status: "released", reason: "Half the agenda covered", refundAmount: 5_000 },
    });
  });

  it("an admin marks a no-show on a completed consultation (audited)", async () => {
    const { id } = await samWithAmira(24);
    await completeConsultation(t.db, id, at(25.1));
    const admin = await callerFor(t.db, ADMIN, { now: at(26) });
    expect(
      await admin.consultations.markNoShow({
        consultationId: id,
        absent: "client",
        reason: "Cal.com attendance shows no client",
      }),
    ).toMatchObject({ status: "no_show_client" });
    expect(await auditActions(t.db, id)).toEqual(["consultation.no_show_marked"]);
  });
});

describe("admin refunds", () => {
  it("the preview is exactly the outcome: amounts, split, status and ledger lines", async () => {
    const { id, price } = await samWithAmira(72);
    const admin = await callerFor(t.db, ADMIN, { now: at(1) });
    const entriesBefore = (await admin.ledger.listForConsultation({ consultationId: id })).entries;
    const preview = await admin.consultations.previewRefund({ consultationId: id, amount: 5_000 });
    expect(preview).toMatchObject({
      statusBefore: "confirmed",
      resultingStatus: "confirmed",
      refund: 5_000,
      formatted: "$50.00",
      fromAdvisorShare: 4_000,
      fromPlatformFee: 1_000,
      refundableAfter: { price: price - 5_000, platformFee: 2_000, advisorShare: 8_000 },
      reverseTransfer: 0,
    });
    // Nothing was written by the preview.
    expect((await admin.ledger.listForConsultation({ consultationId: id })).entries).toEqual(
      entriesBefore,
    );
    expect(await refundRows(id)).toEqual([]);

    const result = await admin.consultations.refund({
      consultationId: id,
      amount: 5_000,
      reason: "Goodwill: late start",
    });
    expect(result).toMatchObject({ status: preview.resultingStatus, refunded: preview.refund });
    const after = (await admin.ledger.listForConsultation({ consultationId: id })).entries;
    const posted = after.slice(entriesBefore.length);
    expect(posted.map((e) => ({ kind: e.kind, lines: e.postings }))).toEqual(preview.ledger);
    const [refund] = await refundRows(id);
    expect(refund).toMatchObject({
      amount: 5_000,
      reason: "Goodwill: late start",
      requestedBy: ADMIN,
    });
    expect(await jobPayloads(t.db, "refund_payment")).toContainEqual({ refundId: refund!.id });

    // Then the rest: a full refund ends it.
    const rest = price - 5_000;
    const second = await admin.consultations.previewRefund({ consultationId: id, amount: rest });
    expect(second).toMatchObject({ resultingStatus: "refunded", refund: rest });
    await expect(
      admin.consultations.previewRefund({ consultationId: id, amount: rest + 1 }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", appCode: "REFUND_EXCEEDS_REFUNDABLE" });
    expect(
      await (
        await callerFor(t.db, ADMIN, { now: at(2) })
      ).consultations.refund({
        consultationId: id,
        amount: rest,
        reason: "Client asked for the rest",
      }),
    ).toMatchObject({ status: "refunded", refunded: rest });
    expect((await refundRows(id)).map((r) => r.amount).sort()).toEqual([5_000, rest].sort());
    expect(await heldFor(t.db, id)).toBe(0);
    expect(await findUnbalancedEntries(t.db)).toEqual([]);
    await expect(
      (await callerFor(t.db, ADMIN, { now: at(3) })).consultations.refund({
        consultationId: id,
        amount: 1,
        reason: "One more",
      }),
    ).rejects.toMatchObject({ appCode: "TRANSITION_TOO_LATE" });
    expect(await auditActions(t.db, id)).toEqual(["consultation.refund", "consultation.refund"]);
  });

  it("over-refunding names both amounts as money, written in the caller's locale", async () => {
    const { id, price } = await samWithAmira(72);
    expect(price).toBe(15_000);
    const admin = await callerFor(t.db, ADMIN, { now: at(1) });
    for (const attempt of [
      () => admin.consultations.refund({ consultationId: id, amount: 50_000, reason: "too much" }),
      () => admin.consultations.previewRefund({ consultationId: id, amount: 50_000 }),
    ]) {
      const error = await attempt().then(
        () => expect.unreachable("the refund was accepted"),
        (e: unknown) => e as TRPCError,
      );
      expect(error).toMatchObject({
        appCode: "REFUND_EXCEEDS_REFUNDABLE",
        params: {
          requested: { amount: 50_000, currency: "USD" },
          refundable: { amount: 15_000, currency: "USD" },
        },
      });
      const format = (locale: Locale) =>
        formatAppError(error, { locale, requestId: "r", input: undefined }).message;
      expect(format("en")).toBe(
        "A refund of $500.00 is more than the $150.00 still refundable. Enter at most $150.00.",
      );
      expect(format("fr")).toMatch(/^Un remboursement de 500,00\s\$US dépasse les 150,00\s\$US/);
      expect(format("de")).not.toMatch(/50000|15000/);
    }
  });

  it("a refund needs a reason and a positive amount; over-refunding is refused and writes nothing", async () => {
    const { id, price } = await samWithAmira(72);
    const admin = await callerFor(t.db, ADMIN, { now: at(1) });
    for (const input of [
      { consultationId: id, amount: 100, reason: "" },
      { consultationId: id, amount: 0, reason: "zero" },
      { consultationId: id, amount: -5, reason: "negative" },
      { consultationId: id, amount: 1.5, reason: "fraction" },
    ]) {
      await expect(admin.consultations.refund(input)).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });
    }
    await expect(
      admin.consultations.refund({ consultationId: id, amount: price + 1, reason: "too much" }),
    ).rejects.toMatchObject({ appCode: "REFUND_EXCEEDS_REFUNDABLE" });
    expect(await refundRows(id)).toEqual([]);
    expect(await auditActions(t.db, id)).toEqual([]);
    await expect(
      admin.consultations.refund({
        consultationId: "00000000-0000-4000-8000-000000000000",
        amount: 100,
        reason: "missing",
      }),
    ).rejects.toMatchObject({ appCode: "CONSULTATION_NOT_FOUND" });
  });
});

describe("admin list and get", () => {
  it("filters by status, party, attention and start range, in keyset pages", async () => {
    const diego = await bookConsultation(t.db, {
      clientId: DIEGO,
      advisorId: LUCAS,
      bookedAt: T0,
      startsAt: at(500),
    });
    const admin = await callerFor(t.db, ADMIN, { now: T0 });
    const byClient = await admin.consultations.listForAdmin({ clientId: DIEGO });
    expect(byClient.items.every((i) => i.client.id === DIEGO)).toBe(true);
    expect(byClient.items.map((i) => i.id)).toContain(diego.id);
    expect(byClient.items.find((i) => i.id === diego.id)).toMatchObject({
      client: { email: "diego@demo.advisor.network", lastName: "Ruiz" },
      advisor: { displayName: "Lucas Martin" },
      needsAttention: false,
    });
    const byRange = await admin.consultations.listForAdmin({
      from: at(499).toISOString(),
      to: at(501).toISOString(),
    });
    expect(byRange.items.map((i) => i.id)).toEqual([diego.id]);
    const cancelled = await admin.consultations.listForAdmin({ status: ["cancelled", "refunded"] });
    expect(cancelled.items.length).toBeGreaterThan(0);
    expect(cancelled.items.every((i) => ["cancelled", "refunded"].includes(i.status))).toBe(true);
    const attention = await admin.consultations.listForAdmin({ needsAttention: true });
    expect(attention.items.every((i) => i.needsAttention)).toBe(true);
    const byAdvisor = await admin.consultations.listForAdmin({ advisorId: AMIRA, limit: 2 });
    const next = await admin.consultations.listForAdmin({
      advisorId: AMIRA,
      limit: 100,
      cursor: byAdvisor.nextCursor,
    });
    const ids = [...byAdvisor.items, ...next.items].map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThan(2);
    await expect(admin.consultations.listForAdmin({ from: "yesterday" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("get shows everything: parties, timeline with refusals, ledger, payments, refunds, incidents, webhooks, audit", async () => {
    const { id, bookingUid, price } = await samWithAmira(1);
    await t.db.insert(webhookEvents).values({
      provider: "calcom",
      dedupeKey: `sha:BOOKING_CREATED:${bookingUid}`,
      eventType: "BOOKING_CREATED",
      subject: bookingUid,
      body: '{"secret":"payload"}',
      bodySha256: "ab".repeat(32),
      status: "processed",
      consultationId: id,
    });
    // A refused cancellation (after the start) and an admin refund.
    await (
      await callerFor(t.db, SAM, { now: at(1.5) })
    ).consultations
      .cancel({ consultationId: id })
      .catch(() => undefined);
    const admin = await callerFor(t.db, ADMIN, { now: at(1.6) });
    await admin.consultations.refund({ consultationId: id, amount: price, reason: "Full refund" });
    await t.db.execute(
      sql`insert into security_incidents (kind, dedupe_key, message, consultation_id) values ('unknown_charge', ${`test:${id}`}, 'test incident', ${id})`,
    );

    const detail = await admin.consultations.getForAdmin({ consultationId: id });
    expect(detail.client).toMatchObject({
      id: SAM,
      email: "sam@demo.advisor.network",
      lastName: "Carter",
    });
    // The advisor's own zone, so the console can show the meeting on their clock too.
    const [advisorRow] = await t.sql<{ zone: string }[]>`
      select time_zone as zone from advisors where user_id = ${AMIRA}`;
    expect(detail.advisor).toMatchObject({
      id: AMIRA,
      email: "amira@demo.advisor.network",
      timeZone: advisorRow!.zone,
    });
    expect(detail.consultation).toMatchObject({
      status: "refunded",
      price,
      platformFee: 3_000,
      quoteRules: { pricing: "pricing-default", commission: "commission-default" },
      bookingUid,
    });
    expect(detail.timeline.map((e) => [e.type, e.applied])).toEqual([
      ["booked", true],
      ["payment_succeeded", true],
      ["cancelled", false],
      ["admin_refund", true],
    ]);
    expect(detail.ledger.map((e) => e.kind)).toEqual(["payment_captured", "refund"]);
    expect(detail.refunds).toHaveLength(1);
    expect(detail.incidents.map((i) => i.message)).toEqual(["test incident"]);
    expect(detail.webhookEvents).toEqual([
      expect.objectContaining({ eventType: "BOOKING_CREATED", status: "processed" }),
    ]);
    expect(detail.webhookEvents[0]).not.toHaveProperty("body");
    expect(detail.audit.map((a) => a.action)).toEqual(["consultation.refund"]);
    expect(detail.refundable).toBe(false);
    expect(detail.actions).toEqual({
      refund: false,
      resolveDispute: false,
      resolveNoShow: false,
      markNoShow: false,
    });
  });
});
