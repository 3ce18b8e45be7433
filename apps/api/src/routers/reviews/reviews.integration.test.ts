import { sql } from "drizzle-orm";
import { getUserWithRoles, seedDemoData } from "@an/db";
import { insertAdvisor, insertConsultation, useTestDatabase } from "@an/db/testing";
import { describe, expect, it } from "vitest";
import { createContextInner } from "../../trpc/context";
import { createCaller } from "../../trpc/router";

const AMIRA = "demo|advisor-amira";
const LUCAS = "demo|advisor-lucas";
const SAM = "demo|client-sam";
const DIEGO = "demo|client-diego";

const t = useTestDatabase(async (db) => {
  await seedDemoData(db.db);
  await insertAdvisor(db.db, { userId: AMIRA, displayName: "Amira Haddad" });
  await insertAdvisor(db.db, { userId: LUCAS, displayName: "Lucas Martin" });
});

async function callerFor(userId: string | null) {
  const user = userId ? await getUserWithRoles(t.db, { id: userId }) : null;
  return createCaller(createContextInner({ db: t.db, user, requestId: "req-reviews" }));
}

const recent = () => new Date(Date.now() - 3 * 86_400_000);
const rating = async (advisorId: string) =>
  (
    await t.db.execute<{ rating_count: number; rating_sum: number }>(
      sql`select rating_count, rating_sum from advisors where user_id = ${advisorId}`,
    )
  )[0];

describe("reviews", () => {
  it("the client of a completed consultation reviews it once; the rating follows in the same transaction", async () => {
    const consultationId = await insertConsultation(t.db, {
      clientId: SAM,
      advisorId: AMIRA,
      startsAt: recent(),
    });
    const sam = await callerFor(SAM);
    const { reviewId } = await sam.reviews.create({
      consultationId,
      rating: 4,
      body: "Clear and practical.",
    });
    expect(reviewId).toBeTypeOf("string");
    expect(await rating(AMIRA)).toEqual({ rating_count: 1, rating_sum: 4 });
    await expect(
      sam.reviews.create({ consultationId, rating: 5, body: "Again" }),
    ).rejects.toMatchObject({ appCode: "REVIEW_EXISTS" });
    expect(await rating(AMIRA)).toEqual({ rating_count: 1, rating_sum: 4 });
  });

  it("refuses another client's consultation as if it didn't exist", async () => {
    const consultationId = await insertConsultation(t.db, {
      clientId: SAM,
      advisorId: AMIRA,
      startsAt: recent(),
    });
    const diego = await callerFor(DIEGO);
    await expect(
      diego.reviews.create({ consultationId, rating: 1, body: "x" }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
      appCode: "CONSULTATION_NOT_FOUND",
    });
  });

  it.each([["confirmed"], ["cancelled"], ["awaiting_payment"]] as const)(
    "refuses a consultation that is %s",
    async (status) => {
      const consultationId = await insertConsultation(t.db, {
        clientId: SAM,
        advisorId: AMIRA,
        status,
        startsAt: recent(),
      });
      await expect(
        (await callerFor(SAM)).reviews.create({ consultationId, rating: 5, body: "x" }),
      ).rejects.toMatchObject({
        appCode: "REVIEW_NOT_ALLOWED",
      });
    },
  );

  it("refuses a review more than 14 days after the end, with the window in the message", async () => {
    const consultationId = await insertConsultation(t.db, {
      clientId: SAM,
      advisorId: AMIRA,
      startsAt: new Date(Date.now() - 16 * 86_400_000),
    });
    const error = await (
      await callerFor(SAM)
    ).reviews
      .create({ consultationId, rating: 5, body: "late" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ appCode: "REVIEW_WINDOW_CLOSED", params: { days: 14 } });
  });

  it("the advisor replies once, only to their own reviews", async () => {
    const consultationId = await insertConsultation(t.db, {
      clientId: DIEGO,
      advisorId: LUCAS,
      startsAt: recent(),
    });
    const { reviewId } = await (
      await callerFor(DIEGO)
    ).reviews.create({ consultationId, rating: 5, body: "Great" });
    await expect(
      (await callerFor(AMIRA)).reviews.reply({ reviewId, reply: "Thanks!" }),
    ).rejects.toMatchObject({
      appCode: "REVIEW_NOT_FOUND",
    });
    const lucas = await callerFor(LUCAS);
    expect(await lucas.reviews.reply({ reviewId, reply: "Merci Diego !" })).toEqual({
      replied: true,
    });
    await expect(lucas.reviews.reply({ reviewId, reply: "Again" })).rejects.toMatchObject({
      appCode: "REPLY_EXISTS",
    });
    await expect(
      (await callerFor(SAM)).reviews.reply({ reviewId, reply: "x" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("admins hide a review (reason required, audited): it leaves the rating and the public list, and can come back", async () => {
    const consultationId = await insertConsultation(t.db, {
      clientId: SAM,
      advisorId: LUCAS,
      startsAt: recent(),
    });
    const { reviewId } = await (
      await callerFor(SAM)
    ).reviews.create({ consultationId, rating: 1, body: "Rude words" });
    const before = await rating(LUCAS);
    const admin = await callerFor("demo|admin");
    await expect(admin.reviews.hide({ reviewId, reason: "" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(await admin.reviews.hide({ reviewId, reason: "Abusive language" })).toEqual({
      changed: true,
    });
    expect(await admin.reviews.hide({ reviewId, reason: "Abusive language" })).toEqual({
      changed: false,
    });
    expect(await rating(LUCAS)).toEqual({
      rating_count: before!.rating_count - 1,
      rating_sum: before!.rating_sum - 1,
    });
    const publicList = await (await callerFor(null)).reviews.listForAdvisor({ advisorId: LUCAS });
    expect(publicList.items.map((r) => r.id)).not.toContain(reviewId);
    const hidden = await admin.reviews.listForModeration({ hidden: true });
    expect(hidden.items.map((r) => [r.id, r.hiddenReason, r.reviewerName])).toContainEqual([
      reviewId,
      "Abusive language",
      "Sam Carter",
    ]);
    const audit = await t.db.execute<{ action: string }>(
      sql`select action from audit_log where subject_id = ${reviewId}`,
    );
    expect(audit.map((a) => a.action)).toEqual(["review.hidden"]);
    expect(await admin.reviews.unhide({ reviewId, reason: "Appeal accepted" })).toEqual({
      changed: true,
    });
    expect(await rating(LUCAS)).toEqual(before);
    await expect(
      (await callerFor(LUCAS)).reviews.hide({ reviewId, reason: "I dislike it" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("the public list shows reviewers by first name only, newest first, in keyset pages", async () => {
    for (const [client, stars] of [
      [SAM, 5],
      [DIEGO, 4],
      [SAM, 3],
    ] as const) {
      const consultationId = await insertConsultation(t.db, {
        clientId: client,
        advisorId: AMIRA,
        startsAt: recent(),
      });
      await (
        await callerFor(client)
      ).reviews.create({ consultationId, rating: stars, body: `stars ${stars}` });
    }
    const anon = await callerFor(null);
    const first = await anon.reviews.listForAdvisor({ advisorId: AMIRA, limit: 2 });
    const second = await anon.reviews.listForAdvisor({
      advisorId: AMIRA,
      limit: 2,
      cursor: first.nextCursor,
    });
    const all = [...first.items, ...second.items];
    expect(new Set(all.map((r) => r.id)).size).toBe(all.length);
    const text = JSON.stringify(all);
    expect(text).not.toMatch(/Carter|Ruiz|@demo\.advisor\.network/);
    expect(all.map((r) => r.reviewer.firstName)).toEqual(expect.arrayContaining(["Sam", "Diego"]));
  });

  it("rejects bad input field by field", async () => {
    const sam = await callerFor(SAM);
    await expect(
      sam.reviews.create({ consultationId: "not-a-uuid", rating: 6, body: "" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
