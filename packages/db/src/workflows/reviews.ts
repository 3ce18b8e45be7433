import { and, eq, isNull, sql } from "drizzle-orm";
import { err, ok, REVIEWABLE_STATUSES, type Result } from "@an/domain";
import type { Executor } from "../client";
import { advisors, consultations, reviews } from "../schema";
import { type Actor, writeAudit } from "../queries/audit";
import { REVIEW_WINDOW_DAYS } from "../queries/reviews";

/** Statuses in which a consultation has reached completion, so its client may review it. */

type ReviewNotFound = { code: "REVIEW_NOT_FOUND"; ref: string };
/** Why an advisor's reply was refused: not their review (or none), or already answered. */
export type ReviewReplyError = ReviewNotFound | { code: "REPLY_EXISTS" };

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
): Promise<Result<null, ReviewReplyError>> {
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
  if (updated) return ok(null);
  const [exists] = await tx
    .select({ id: reviews.id })
    .from(reviews)
    .where(and(eq(reviews.id, params.reviewId), eq(reviews.advisorId, params.advisorId)));
  return err(
    exists ? { code: "REPLY_EXISTS" } : { code: "REVIEW_NOT_FOUND", ref: params.reviewId },
  );
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
): Promise<Result<{ changed: boolean }, ReviewNotFound>> {
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
  if (!review) return err({ code: "REVIEW_NOT_FOUND", ref: params.reviewId });
  if ((review.hiddenAt !== null) === params.hidden) return ok({ changed: false });
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
  return ok({ changed: true });
}
