import { and, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import { clientForAdvisor, REVIEWABLE_STATUSES } from "@an/domain";
import type { Executor } from "../client";
import { advisors, consultations, reviews, users } from "../schema";
import { writeAudit, type Actor } from "./audit";

/** Reviews open for this long after a consultation's scheduled end. */
export const REVIEW_WINDOW_DAYS = 14;

export type ReviewRefusal =
  "CONSULTATION_NOT_FOUND" | "REVIEW_NOT_ALLOWED" | "REVIEW_WINDOW_CLOSED" | "REVIEW_EXISTS";

/**
 * Records a client's review of their consultation and adds it to the advisor's rating, in
 * the caller's transaction. Refusals come back as a code; nothing is written then.
 */
export async function createReview(
  tx: Executor,
  params: { clientId: string; consultationId: string; rating: number; body: string; now: Date },
): Promise<{ ok: true; reviewId: string } | { ok: false; code: ReviewRefusal }> {
  const [consultation] = await tx
    .select({
      clientId: consultations.clientId,
      advisorId: consultations.advisorId,
      status: consultations.status,
      endsAt: consultations.endsAt,
    })
    .from(consultations)
    .where(eq(consultations.id, params.consultationId))
    .for("update");
  // Someone else's consultation is as good as missing: its existence isn't theirs to learn.
  if (!consultation || consultation.clientId !== params.clientId)
    return { ok: false, code: "CONSULTATION_NOT_FOUND" };
  if (!(REVIEWABLE_STATUSES as readonly string[]).includes(consultation.status)) {
    return { ok: false, code: "REVIEW_NOT_ALLOWED" };
  }
  const closesAt = consultation.endsAt.getTime() + REVIEW_WINDOW_DAYS * 86_400_000;
  if (params.now.getTime() > closesAt) return { ok: false, code: "REVIEW_WINDOW_CLOSED" };
  const [review] = await tx
    .insert(reviews)
    .values({
      consultationId: params.consultationId,
      advisorId: consultation.advisorId,
      clientId: params.clientId,
      rating: params.rating,
      body: params.body,
    })
    .onConflictDoNothing({ target: reviews.consultationId })
    .returning({ id: reviews.id });
  if (!review) return { ok: false, code: "REVIEW_EXISTS" };
  await adjustRating(tx, consultation.advisorId, params.rating, 1);
  return { ok: true, reviewId: review.id };
}

async function adjustRating(tx: Executor, advisorId: string, rating: number, direction: 1 | -1) {
  await tx
    .update(advisors)
    .set({
      ratingCount: sql`${advisors.ratingCount} + ${direction}`,
      ratingSum: sql`${advisors.ratingSum} + ${direction * rating}`,
    })
    .where(eq(advisors.userId, advisorId));
}

/** The advisor's one reply to a review of theirs; a second reply, or someone else's review, is refused. */
export async function replyToReview(
  tx: Executor,
  params: { advisorId: string; reviewId: string; reply: string },
): Promise<"replied" | "already_replied" | "not_found"> {
  const [updated] = await tx
    .update(reviews)
    .set({ reply: params.reply, repliedAt: sql`now()` })
    .where(
      and(
        eq(reviews.id, params.reviewId),
        eq(reviews.advisorId, params.advisorId),
        isNull(reviews.reply),
      ),
    )
    .returning({ id: reviews.id });
  if (updated) return "replied";
  const [exists] = await tx
    .select({ id: reviews.id })
    .from(reviews)
    .where(and(eq(reviews.id, params.reviewId), eq(reviews.advisorId, params.advisorId)));
  return exists ? "already_replied" : "not_found";
}

/**
 * Hides (or shows again) a review, taking it out of (or back into) the advisor's rating,
 * audited. Hiding a hidden review, or showing a visible one, changes nothing.
 */
export async function setReviewHidden(
  tx: Executor,
  params: {
    reviewId: string;
    hidden: boolean;
    reason: string;
    actor: Actor;
    requestId?: string | null;
  },
): Promise<"changed" | "unchanged" | "not_found"> {
  const [review] = await tx
    .select({
      id: reviews.id,
      advisorId: reviews.advisorId,
      rating: reviews.rating,
      hiddenAt: reviews.hiddenAt,
    })
    .from(reviews)
    .where(eq(reviews.id, params.reviewId))
    .for("update");
  if (!review) return "not_found";
  if ((review.hiddenAt !== null) === params.hidden) return "unchanged";
  await tx
    .update(reviews)
    .set(
      params.hidden
        ? {
            hiddenAt: sql`now()`,
            hiddenBy: params.actor.kind === "user" ? params.actor.userId : null,
            hiddenReason: params.reason,
          }
        : { hiddenAt: null, hiddenBy: null, hiddenReason: null },
    )
    .where(eq(reviews.id, review.id));
  await adjustRating(tx, review.advisorId, review.rating, params.hidden ? -1 : 1);
  await writeAudit(tx, {
    actor: params.actor,
    action: params.hidden ? "review.hidden" : "review.shown",
    subjectType: "review",
    subjectId: review.id,
    after: { reason: params.reason },
    requestId: params.requestId ?? null,
  });
  return "changed";
}

/**
 * An advisor's visible reviews, newest first (keyset on created_at, id). The reviewer is
 * shown through the privacy projection: first name only.
 */
export async function listAdvisorReviews(
  ex: Executor,
  params: { advisorId: string; limit: number; cursor?: { createdAt: Date; id: string } | null },
) {
  const rows = await ex
    .select({
      id: reviews.id,
      rating: reviews.rating,
      body: reviews.body,
      reply: reviews.reply,
      repliedAt: reviews.repliedAt,
      createdAt: reviews.createdAt,
      reviewerFirstName: users.firstName,
    })
    .from(reviews)
    .innerJoin(users, eq(users.id, reviews.clientId))
    .where(
      and(
        eq(reviews.advisorId, params.advisorId),
        isNull(reviews.hiddenAt),
        params.cursor
          ? or(
              lt(reviews.createdAt, params.cursor.createdAt),
              and(eq(reviews.createdAt, params.cursor.createdAt), lt(reviews.id, params.cursor.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(reviews.createdAt), desc(reviews.id))
    .limit(params.limit + 1);
  const page = rows.slice(0, params.limit).map(({ reviewerFirstName, ...r }) => ({
    ...r,
    reviewer: clientForAdvisor({ firstName: reviewerFirstName }),
  }));
  const last = page.at(-1);
  return {
    items: page,
    nextCursor:
      rows.length > params.limit && last ? { createdAt: last.createdAt, id: last.id } : null,
  };
}

/** Every review for moderation, newest first, hidden ones included (admins only). */
export async function listReviewsForModeration(
  ex: Executor,
  params: {
    hidden?: boolean;
    advisorId?: string;
    limit: number;
    cursor?: { createdAt: Date; id: string } | null;
  },
) {
  const rows = await ex
    .select({
      id: reviews.id,
      consultationId: reviews.consultationId,
      advisorId: reviews.advisorId,
      advisorName: advisors.displayName,
      advisorRatingCount: advisors.ratingCount,
      advisorRatingSum: advisors.ratingSum,
      clientId: reviews.clientId,
      // Admins moderate, so they see who wrote it.
      reviewerName: sql<string>`concat_ws(' ', ${users.firstName}, ${users.lastName})`,
      rating: reviews.rating,
      body: reviews.body,
      reply: reviews.reply,
      hiddenAt: reviews.hiddenAt,
      hiddenReason: reviews.hiddenReason,
      createdAt: reviews.createdAt,
    })
    .from(reviews)
    .innerJoin(advisors, eq(advisors.userId, reviews.advisorId))
    .innerJoin(users, eq(users.id, reviews.clientId))
    .where(
      and(
        params.hidden === undefined
          ? undefined
          : params.hidden
            ? sql`${reviews.hiddenAt} is not null`
            : isNull(reviews.hiddenAt),
        params.advisorId ? eq(reviews.advisorId, params.advisorId) : undefined,
        params.cursor
          ? or(
              lt(reviews.createdAt, params.cursor.createdAt),
              and(eq(reviews.createdAt, params.cursor.createdAt), lt(reviews.id, params.cursor.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(reviews.createdAt), desc(reviews.id))
    .limit(params.limit + 1);
  const page = rows.slice(0, params.limit);
  const last = page.at(-1);
  return {
    items: page,
    nextCursor:
      rows.length > params.limit && last ? { createdAt: last.createdAt, id: last.id } : null,
  };
}
