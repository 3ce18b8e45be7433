import { and, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import { clientForAdvisor } from "@an/domain";
import type { Executor } from "../client";
import { advisors, reviews, users } from "../schema";

/** Reviews open for this long after a consultation's scheduled end. */
export const REVIEW_WINDOW_DAYS = 14;

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
