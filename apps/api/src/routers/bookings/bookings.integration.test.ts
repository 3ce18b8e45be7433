import { verifyBookingToken } from "@an/billing";
import { seedDemoData } from "@an/db";
import { advisors, bookingIntents } from "@an/db/schema";
import {
  insertAdvisor,
  useTestDatabase,
  AMIRA,
  bookConsultation,
  DIEGO,
  hours,
  LUCAS,
  SAM,
} from "@an/db/testing";
import { DEFAULT_REFUND_POLICY_RULE_SET, refundPolicyOf } from "@an/domain";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { AppError } from "../../errors";
import { createContextInner, developmentBilling } from "../../trpc/context";
import { createCaller } from "../../trpc/router";
import { callerFor, testProviders } from "../consultations/test-fixtures";

const t = useTestDatabase(async (db) => {
  await seedDemoData(db.db);
  await insertAdvisor(db.db, {
    userId: AMIRA,
    displayName: "Amira Haddad",
    hourlyRate: 15_000,
    calcomEventType: "amira/consultation",
  });
  await insertAdvisor(db.db, { userId: LUCAS, displayName: "Lucas Martin" });
});

const NOW = new Date("2026-11-02T09:00:00.000Z");
const { billing } = developmentBilling();
// Nothing saved: the code defaults (version 0) are in force.
const DEFAULT_REFUND_POLICY = refundPolicyOf(DEFAULT_REFUND_POLICY_RULE_SET, 0);
const intentCount = async () =>
  (await t.db.execute<{ n: number }>(sql`select count(*)::int as n from booking_intents`))[0]!.n;

describe("bookings.prepare", () => {
  it("freezes the quote, refund policy and hold window into an intent and returns a signed booking link", async () => {
    const sam = await callerFor(t.db, SAM, { now: NOW });
    const prepared = await sam.bookings.prepare({
      advisorId: AMIRA,
      durationMinutes: 90,
      project: "Stripe Connect payouts",
    });
    expect(prepared.quote).toEqual({
      price: 22_500,
      currency: "USD",
      durationMinutes: 90,
      formatted: "$225.00",
    });
    expect(prepared.refundPolicy).toEqual(DEFAULT_REFUND_POLICY);
    expect(prepared.expiresAt).toEqual(
      new Date(NOW.getTime() + billing.bookingTokenTtlMinutes * 60_000),
    );

    const [intent] = await t.db
      .select()
      .from(bookingIntents)
      .where(eq(bookingIntents.id, prepared.intentId));
    expect(intent).toMatchObject({
      clientId: SAM,
      advisorId: AMIRA,
      durationMinutes: 90,
      project: "Stripe Connect payouts",
      holdWindowHours: 48,
      refundPolicy: DEFAULT_REFUND_POLICY,
      consultationId: null,
      quote: {
        currency: "USD",
        hourlyRate: 15_000,
        price: 22_500,
        platformFee: 4_500,
        advisorShare: 18_000,
        rules: { pricing: "pricing-default", commission: "commission-default" },
      },
    });

    const url = new URL(prepared.bookingUrl);
    expect(url.pathname).toBe("/amira/consultation");
    expect(url.searchParams.get("email")).toBe("sam@demo.advisor.network");
    expect(url.searchParams.get("name")).toBe("Sam Carter");
    const token = url.searchParams.get("metadata[bookingToken]");
    const checked = verifyBookingToken(token, billing.bookingTokenSecret, NOW);
    expect(checked).toMatchObject({ ok: true, intentId: prepared.intentId });
    expect(verifyBookingToken(token, "another-secret-of-at-least-32-chars!!", NOW)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
    expect(
      verifyBookingToken(
        token,
        billing.bookingTokenSecret,
        new Date(prepared.expiresAt.getTime() + 1000),
      ),
    ).toEqual({ ok: false, reason: "expired" });
  });

  it("a later rate change doesn't touch a prepared quote: the booking is paid at the frozen price", async () => {
    const sam = await callerFor(t.db, SAM, { now: NOW });
    const { intentId } = await sam.bookings.prepare({ advisorId: AMIRA, durationMinutes: 60 });
    await t.db.update(advisors).set({ hourlyRate: 30_000 }).where(eq(advisors.userId, AMIRA));
    const [intent] = await t.db
      .select()
      .from(bookingIntents)
      .where(eq(bookingIntents.id, intentId));
    expect(intent?.quote.price).toBe(15_000);
    await t.db.update(advisors).set({ hourlyRate: 15_000 }).where(eq(advisors.userId, AMIRA));
  });

  it("never takes a price from the caller: extra fields are refused and nothing is written", async () => {
    const before = await intentCount();
    const sam = await callerFor(t.db, SAM, { now: NOW });
    for (const extra of [{ price: 1 }, { amount: 1, currency: "USD" }, { quote: { price: 1 } }]) {
      await expect(
        sam.bookings.prepare({ advisorId: AMIRA, durationMinutes: 60, ...extra } as never),
      ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
    await expect(
      sam.bookings.prepare({ advisorId: AMIRA, durationMinutes: 25 as never }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await intentCount()).toBe(before);
  });

  it.each([
    [
      "suspended",
      { status: "suspended" as const, suspendedReason: "Complaints" },
      "the account is suspended",
    ],
    ["paused", { acceptingBookings: false }, "bookings are paused"],
    ["without an event type", { calcomEventType: null }, "no booking calendar is set up yet"],
    [
      "with a rate outside the limits",
      { hourlyRate: 500 },
      "the hourly rate is outside the platform's limits",
    ],
  ])("an advisor %s is ADVISOR_NOT_BOOKABLE with the reason", async (_name, patch, reason) => {
    const before = await intentCount();
    await t.db.update(advisors).set(patch).where(eq(advisors.userId, AMIRA));
    try {
      const error = await (
        await callerFor(t.db, SAM, { now: NOW })
      ).bookings
        .prepare({ advisorId: AMIRA, durationMinutes: 60 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({
        code: "CONFLICT",
        appCode: "ADVISOR_NOT_BOOKABLE",
        params: { name: "Amira Haddad", reason },
      });
    } finally {
      await t.db
        .update(advisors)
        .set({
          status: "active",
          suspendedReason: null,
          acceptingBookings: true,
          calcomEventType: "amira/consultation",
          hourlyRate: 15_000,
        })
        .where(eq(advisors.userId, AMIRA));
    }
    expect(await intentCount()).toBe(before);
  });

  it("the reason is in the caller's language", async () => {
    await t.db.update(advisors).set({ acceptingBookings: false }).where(eq(advisors.userId, AMIRA));
    try {
      await expect(
        (await callerFor(t.db, SAM, { now: NOW, locale: "fr" })).bookings.prepare({
          advisorId: AMIRA,
          durationMinutes: 60,
        }),
      ).rejects.toMatchObject({ params: { reason: "les réservations sont en pause" } });
    } finally {
      await t.db
        .update(advisors)
        .set({ acceptingBookings: true })
        .where(eq(advisors.userId, AMIRA));
    }
  });

  it("refuses booking oneself, an unknown advisor, and a client who isn't an advisor", async () => {
    await expect(
      (await callerFor(t.db, AMIRA, { now: NOW })).bookings.prepare({
        advisorId: AMIRA,
        durationMinutes: 60,
      }),
    ).rejects.toMatchObject({ appCode: "CANNOT_BOOK_SELF" });
    const sam = await callerFor(t.db, SAM, { now: NOW });
    for (const advisorId of ["nobody", DIEGO]) {
      await expect(sam.bookings.prepare({ advisorId, durationMinutes: 60 })).rejects.toMatchObject({
        code: "NOT_FOUND",
        appCode: "ADVISOR_NOT_FOUND",
      });
    }
  });

  it("an advisor can book another advisor (any signed-in user books as a client)", async () => {
    const lucas = await callerFor(t.db, LUCAS, { now: NOW });
    const prepared = await lucas.bookings.prepare({ advisorId: AMIRA, durationMinutes: 30 });
    expect(prepared.quote.price).toBe(7_500);
  });

  it("spends from the mutation rate limit like every mutation", async () => {
    const before = await intentCount();
    const caller = createCaller(
      createContextInner({
        db: t.db,
        user: {
          id: SAM,
          email: null,
          firstName: "Sam",
          lastName: null,
          locale: "en",
          timeZone: null,
          roles: ["client"],
        },
        providers: testProviders,
        rateLimiters: {
          signIn: () => Promise.resolve(),
          mutation: () => Promise.reject(new AppError("RATE_LIMITED", { seconds: 9 })),
        },
      }),
    );
    await expect(
      caller.bookings.prepare({ advisorId: AMIRA, durationMinutes: 60 }),
    ).rejects.toMatchObject({ appCode: "RATE_LIMITED" });
    expect(await intentCount()).toBe(before);
  });

  it("anonymous callers can't prepare a booking", async () => {
    await expect(
      (await callerFor(t.db, null)).bookings.prepare({ advisorId: AMIRA, durationMinutes: 60 }),
    ).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("a prepared intent becomes a consultation at the frozen price", async () => {
    const booked = await bookConsultation(t.db, {
      clientId: SAM,
      advisorId: AMIRA,
      bookedAt: NOW,
      startsAt: new Date(NOW.getTime() + hours(72)),
      durationMinutes: 45,
    });
    expect(booked.price).toBe(11_250);
    const detail = await (
      await callerFor(t.db, SAM, { now: NOW })
    ).consultations.get({
      consultationId: booked.id,
    });
    expect(detail).toMatchObject({ status: "confirmed", durationMinutes: 45 });
    expect(detail.quote.price.amount).toBe(11_250);
  });
});
